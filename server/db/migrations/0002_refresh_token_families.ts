import { sql, type Kysely } from 'kysely';

/**
 * Refresh-token families (server/auth/tokens.ts): every refresh token carries the family of the
 * sign-in it descends from, so a stolen token presented after its owner used it ends that whole
 * sign-in. `revoked_at` tells a token ended by the system (a password change, a removal, a reuse)
 * from one spent by its holder (`used_at`), so only the latter counts as reuse.
 */
const statements = [
  `alter table refresh_tokens add column family uuid not null default gen_random_uuid()`,
  `alter table refresh_tokens add column revoked_at timestamptz`,
  `create index refresh_tokens_family on refresh_tokens (family)`,
];

export async function up(db: Kysely<unknown>): Promise<void> {
  for (const statement of statements) await sql.raw(statement).execute(db);
}
