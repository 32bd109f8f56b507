import { sql, type Kysely } from 'kysely';

/**
 * The audit trail an Administrator reads (`GET /iam/activity_log/actions`,
 * docs/decisions/027-the-audit-trail.md):
 *
 * - What a row needs to answer "from where, and how": the caller's IP, and whether a session, an
 *   identity provider's token or an API token (`actor_token_id`, already there) made the request.
 * - Who, as this account knew them when it happened: the actor's and the target person's name and
 *   email are copied into the row, so a later change elsewhere (decision 011) never rewrites the
 *   account's history, and a person who left the account is still named.
 * - Rows are append-only. A trigger refuses UPDATE, DELETE and TRUNCATE for everyone, the table's
 *   owner and superusers included (privileges do not bind them), on PostgreSQL and on PGlite; the
 *   privileges are revoked too, so a BFF that runs as a role other than the owner is refused by
 *   PostgreSQL's own checks before the trigger is reached.
 * - The foreign keys no longer `set null` when a user, account or token row goes: that would be
 *   an UPDATE of history. They refuse the deletion instead (no action): nothing in the BFF
 *   deletes those rows (people and tokens are marked deleted), and nothing ever should while
 *   their history points at them.
 */
const statements = [
  `alter table audit_log add column if not exists ip text`,
  `alter table audit_log add column if not exists via text
     check (via in ('session', 'identity_provider', 'api_token'))`,
  `alter table audit_log add column if not exists session_id uuid`,
  `alter table audit_log add column if not exists actor_name text`,
  `alter table audit_log add column if not exists actor_email text`,
  `alter table audit_log add column if not exists target_name text`,
  `alter table audit_log add column if not exists target_email text`,
  // Rows written before this migration: the names as the account sees them now, the best there is.
  `update audit_log a set actor_name = u.name, actor_email = u.email
   from users u where u.id = a.actor_user_id`,
  `update audit_log a set
     target_name = case when m.accepted_at is null then m.invited_name else u.name end,
     target_email = u.email
   from users u
   left join memberships m on m.user_id = u.id
   where a.target_type = 'user' and a.target_id = u.id::text
     and (m.account_id = a.account_id or m.id is null)`,
  `update audit_log set via = 'api_token' where actor_token_id is not null`,

  `alter table audit_log drop constraint if exists audit_log_account_id_fkey`,
  `alter table audit_log drop constraint if exists audit_log_actor_user_id_fkey`,
  `alter table audit_log drop constraint if exists audit_log_actor_token_id_fkey`,
  `alter table audit_log add constraint audit_log_account_id_fkey
     foreign key (account_id) references accounts (id)`,
  `alter table audit_log add constraint audit_log_actor_user_id_fkey
     foreign key (actor_user_id) references users (id)`,
  `alter table audit_log add constraint audit_log_actor_token_id_fkey
     foreign key (actor_token_id) references api_tokens (id)`,

  // The Activity panel's filters and a member's History: one account's rows, newest first.
  `create index if not exists audit_log_account_actor
     on audit_log (account_id, actor_user_id, occurred_at desc)`,
  `create index if not exists audit_log_account_target
     on audit_log (account_id, target_type, target_id, occurred_at desc)`,

  `create or replace function audit_log_append_only() returns trigger language plpgsql as $$
   begin
     raise exception 'audit_log is append-only: % is not allowed', tg_op
       using errcode = 'insufficient_privilege';
   end
   $$`,
  `drop trigger if exists audit_log_no_change on audit_log`,
  `create trigger audit_log_no_change before update or delete on audit_log
     for each row execute function audit_log_append_only()`,
  `drop trigger if exists audit_log_no_truncate on audit_log`,
  `create trigger audit_log_no_truncate before truncate on audit_log
     for each statement execute function audit_log_append_only()`,
  // The owner keeps the right to grant these back (PostgreSQL's rule), but not to use them
  // unasked; a separate runtime role never had them unless a DBA granted them (docs/deploy.md).
  `revoke update, delete, truncate on audit_log from public`,
  `revoke update, delete, truncate on audit_log from current_user`,
];

export async function up(db: Kysely<unknown>): Promise<void> {
  for (const statement of statements) await sql.raw(statement).execute(db);
}
