import type { LoginAnswer, LoginBody } from '../../shared/auth.ts';
import { INVALID_CREDENTIALS_MESSAGE } from '../../shared/errors.ts';
import type { LoginFailureReason } from '../../shared/two-fa.ts';
import { sql } from 'kysely';
import { recordAudit } from '../audit.ts';
import { AppError } from '../errors.ts';
import { deviceClaim, deviceTokenFor, type Device } from './devices.ts';
import { passwordHashing, verifyPassword, type Admission } from './passwords.ts';
import { addressThrottle, deviceThrottle, ipThrottle, throttledCheck } from './throttle.ts';
import { issueTokens, openSession, type TokenDeps } from './tokens.ts';
import {
  checkCodeFailures,
  looksLikeBackupCode,
  spendBackupCode,
  spendTotp,
  whyCodeRefused,
} from '../two-fa/codes.ts';

/**
 * Sign-in with email, password and, when two-factor authentication is on, a TOTP code. Every
 * attempt is one event in `login_events` (the history), a success or a failure with its reason;
 * the password step that only answers "a code is required" is none (docs/decisions/018). Failed
 * passwords are throttled per address, device and IP (server/auth/throttle.ts), failed codes per
 * user (server/two-fa/codes.ts).
 */

export interface AttemptContext {
  ip: string | null;
  userAgent: string | null;
  requestId: string;
}

type Method = 'password' | 'totp' | 'backup_code';
/** What the history shows, and an address without a person (in nobody's history). */
type FailureReason = LoginFailureReason | 'unknown_email';

const invalidCredentials = () =>
  new AppError('invalid_credentials', INVALID_CREDENTIALS_MESSAGE, {
    errors: [INVALID_CREDENTIALS_MESSAGE],
  });

export async function signIn(
  deps: TokenDeps,
  body: LoginBody,
  attempt: AttemptContext,
): Promise<LoginAnswer> {
  // The place in the password-hashing queue comes first: in a flood, a sign-in past the queue is
  // refused (503) before it writes anything or counts against anyone's limits.
  const hashing = passwordHashing.admit();
  try {
    return await admittedSignIn(deps, body, attempt, hashing);
  } finally {
    hashing.release();
  }
}

async function admittedSignIn(
  deps: TokenDeps,
  body: LoginBody,
  attempt: AttemptContext,
  hashing: Admission,
): Promise<LoginAnswer> {
  const { db, clock } = deps;
  const email = body.username.toLowerCase();
  const now = clock.now();

  // The attempt is in the history from the start, as a failure in progress: one cut short (a
  // database that stopped answering) still shows. It turns into a success only at the end. The
  // same statement reads whom the address names, with the device the client says it is and the
  // account a sign-in lands in (the earliest accepted membership): one round trip, not four.
  const claimed = deviceClaim(body.device_token);
  const start = await db
    .with('event', (db) =>
      db
        .insertInto('login_events')
        .values({
          email: email.slice(0, 254),
          occurred_at: now,
          ip: attempt.ip,
          user_agent: attempt.userAgent,
          success: false,
          method: 'password',
          failure_reason: 'in_progress' satisfies FailureReason,
          kind: 'sign_in',
        })
        .returning('id'),
    )
    .selectFrom('event')
    .leftJoin('users', (join) =>
      join.on('users.email', '=', email).on('users.deleted_at', 'is', null),
    )
    .select((eb) => [
      'event.id as event_id',
      'users.id as user_id',
      'users.password_hash',
      'users.credentials_version',
      'users.two_fa_secret',
      'users.two_fa_enabled_at',
      claimed
        ? eb
            .selectFrom('trusted_devices')
            .select('trusted_devices.id')
            .whereRef('trusted_devices.user_id', '=', 'users.id')
            .where('trusted_devices.id', '=', claimed.id)
            .where('trusted_devices.secret_hash', '=', claimed.secretHash)
            .as('device_id')
        : sql<string | null>`null`.as('device_id'),
      eb
        .selectFrom('memberships')
        .select('memberships.account_id')
        .whereRef('memberships.user_id', '=', 'users.id')
        .where('memberships.accepted_at', 'is not', null)
        .orderBy('memberships.accepted_at')
        .orderBy('memberships.account_id')
        .limit(1)
        .as('default_account_id'),
    ])
    .executeTakeFirstOrThrow();
  const event = { id: start.event_id };
  const user =
    start.user_id === null
      ? undefined
      : {
          id: start.user_id,
          password_hash: start.password_hash,
          credentials_version: start.credentials_version!,
          two_fa_secret: start.two_fa_secret,
          two_fa_enabled_at: start.two_fa_enabled_at,
        };
  const device: Device | undefined =
    start.device_id && body.device_token
      ? { id: start.device_id, token: body.device_token }
      : undefined;

  /**
   * Settle the attempt in the login history and the audit log (never the password or code): two
   * writes that need nothing of each other, sent together (one round trip).
   */
  const record = async (
    success: boolean,
    method: Method,
    extra: { userId?: number; accountId?: number; reason?: FailureReason },
  ) => {
    await Promise.all([
      db
        .updateTable('login_events')
        .set({
          user_id: extra.userId ?? null,
          account_id: extra.accountId ?? null,
          success,
          method,
          failure_reason: extra.reason ?? null,
        })
        .where('id', '=', event.id)
        .execute(),
      recordAudit(db, {
        accountId: extra.accountId ?? null,
        actorUserId: extra.userId ?? null,
        action: success ? 'auth.signed_in' : 'auth.sign_in_failed',
        targetType: 'user',
        targetId: extra.userId,
        requestId: attempt.requestId,
        details: { method, ...(extra.reason ? { reason: extra.reason } : {}) },
        at: now,
      }),
    ]);
  };

  let passwordMatches: boolean;
  try {
    passwordMatches = await throttledCheck(
      db,
      throttlesFor(email, device, attempt.ip),
      now,
      // Always verify (a dummy hash for an unknown email), so both failures take the same time.
      () => verifyPassword(user?.password_hash ?? null, body.password, hashing),
    );
  } catch (error) {
    // Refused unchecked: the person (if any) sees in their history that someone kept trying.
    if (error instanceof AppError) {
      await record(false, 'password', { userId: user?.id, reason: 'too_many_attempts' });
    }
    throw error;
  }
  const accountId = user && passwordMatches ? (start.default_account_id ?? undefined) : undefined;
  if (!user || accountId === undefined) {
    const reason = !user ? 'unknown_email' : passwordMatches ? 'no_access' : 'wrong_password';
    await record(false, 'password', { userId: user?.id, reason });
    throw invalidCredentials();
  }

  // Only someone who knows the password learns that a code is needed.
  let method: Method = 'password';
  if (user.two_fa_enabled_at && user.two_fa_secret) {
    const code = body.one_time_password;
    if (!code) {
      // Not an event: the sign-in goes on with the code, and is logged once it ends either way.
      await db.deleteFrom('login_events').where('id', '=', event.id).execute();
      throw new AppError('two_fa_required', 'Enter the code from your authenticator app.', {
        one_time_password: ['A one-time code is required.'],
      });
    }
    method = looksLikeBackupCode(code) ? 'backup_code' : 'totp';
    // Counted as a failed code until it proves right, so parallel guesses see each other.
    await db
      .updateTable('login_events')
      .set({ user_id: user.id, method })
      .where('id', '=', event.id)
      .execute();
    try {
      await checkCodeFailures(db, user.id, now, true);
    } catch (error) {
      await record(false, method, { userId: user.id, reason: 'too_many_codes' });
      throw error;
    }
    const accepted =
      method === 'backup_code'
        ? await spendBackupCode(db, user.id, code, now)
        : await spendTotp(db, user.id, user.two_fa_secret, code, now);
    if (!accepted) {
      const reason = await whyCodeRefused(db, user.id, user.two_fa_secret, code, now);
      await record(false, method, { userId: user.id, reason });
      throw new AppError('invalid_one_time_password', 'The code is not valid.', {
        one_time_password: [
          'The code is not valid. Enter the current code from your app, or an unused backup code.',
        ],
      });
    }
  }

  // At the password just checked: if it changed (or the user was deleted) meanwhile, no session.
  const sessionId = await openSession(db, user.id, now, user.credentials_version);
  if (!sessionId) {
    await record(false, method, { userId: user.id, reason: 'credentials_changed' });
    throw invalidCredentials();
  }
  // The tokens and the device's token need nothing of each other: sent together.
  const [tokens, deviceToken] = await Promise.all([
    issueTokens(deps, { userId: user.id, accountId }, sessionId),
    deviceTokenFor(db, user.id, device, now),
  ]);
  await record(true, method, { userId: user.id, accountId });
  return { ...tokens, device_token: deviceToken };
}

/**
 * What a password attempt is counted against: a device that signed in before as this user counts
 * for itself alone; any other client counts against the typed address and its IP.
 */
function throttlesFor(email: string, device: Device | undefined, ip: string | null) {
  if (device) return [deviceThrottle(device.id)];
  return ip ? [addressThrottle(email), ipThrottle(ip)] : [addressThrottle(email)];
}
