import { sql, type Kysely } from 'kysely';

/**
 * Sign-in throttling (server/auth/throttle.ts, docs/decisions/012-sign-in-throttling.md).
 *
 * `sign_in_throttles`: one row per thing guesses are counted against (an address, a device, an
 * IP), with its recent failures and the earliest moment it may try again. Kept in the database,
 * not in memory, so that every replica sees the same counts.
 *
 * `trusted_devices`: clients that have signed in before. Each holds a token (only its hash is
 * kept) that gives its sign-ins their own count, so guesses from elsewhere cannot lock it out.
 */
const statements = [
  `create table sign_in_throttles (
    key text primary key,
    failures integer not null,
    last_failure_at timestamptz not null,
    next_attempt_at timestamptz not null
  )`,
  `create table trusted_devices (
    id uuid primary key default gen_random_uuid(),
    user_id integer not null references users (id) on delete cascade,
    secret_hash bytea not null,
    created_at timestamptz not null default now(),
    last_used_at timestamptz not null default now()
  )`,
  `create index trusted_devices_user on trusted_devices (user_id, last_used_at)`,
];

export async function up(db: Kysely<unknown>): Promise<void> {
  for (const statement of statements) await sql.raw(statement).execute(db);
}
