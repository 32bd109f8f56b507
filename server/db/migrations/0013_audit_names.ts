import { sql, type Kysely } from 'kysely';
import { LONG_STATEMENT } from '../connect.ts';

/**
 * The Activity panel's text filters (`actor`, `target`) read the rows of the people and objects
 * whose names match, not the whole trail (docs/decisions/038-the-audit-trail-at-any-size.md).
 * An audit row carries its actor's and target's name and email as the account knew them then;
 * no index holds those texts, so a rare text walked a million rows for its page and its count.
 *
 * Each distinct actor (account, person, email, name) and target (account, type, id, email, name)
 * the trail has named is one row here, written by a trigger on every audit row. They are few next
 * to the rows (a person is named the same way row after row), and migration 0011's search keys
 * index their texts. A filter finds the matching actors or targets here, then their rows through
 * migration 0010's indexes; the `like` on the audit row itself still decides, so a name here that
 * matches while the row's does not (the same person under another name) loses nothing and adds
 * nothing.
 *
 * No unique constraint: a unique insert waits for another transaction inserting the same values
 * until it ends, a new wait in every audited request. The trigger inserts where no row matches;
 * two requests naming a new name at the same moment may both insert it, and a duplicate only
 * repeats a candidate.
 */
const statements = [
  `create table audit_actor_names (
     account_id integer not null,
     user_id integer not null,
     email text,
     name text
   )`,
  `create index audit_actor_names_person on audit_actor_names (account_id, user_id)`,
  `create index audit_actor_names_search on audit_actor_names
     using gin (member_search_keys(account_id, lower(email), lower(name)))`,
  `create table audit_target_names (
     account_id integer not null,
     target_type text not null,
     target_id text not null,
     email text,
     name text
   )`,
  `create index audit_target_names_object on audit_target_names (account_id, target_id)`,
  `create index audit_target_names_search on audit_target_names
     using gin (member_search_keys(account_id, lower(email), lower(name)))`,

  // The function's plans are kept for the session: planned while the tables look empty (a new
  // database), a look-up would read them whole, on every audit row of a long insert. By index only.
  `create function audit_log_names() returns trigger language plpgsql
   set enable_seqscan = off as $$
   begin
     if new.account_id is null then return null; end if;
     if new.actor_user_id is not null and not exists (
       select 1 from audit_actor_names n
       where n.account_id = new.account_id and n.user_id = new.actor_user_id
         and n.email is not distinct from new.actor_email
         and n.name is not distinct from new.actor_name) then
       insert into audit_actor_names (account_id, user_id, email, name)
       values (new.account_id, new.actor_user_id, new.actor_email, new.actor_name);
     end if;
     -- A row without a target id has no target name either (server/audit.ts): no filter finds it
     -- by its target, so it needs no name here.
     if new.target_type is not null and new.target_id is not null and not exists (
       select 1 from audit_target_names n
       where n.account_id = new.account_id and n.target_id = new.target_id
         and n.target_type = new.target_type
         and n.email is not distinct from new.target_email
         and n.name is not distinct from new.target_name) then
       insert into audit_target_names (account_id, target_type, target_id, email, name)
       values (new.account_id, new.target_type, new.target_id, new.target_email, new.target_name);
     end if;
     return null;
   end $$`,
  `create trigger audit_log_names after insert on audit_log
     for each row execute function audit_log_names()`,
];

/** The names of the trail so far (exported for its test: a trail written before the trigger). */
export const backfill = [
  `insert into audit_actor_names (account_id, user_id, email, name)
     select distinct account_id, actor_user_id, actor_email, actor_name from audit_log
     where account_id is not null and actor_user_id is not null`,
  `insert into audit_target_names (account_id, target_type, target_id, email, name)
     select distinct account_id, target_type, target_id, target_email, target_name from audit_log
     where account_id is not null and target_type is not null and target_id is not null`,
  `analyze audit_actor_names`,
  `analyze audit_target_names`,
];

export async function up(db: Kysely<unknown>): Promise<void> {
  // Millions of audit rows take longer to read than a request may (server/db/connect.ts).
  await sql`set local statement_timeout = 0`.execute(db);
  for (const statement of [...statements, ...backfill]) {
    await sql.raw(LONG_STATEMENT + statement).execute(db);
  }
}
