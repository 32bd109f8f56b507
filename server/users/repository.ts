import { sql } from 'kysely';
import type { UsersQuery } from '../../shared/users.ts';
import { IAM_ROLES } from '../../shared/roles.ts';
import { toCount, type Db } from '../db/connect.ts';

/**
 * Members of an account as the Users panel sees them. Every filter, the order and the paging run
 * in SQL, backed by the indexes of migration 0001, so an account of 100,000 users stays fast.
 */

export interface MemberRow {
  id: number;
  email: string;
  name: string | null;
  phone: string | null;
  lang: string;
  deleted_at: Date | null;
  two_fa_enabled_at: Date | null;
  password_hash_set: boolean;
  /** Joined here and an active member of another account too (docs/decisions/011). */
  shared_profile: boolean;
  role_id: number;
  accepted_at: Date | null;
  invitation_expires_at: Date | null;
  account_id: number;
  company_name: string;
}

function membersOf(db: Db, accountId: number) {
  return db
    .selectFrom('memberships as m')
    .innerJoin('users as u', 'u.id', 'm.user_id')
    .innerJoin('accounts as a', 'a.id', 'm.account_id')
    .where('m.account_id', '=', accountId)
    .where('u.deleted_at', 'is', null);
}

type MembersQuery = ReturnType<typeof membersOf>;

// Until someone joins, the account sees what its invitation said, never the person's own row,
// which other accounts share (docs/decisions/011). Filters and orderings use the same values.
const shownName = sql<
  string | null
>`(case when m.accepted_at is null then m.invited_name else u.name end)`;
const shownLang = sql<string>`(case when m.accepted_at is null then coalesce(m.invited_lang, u.lang) else u.lang end)`;
const sharedProfile = sql<boolean>`(m.accepted_at is not null and exists (
  select 1 from memberships o
  where o.user_id = u.id and o.account_id <> m.account_id and o.accepted_at is not null))`;

const memberColumns = (query: MembersQuery) =>
  query.select([
    'u.id',
    'u.email',
    shownName.as('name'),
    'u.phone',
    shownLang.as('lang'),
    'u.deleted_at',
    'u.two_fa_enabled_at',
    sql<boolean>`u.password_hash is not null`.as('password_hash_set'),
    sharedProfile.as('shared_profile'),
    'm.role_id',
    'm.accepted_at',
    'm.invitation_expires_at',
    'm.account_id',
    'a.company_name',
  ]);

/**
 * A member who does not comply with the account's 2FA requirement: the account requires it, they
 * have joined and have no second factor. (Invitees are bound once they join.) The one definition:
 * the Users list's filter, the count of the Account panel and the reminder's recipients use it.
 */
export const notComplyingWithTwoFa = sql<boolean>`(a.require_2fa_since is not null
  and m.accepted_at is not null and u.two_fa_enabled_at is null)`;

/** `like` pattern for a substring, with the user's `%`, `_` and `\` taken literally. */
export function containing(text: string): string {
  return `%${text.toLowerCase().replace(/[\\%_]/g, (char) => `\\${char}`)}%`;
}

function applyFilters(query: MembersQuery, filters: UsersQuery, now: Date): MembersQuery {
  let q = query;
  if (filters.id) q = q.where(sql`cast(u.id as text)`, 'like', containing(filters.id));
  if (filters.email) q = q.where('u.email', 'like', containing(filters.email));
  if (filters.name) q = q.where(sql`lower(${shownName})`, 'like', containing(filters.name));
  if (filters.role?.length) q = q.where('m.role_id', 'in', filters.role);
  if (filters.lang?.length) q = q.where(shownLang, 'in', filters.lang);
  const statuses = filters.status ?? [];
  if (statuses.length) {
    // One condition per status, each able to use an index (the status itself is derived).
    q = q.where((eb) =>
      eb.or(
        statuses.map((status) => {
          if (status === 'active') return eb('m.accepted_at', 'is not', null);
          if (status === 'invitation_expired') {
            return eb.and([
              eb('m.accepted_at', 'is', null),
              eb('m.invitation_expires_at', '<=', now),
            ]);
          }
          return eb.and([
            eb('m.accepted_at', 'is', null),
            eb.or([
              eb('m.invitation_expires_at', 'is', null),
              eb('m.invitation_expires_at', '>', now),
            ]),
          ]);
        }),
      ),
    );
  }
  if (filters.two_fa !== undefined) {
    // As the list shows it: a second factor counts only for members who have joined.
    const activated = sql<boolean>`(m.accepted_at is not null and u.two_fa_enabled_at is not null)`;
    q = q.where(filters.two_fa ? activated : sql<boolean>`not ${activated}`);
  }
  if (filters.two_fa_compliant !== undefined) {
    // Compliant: joined, and either 2FA is not required or it is on.
    q = q.where(
      filters.two_fa_compliant
        ? sql<boolean>`(m.accepted_at is not null and not ${notComplyingWithTwoFa})`
        : notComplyingWithTwoFa,
    );
  }
  return q;
}

// Roles and statuses sort by what the user sees in the column: the role's name, the status word.
const roleNameSql = sql`case m.role_id ${sql.join(
  IAM_ROLES.map((role) => sql`when ${sql.lit(role.id)} then ${sql.lit(role.name)}`),
  sql` `,
)} end`;

function statusSql(now: Date) {
  return sql`case when m.accepted_at is not null then 'active'
    when m.invitation_expires_at <= ${now} then 'invitation_expired' else 'not_activated' end`;
}

function orderExpression(field: string, now: Date) {
  switch (field) {
    case 'email':
      return sql`u.email`;
    case 'name':
      return sql`lower(${shownName})`;
    case 'role':
      return roleNameSql;
    case 'lang':
      return shownLang;
    case 'status':
      return statusSql(now);
    default:
      return sql`u.id`;
  }
}

export async function listMembers(
  db: Db,
  accountId: number,
  filters: UsersQuery,
  now: Date,
): Promise<{ count: number; rows: MemberRow[] }> {
  const ordering = filters.ordering ?? 'id';
  const descending = ordering.startsWith('-');
  const field = ordering.replace(/^-/, '');
  const direction = descending ? sql`desc` : sql`asc`;
  const nulls = descending ? sql`nulls first` : sql`nulls last`;

  const filtered = applyFilters(membersOf(db, accountId), filters, now);
  let page = memberColumns(filtered)
    .orderBy(sql`${orderExpression(field, now)} ${direction} ${nulls}`)
    .orderBy('u.id', descending ? 'desc' : 'asc');
  if (filters.limit !== undefined) page = page.limit(filters.limit).offset(filters.offset ?? 0);

  const [rows, total] = await Promise.all([
    page.execute(),
    filtered
      .select((eb) => eb.fn.countAll<string | number>().as('count'))
      .executeTakeFirstOrThrow(),
  ]);
  return { count: toCount(total.count), rows };
}

/** One member of the account (pending or active), or undefined: another account's user is unknown here. */
export async function findMember(
  db: Db,
  accountId: number,
  userId: number,
): Promise<MemberRow | undefined> {
  return memberColumns(membersOf(db, accountId)).where('u.id', '=', userId).executeTakeFirst();
}

/** The members who do not comply with the account's 2FA requirement: whom a reminder goes to. */
export async function membersWithoutRequiredTwoFa(db: Db, accountId: number) {
  return membersOf(db, accountId)
    .select(['u.id', 'u.email', 'u.lang'])
    .where(notComplyingWithTwoFa)
    .orderBy('u.id')
    .execute();
}

/** How many members do not comply with the account's 2FA requirement. */
export async function countWithoutRequiredTwoFa(db: Db, accountId: number): Promise<number> {
  const row = await membersOf(db, accountId)
    .select((eb) => eb.fn.countAll<string | number>().as('count'))
    .where(notComplyingWithTwoFa)
    .executeTakeFirstOrThrow();
  return toCount(row.count);
}

/** The account's Administrators, for `GET /iam/clients/me`. */
export async function listAdministrators(db: Db, accountId: number) {
  return membersOf(db, accountId)
    .select(['u.id', 'u.email', 'u.name'])
    .where('m.role_id', '=', 1)
    .where('m.accepted_at', 'is not', null)
    .orderBy('u.id')
    .execute();
}

export interface CloudRoleRow {
  user_id: number;
  project_id: number | null;
  project_name: string | null;
  role: string;
}

/** Cloud role assignments of several members at once (one query for a whole page). */
export async function cloudRolesOf(
  db: Db,
  accountId: number,
  userIds: number[],
): Promise<CloudRoleRow[]> {
  if (userIds.length === 0) return [];
  return (
    db
      .selectFrom('cloud_role_assignments as c')
      .leftJoin('projects as p', 'p.id', 'c.project_id')
      .select(['c.user_id', 'c.project_id', 'p.name as project_name', 'c.role'])
      .where('c.account_id', '=', accountId)
      // one array parameter, not one parameter per user: a page may be the whole account
      .where(sql<boolean>`c.user_id = any(${userIds}::int[])`)
      .orderBy('c.project_id')
      .execute()
  );
}

/** The accounts of which the user is an active member that require 2FA (the strictest binds). */
export async function accountsRequiringTwoFa(db: Db, userId: number): Promise<string[]> {
  const rows = await db
    .selectFrom('memberships as m')
    .innerJoin('accounts as a', 'a.id', 'm.account_id')
    .select('a.company_name')
    .where('m.user_id', '=', userId)
    .where('m.accepted_at', 'is not', null)
    .where('a.require_2fa_since', 'is not', null)
    .orderBy('a.id')
    .execute();
  return rows.map((row) => row.company_name);
}

/** Every account where the user is an active member: for switching accounts. */
export async function accountsOf(db: Db, userId: number) {
  return db
    .selectFrom('memberships as m')
    .innerJoin('accounts as a', 'a.id', 'm.account_id')
    .select(['a.id', 'a.company_name', 'm.role_id'])
    .where('m.user_id', '=', userId)
    .where('m.accepted_at', 'is not', null)
    .orderBy('a.id')
    .execute();
}
