import { sql, type Kysely } from 'kysely';
import { LONG_STATEMENT } from '../connect.ts';

/**
 * A deleted person is a member of no account (docs/decisions/039-deleted-people-belong-nowhere.md).
 * The BFF only ever deletes someone it has just removed from their last account, but the database
 * allowed more: a person marked deleted with their memberships left in place (the demo's seed did
 * it, and so can an operator's `update`). So every read of the Users list carried a check per row
 * that the member was not deleted (six anti-joins in a search's statement, 0.7 ms of planning
 * each time), and the member counts had to tell such rows apart: counted when listed, not when
 * the person was deleted, counted again when the person row went altogether, which decremented a
 * deleted person's memberships twice when an operator then deleted the row.
 *
 * Now the rule is the database's own:
 * - marking a person deleted removes their memberships (and, by the foreign keys, their Cloud
 *   roles and pending invitations there), as a removal from their last account does;
 * - a membership of a deleted person cannot be written (an invitation undeletes the person first);
 * - so the counts count the rows inserted and removed, and nothing else.
 * Memberships left by earlier versions are removed first, under the old triggers, which did not
 * count them.
 */
const statements = [
  `delete from memberships m using users u where u.id = m.user_id and u.deleted_at is not null`,

  `create or replace function memberships_count_inserted() returns trigger language plpgsql as $$
   begin
     if exists (select 1 from inserted r join users u on u.id = r.user_id
                where u.deleted_at is not null) then
       raise exception 'a deleted person cannot be a member of an account'
         using errcode = 'integrity_constraint_violation';
     end if;
     update accounts a set member_count = a.member_count + n.members
     from (select r.account_id, count(*) as members from inserted r group by r.account_id) n
     where a.id = n.account_id;
     return null;
   end $$`,
  `create or replace function memberships_count_deleted() returns trigger language plpgsql as $$
   begin
     update accounts a set member_count = a.member_count - n.members
     from (select r.account_id, count(*) as members from removed r group by r.account_id) n
     where a.id = n.account_id;
     return null;
   end $$`,

  `drop trigger users_count_deleted on users`,
  `drop function users_count_deleted()`,
  `create function users_leave_accounts() returns trigger language plpgsql as $$
   begin
     delete from memberships where user_id = new.id;
     return null;
   end $$`,
  `create trigger users_leave_accounts after update of deleted_at on users
     for each row when (old.deleted_at is null and new.deleted_at is not null)
     execute function users_leave_accounts()`,

  // It served the Users list's anti-join only.
  `drop index users_deleted`,
];

export async function up(db: Kysely<unknown>): Promise<void> {
  for (const statement of statements) await sql.raw(LONG_STATEMENT + statement).execute(db);
}
