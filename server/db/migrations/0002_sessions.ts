import { sql, type Kysely } from 'kysely';

/**
 * Sessions (server/auth/sessions.ts): one row per sign-in. Every access token names its session
 * (`sid`) and every refresh token belongs to one, so ending a session ends both at once (a reused
 * refresh token: someone holds a copy; the user's deletion). A session holds only for the
 * password it was opened with: `credentials_version` is counted up by a password change and
 * copied onto each session, and a session whose copy is behind is refused, even one a sign-in
 * with the old password opened while the change went on. `revoked_at` on a refresh token tells one
 * ended by the system (a removal from the account) from one spent by its holder (`used_at`).
 *
 * Refresh tokens issued before this migration belong to no session and are ended here: their
 * holders sign in again, as their access tokens (which name no session either) are refused.
 */
const statements = [
  `alter table users add column credentials_version integer not null default 0`,
  `create table sessions (
    id uuid primary key default gen_random_uuid(),
    user_id integer not null references users (id) on delete cascade,
    credentials_version integer not null,
    created_at timestamptz not null default now(),
    revoked_at timestamptz
  )`,
  `create index sessions_user on sessions (user_id) where revoked_at is null`,
  `alter table refresh_tokens add column session_id uuid references sessions (id) on delete cascade`,
  `alter table refresh_tokens add column revoked_at timestamptz`,
  `update refresh_tokens set revoked_at = now() where used_at is null`,
  `create index refresh_tokens_session on refresh_tokens (session_id)`,
];

export async function up(db: Kysely<unknown>): Promise<void> {
  for (const statement of statements) await sql.raw(statement).execute(db);
}
