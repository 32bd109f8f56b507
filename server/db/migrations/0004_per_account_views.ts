import { sql, type Kysely } from 'kysely';

/**
 * What one account sees of a person must not change when another account acts on them
 * (docs/decisions/011-per-account-views-of-a-person.md):
 *
 * - Until someone joins, the account sees what its invitation said: the name and language it
 *   sent are kept on the membership (`invited_name`, `invited_lang`), not written over the
 *   person's own row, which other accounts share.
 * - When an issuer leaves an account, the account's tokens keep the name and email it knew
 *   (`issuer_name`, `issuer_email`): a later invitation elsewhere, or the person's own changes
 *   after joining another account, do not rewrite this account's token history.
 */
const statements = [
  `alter table memberships add column invited_name text check (length(invited_name) <= 255)`,
  `alter table memberships add column invited_lang text`,
  // What pending memberships showed until now: the row's name when the invitation created it
  // (no password), nothing of a login the person had elsewhere; the row's language.
  `update memberships m set
     invited_name = case when u.password_hash is null then u.name end,
     invited_lang = u.lang
   from users u where u.id = m.user_id and m.accepted_at is null`,
  `alter table api_tokens add column issuer_name text`,
  `alter table api_tokens add column issuer_email text`,
  `update api_tokens t set issuer_name = u.name, issuer_email = u.email
   from users u
   where u.id = t.user_id and not exists (
     select 1 from memberships m where m.account_id = t.account_id and m.user_id = t.user_id)`,
];

export async function up(db: Kysely<unknown>): Promise<void> {
  for (const statement of statements) await sql.raw(statement).execute(db);
}
