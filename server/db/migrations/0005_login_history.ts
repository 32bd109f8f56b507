import { sql, type Kysely } from 'kysely';

/**
 * The login history holds sign-ins only, one event each, with a reason for each failure
 * (docs/decisions/018-the-login-history.md):
 *
 * - `kind`: a password or code checked in the settings (before an email change, turning 2FA on)
 *   is written down for its own limit, but it is no sign-in: `settings`, kept out of the history.
 *   Such attempts were the only failures that carried an account. No default from here on: each
 *   writer says which it writes.
 * - The password step of a 2FA sign-in ("a code is required") was a failure of its own; the
 *   sign-in is one event now, so those rows go.
 * - Reasons in the words the history shows (`LOGIN_FAILURE_REASONS` in shared/two-fa.ts).
 */
const statements = [
  `alter table login_events add column kind text not null default 'sign_in'
     check (kind in ('sign_in', 'settings'))`,
  `update login_events set kind = 'settings' where not success and account_id is not null`,
  `alter table login_events alter column kind drop default`,
  `delete from login_events where kind = 'sign_in' and failure_reason = 'code_required'`,
  `update login_events set failure_reason = case
     when failure_reason = 'rate_limited' and method = 'password' then 'too_many_attempts'
     when failure_reason = 'rate_limited' then 'too_many_codes'
     when failure_reason = 'wrong_or_used_code' then 'wrong_code'
     when failure_reason = 'no_active_account' then 'no_access'
     else failure_reason end
   where kind = 'sign_in' and not success`,
];

export async function up(db: Kysely<unknown>): Promise<void> {
  for (const statement of statements) await sql.raw(statement).execute(db);
}
