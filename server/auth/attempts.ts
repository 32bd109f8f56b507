import { toCount, type Db } from '../db/connect.ts';
import type { LoginEventsTable } from '../db/schema.ts';
import { refuseOverLimit } from '../errors.ts';
import type { Caller } from '../http/env.ts';

/**
 * A secret checked in the settings (the password before an email change, a 2FA code before
 * turning 2FA on) has a limit of its own, apart from sign-in's. It is written down as a failure
 * before it is checked, so guesses sent in parallel see each other and the limit holds; it is
 * struck off again when it proves right, or when it could not be checked at all (503). It is no
 * sign-in: written as `kind: 'settings'`, it counts for the limits but never shows in the history.
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
      kind: 'settings',
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
  let right: boolean;
  try {
    right = await isRight();
  } catch (error) {
    // Never checked (the hashing queue was full, its thread ended): no failure to count. If even
    // that fails (the database is gone), the first error is the one to answer with.
    await strikeOff(db, event.id).catch(() => undefined);
    throw error;
  }
  if (right) await strikeOff(db, event.id);
  return right;
}

const strikeOff = (db: Db, eventId: string) =>
  db.deleteFrom('login_events').where('id', '=', eventId).execute();

/** Wrong passwords a user may type in the settings in the window, before 429. */
export const MAX_SETTINGS_PASSWORD_FAILURES = 10;
const SETTINGS_FAILURE_WINDOW_MS = 15 * 60_000;
export const WRONG_PASSWORD_IN_SETTINGS = 'wrong_password_in_settings';

/**
 * The limit on passwords checked in the settings (`checkLimits` of `checkedAttempt`). It counts
 * only the signed-in user's own wrong passwords there: guesses at sign-in by someone else must not
 * hold the owner up, and attempts refused by this limit (`rate_limited`) do not renew it.
 */
export async function checkSettingsPasswordFailures(db: Db, userId: number, now: Date) {
  const failures = await recentFailures(db, userId, now, SETTINGS_FAILURE_WINDOW_MS, {
    reason: WRONG_PASSWORD_IN_SETTINGS,
  });
  refuseOverLimit({
    ...failures,
    // This attempt is already written down as a failure, and is allowed to be the last.
    limit: MAX_SETTINGS_PASSWORD_FAILURES + 1,
    windowMs: SETTINGS_FAILURE_WINDOW_MS,
    now,
    message: 'Too many failed sign-in attempts. Try again later.',
  });
}

/**
 * How many failed attempts of a user in the last `windowMs` match `which` (a failure reason, or
 * methods), and when the oldest was: what each "at most N in a window" limit counts.
 */
export async function recentFailures(
  db: Db,
  userId: number,
  now: Date,
  windowMs: number,
  which: { reason: string } | { methods: LoginEventsTable['method'][] },
): Promise<{ count: number; oldest: Date | null }> {
  let query = db
    .selectFrom('login_events')
    .select((eb) => [
      eb.fn.countAll<string | number>().as('count'),
      eb.fn.min('occurred_at').as('oldest'),
    ])
    .where('user_id', '=', userId)
    .where('success', '=', false)
    .where('occurred_at', '>', new Date(now.getTime() - windowMs));
  query =
    'reason' in which
      ? query.where('failure_reason', '=', which.reason)
      : query.where('method', 'in', which.methods);
  const failures = await query.executeTakeFirstOrThrow();
  return { count: toCount(failures.count), oldest: failures.oldest };
}
