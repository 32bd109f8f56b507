import { sql, type Kysely } from 'kysely';

/**
 * An account may require two-factor authentication of its members (docs/decisions/026):
 * `require_2fa_since` is when the requirement started (null: not required), and the grace period
 * ends `two_fa_grace_days` days later, so the deadline is computed, never stored twice.
 */
const statements = [
  `alter table accounts add column require_2fa_since timestamptz`,
  `alter table accounts add column two_fa_grace_days integer not null default 0
     check (two_fa_grace_days between 0 and 30)`,
];

export async function up(db: Kysely<unknown>): Promise<void> {
  for (const statement of statements) await sql.raw(statement).execute(db);
}
