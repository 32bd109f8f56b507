import { sql, type Kysely } from 'kysely';
import { IAM_ROLES } from '../../../shared/roles.ts';
import { LONG_STATEMENT } from '../connect.ts';

/**
 * The Users list of a 100,000-member account as fast as one of 1,000, whatever other accounts
 * hold (docs/decisions/022-users-list-paging-and-round-trips.md):
 *
 * - Every ordering of the panel is an index on the membership, led by the account: the values it
 *   sorts and filters by (the email, the name and language the account sees, whether the person
 *   has a second factor) are copied onto the membership by triggers, so a page is a short index
 *   range of one account, by keyset or offset, and a filter never visits the users table.
 * - `accounts.member_count` is the exact number of members (of users not deleted), kept by
 *   triggers, so the unfiltered count costs nothing (docs/decisions/021-the-users-count.md).
 *
 * The copies are derived data: the triggers below are their only writers.
 */
export const ROLE_NAME_SQL = `(case role_id ${IAM_ROLES.map((role) => `when ${role.id} then '${role.name}'`).join(' ')} end)`;

const statements = [
  `alter table memberships add column sort_email text`,
  `alter table memberships add column sort_name text`,
  `alter table memberships add column sort_lang text`,
  `alter table memberships add column two_fa boolean not null default false`,
  `alter table accounts add column member_count integer not null default 0`,

  // What the account sees (docs/decisions/011): before joining, the invitation's name and language.
  `create function memberships_sort_keys() returns trigger language plpgsql as $$
   begin
     select u.email,
            lower(case when new.accepted_at is null then new.invited_name else u.name end),
            case when new.accepted_at is null then coalesce(new.invited_lang, u.lang) else u.lang end,
            u.two_fa_enabled_at is not null
       into new.sort_email, new.sort_name, new.sort_lang, new.two_fa
       from users u where u.id = new.user_id;
     return new;
   end $$`,
  `create trigger memberships_sort_keys
     before insert or update of user_id, accepted_at, invited_name, invited_lang on memberships
     for each row execute function memberships_sort_keys()`,
  `create function users_sort_keys() returns trigger language plpgsql as $$
   begin
     update memberships m set
       sort_email = new.email,
       sort_name = lower(case when m.accepted_at is null then m.invited_name else new.name end),
       sort_lang = case when m.accepted_at is null then coalesce(m.invited_lang, new.lang) else new.lang end,
       two_fa = new.two_fa_enabled_at is not null
     where m.user_id = new.id;
     return null;
   end $$`,
  `create trigger users_sort_keys after update of email, name, lang, two_fa_enabled_at on users
     for each row
     when (old.email is distinct from new.email or old.name is distinct from new.name
           or old.lang is distinct from new.lang
           or (old.two_fa_enabled_at is null) <> (new.two_fa_enabled_at is null))
     execute function users_sort_keys()`,

  // Members counted per statement (a bulk insert updates each account once). A membership whose
  // user is deleted is not listed, so it does not count; a user gone altogether counted as listed.
  `create function memberships_count_inserted() returns trigger language plpgsql as $$
   begin
     update accounts a set member_count = a.member_count + n.members
     from (select r.account_id, count(*) as members from inserted r
           join users u on u.id = r.user_id and u.deleted_at is null group by r.account_id) n
     where a.id = n.account_id;
     return null;
   end $$`,
  `create trigger memberships_count_inserted after insert on memberships
     referencing new table as inserted for each statement
     execute function memberships_count_inserted()`,
  `create function memberships_count_deleted() returns trigger language plpgsql as $$
   begin
     update accounts a set member_count = a.member_count - n.members
     from (select r.account_id, count(*) as members from removed r
           where not exists (select 1 from users u where u.id = r.user_id and u.deleted_at is not null)
           group by r.account_id) n
     where a.id = n.account_id;
     return null;
   end $$`,
  `create trigger memberships_count_deleted after delete on memberships
     referencing old table as removed for each statement
     execute function memberships_count_deleted()`,
  `create function users_count_deleted() returns trigger language plpgsql as $$
   begin
     update accounts a set member_count = a.member_count
       + case when new.deleted_at is null then 1 else -1 end
     from memberships m where m.user_id = new.id and a.id = m.account_id;
     return null;
   end $$`,
  `create trigger users_count_deleted after update of deleted_at on users
     for each row when ((old.deleted_at is null) <> (new.deleted_at is null))
     execute function users_count_deleted()`,

  `update memberships m set
     sort_email = u.email,
     sort_name = lower(case when m.accepted_at is null then m.invited_name else u.name end),
     sort_lang = case when m.accepted_at is null then coalesce(m.invited_lang, u.lang) else u.lang end,
     two_fa = u.two_fa_enabled_at is not null
   from users u where u.id = m.user_id`,
  `update accounts a set member_count = (
     select count(*) from memberships m join users u on u.id = m.user_id
     where m.account_id = a.id and u.deleted_at is null)`,

  // One index per ordering, each ending in user_id (the tie-break and the keyset's last column).
  // By id, the id as bigint: an order only this index gives, so the planner never walks the
  // user_id index through every account's members instead (server/users/list-query.ts).
  `create index memberships_by_id on memberships (account_id, (user_id::bigint), user_id)`,
  `create index memberships_by_email on memberships (account_id, sort_email, user_id)`,
  `create index memberships_by_name on memberships
     (account_id, (sort_name is null), (coalesce(sort_name, '')), user_id)`,
  `create index memberships_by_lang on memberships (account_id, sort_lang, user_id)`,
  `create index memberships_by_role on memberships (account_id, ${ROLE_NAME_SQL}, user_id)`,
  // Ordering by status: joined members, then pending invitations, each by id.
  `create index memberships_pending_by_id on memberships (account_id, (user_id::bigint), user_id)
     where accepted_at is null`,
  // Substring filters on what the account sees.
  `create index memberships_email_trgm on memberships using gin (sort_email gin_trgm_ops)`,
  `create index memberships_name_trgm on memberships using gin (sort_name gin_trgm_ops)`,
  `create index memberships_id_trgm on memberships using gin ((user_id::text) gin_trgm_ops)`,
  // The few deleted users, for the anti-join that hides their memberships.
  `create index users_deleted on users (id) where deleted_at is not null`,
  `analyze memberships`,
  `analyze users`,
];

export async function up(db: Kysely<unknown>): Promise<void> {
  // The copies and indexes of a million memberships take longer than a request may
  // (server/db/connect.ts): no limit, for the migrations' transaction only.
  await sql`set local statement_timeout = 0`.execute(db);
  for (const statement of statements) await sql.raw(LONG_STATEMENT + statement).execute(db);
}
