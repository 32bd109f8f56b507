import type { Db } from '../db/connect.ts';
import type { Caller } from '../http/env.ts';

/**
 * A secret checked in the settings (the password before an email change, a 2FA code before
 * turning 2FA on) counts toward the sign-in limits. As at sign-in, it is written down as a failure
 * before it is checked, so guesses sent in parallel see each other and the limit holds; it is
 * struck off again when it proves right (it is no sign-in for the history).
 *
 * `checkLimits` refuses (429) when the failures, this one included, are over the limit;
 * `isRight` checks the secret. Answers whether it was right.
 */
export async function checkedAttempt(
  db: Db,
  caller: Caller,
  now: Date,
  attempt: { method: 'password' | 'totp'; reason: string },
  checkLimits: () => Promise<void>,
  isRight: () => Promise<boolean>,
): Promise<boolean> {
  const event = await db
    .insertInto('login_events')
    .values({
      user_id: caller.userId,
      account_id: caller.accountId,
      email: caller.email,
      occurred_at: now,
      success: false,
      method: attempt.method,
      failure_reason: attempt.reason,
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  try {
    await checkLimits();
  } catch (error) {
    await db
      .updateTable('login_events')
      .set({ failure_reason: 'rate_limited' })
      .where('id', '=', event.id)
      .execute();
    throw error;
  }
  if (!(await isRight())) return false;
  await db.deleteFrom('login_events').where('id', '=', event.id).execute();
  return true;
}
