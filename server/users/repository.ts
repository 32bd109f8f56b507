import type { UsersQuery } from '../../shared/users.ts';
import { toCount, type Db } from '../db/connect.ts';
import type { PageCursors } from '../http/page-links.ts';
import {
  BIG_ACCOUNT_MEMBERS,
  cursorAt,
  filterSql,
  searchKeys,
  idSearch,
  listSql,
  memberSql,
  notComplyingWithTwoFa,
  planPage,
} from './list-query.ts';
import type { AccountRef } from './mapper.ts';

/**
 * Members of an account as the Users panel sees them. Every filter, the order and the paging run
 * in SQL (list-query.ts), backed by the indexes of migration 0007, so a page of an account of
 * 100,000 users costs what one of 1,000 does, in one statement.
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
  /** This account's Cloud roles of the member. */
  cloud_roles: CloudRoleRow[];
  /** The member's accounts, only when the member is the caller (null otherwise). */
  caller_accounts: AccountRef[] | null;
}

function membersOf(db: Db, accountId: number) {
  return db
    .selectFrom('memberships as m')
    .innerJoin('users as u', 'u.id', 'm.user_id')
    .where('m.account_id', '=', accountId)
    .where('u.deleted_at', 'is', null);
}

export interface MembersPage extends PageCursors {
  count: number;
  /** False when the count is an estimate (docs/decisions/021-the-users-count.md). */
  countExact: boolean;
  rows: MemberRow[];
  /** A `previous` link found nothing before its row any more: this is the list's first page. */
  fromStart: boolean;
}

type SortKeys = (string | number | boolean)[];

/** The statement of `listMembers` (the plan tests explain it). */
export function listStatement(
  accountId: number,
  callerId: number,
  filters: UsersQuery & { limit: number },
  now: Date,
  options: ListOptions = {},
  plan = planPage(filters),
) {
  const bigAccount = (options.accountMembers ?? 0) >= BIG_ACCOUNT_MEMBERS;
  return listSql({
    bigAccount,
    accountId,
    callerId,
    where: filterSql(filters, now, bigAccount),
    search: searchKeys(filters, accountId),
    idPattern: idSearch(filters),
    textFilter: Boolean(filters.id || filters.email || filters.name),
    plan,
    now,
    // One more than asked: whether a next page exists, without counting.
    limit: filters.limit + 1,
    offset: plan.after || plan.backward ? 0 : (filters.offset ?? 0),
    count: options.count ?? true,
  });
}

export interface ListOptions {
  /** False: no count (the batches of a streamed list); `count` is then 0. */
  count?: boolean;
  /** The account's member count, when the caller's row brought it (`Caller.accountMembers`). */
  accountMembers?: number | undefined;
}

/** One page of members and the count, in one statement (list-query.ts). */
export async function listMembers(
  db: Db,
  accountId: number,
  callerId: number,
  filters: UsersQuery & { limit: number },
  now: Date,
  options: ListOptions = {},
): Promise<MembersPage> {
  const plan = planPage(filters);
  const { rows } = await listStatement(accountId, callerId, filters, now, options, plan).execute(
    db,
  );
  const all = rows as (MemberRow & {
    sort_keys: SortKeys | null;
    total: number | string | null;
    exact: boolean;
    /** Sought backwards, nothing was left before the cursor: the list's first page instead. */
    from_start?: boolean;
  })[];
  const members = all.filter((row) => row.id !== null);
  const fromStart = members[0]?.from_start === true;
  const backward = plan.backward && !fromStart;
  // The extra row lies beyond the page in the direction read: after it, or (backward) before it.
  const more = members.length > filters.limit;
  const page = members.slice(0, filters.limit);
  if (backward) page.reverse();
  const [first, last] = [page.at(0), page.at(-1)];
  const cursor = (row: typeof first, before = false) =>
    row &&
    cursorAt(filters.ordering ?? 'id', { sort_keys: row.sort_keys ?? [], id: row.id }, before);
  // Forward, a row lies before the page when it starts after one or past an offset; backward,
  // a row lies after it unless it ends at the list's end.
  const before =
    !fromStart && (backward ? more : plan.after !== undefined || (filters.offset ?? 0) > 0);
  const after = backward ? plan.after !== undefined : more;
  return {
    count: toCount(all[0].total ?? 0),
    countExact: all[0].exact,
    rows: page,
    nextCursor: after ? cursor(last) : undefined,
    previousCursor: before ? cursor(first, true) : undefined,
    backward,
    fromStart,
  };
}

/** One member of the account (pending or active), or undefined: another account's user is unknown here. */
export async function findMember(
  db: Db,
  accountId: number,
  userId: number,
  /** Who asks: their own other accounts come with their row. */
  callerId = 0,
): Promise<MemberRow | undefined> {
  const { rows } = await memberSql(accountId, userId, callerId).execute(db);
  return rows[0] as MemberRow | undefined;
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
