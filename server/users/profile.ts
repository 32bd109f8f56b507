import { sql } from 'kysely';
import { openSession } from '../auth/tokens.ts';
import type { z } from 'zod';
import type { changeEmailBody, changePasswordBody, updateUserBody } from '../../shared/users.ts';
import { emailedLink } from '../../shared/links.ts';
import { auditBy, recordAudit } from '../audit.ts';
import { COMMON_PASSWORD_MESSAGE, isCommonPassword } from '../auth/password-policy.ts';
import { hashPassword, verifyPassword } from '../auth/passwords.ts';
import {
  checkedAttempt,
  checkSettingsPasswordFailures,
  WRONG_PASSWORD_IN_SETTINGS,
} from '../auth/attempts.ts';
import type { Clock } from '../clock.ts';
import { toCount, type Db } from '../db/connect.ts';
import { AppError, refuseOverLimit } from '../errors.ts';
import type { Caller } from '../http/env.ts';
import { enqueueEmail } from '../mail/outbox.ts';
import { hashSecret, newSecret } from '../auth/secrets.ts';
import type { Config } from '../config.ts';
import type { MemberRow } from './repository.ts';

/**
 * A user's own details: name, language and phone (the user or an Administrator of their account),
 * email and password (the user alone, with their current password).
 */

export interface ProfileDeps {
  db: Db;
  clock: Clock;
  onEmailQueued?: () => void;
}

/** Email changes allowed per user in an hour (PRODUCT.md). */
export const EMAIL_CHANGES_PER_HOUR = 10;
const HOUR_MS = 60 * 60 * 1000;
const EMAIL_LINK_LIFETIME_MS = 24 * HOUR_MS;

/**
 * Before someone joins, what an Administrator edits is the account's own invitation (its name and
 * language, kept on the membership): the person's row is shared with other accounts and is not
 * the inviter's to change. Once they have joined, the row itself (the route has checked
 * `users.update_profile`, which refuses a profile another account shares).
 */
export async function updateProfile(
  deps: ProfileDeps,
  caller: Caller,
  member: Pick<MemberRow, 'id' | 'accepted_at'>,
  body: z.output<typeof updateUserBody>,
  requestId: string,
): Promise<void> {
  const userId = member.id;
  if (body.email !== undefined) {
    throw new AppError('validation_failed', 'Invalid input.', {
      email: [`Change your email with PUT /iam/users/${userId}/email and your current password.`],
    });
  }
  const joined = member.accepted_at !== null;
  if (!joined && body.phone !== undefined) {
    throw new AppError('validation_failed', 'Invalid input.', {
      phone: ['Only the person sets their phone number, once they have joined.'],
    });
  }
  const changes = {
    ...(body.name !== undefined ? { name: body.name || null } : {}),
    ...(body.lang !== undefined ? { lang: body.lang } : {}),
    ...(body.phone !== undefined ? { phone: body.phone } : {}),
  };
  if (Object.keys(changes).length === 0) return;
  const now = deps.clock.now();
  await deps.db.transaction().execute(async (trx) => {
    if (joined) {
      await trx
        .updateTable('users')
        .set({ ...changes, updated_at: now })
        .where('id', '=', userId)
        .execute();
    } else {
      await trx
        .updateTable('memberships')
        .set({
          ...(changes.name !== undefined ? { invited_name: changes.name } : {}),
          ...(changes.lang !== undefined ? { invited_lang: changes.lang } : {}),
          updated_at: now,
        })
        .where('account_id', '=', caller.accountId)
        .where('user_id', '=', userId)
        .execute();
    }
    await auditBy(trx, caller, {
      action: 'user.updated',
      targetType: 'user',
      targetId: userId,
      requestId,
      details: { fields: Object.keys(changes), ...(joined ? {} : { invitation: true }) },
      at: now,
    });
  });
}

/** The caller's current password, or a 400 naming `field`; failures have a limit of their own. */
export async function checkPassword(
  deps: ProfileDeps,
  caller: Caller,
  password: string,
  field: string,
) {
  const now = deps.clock.now();
  const right = await checkedAttempt(
    deps.db,
    caller,
    now,
    { method: 'password', reason: WRONG_PASSWORD_IN_SETTINGS },
    () => checkSettingsPasswordFailures(deps.db, caller.userId, now),
    async () => {
      const user = await deps.db
        .selectFrom('users')
        .select('password_hash')
        .where('id', '=', caller.userId)
        .executeTakeFirstOrThrow();
      return verifyPassword(user.password_hash, password);
    },
  );
  if (right) return;
  throw new AppError('invalid_password', 'The password is not correct.', {
    [field]: ['The password is not correct.'],
  });
}

/**
 * Ask to change one's email: the current password, then a link to the NEW address. The email
 * changes only when that link is opened (`confirmEmailChange`), so no one can claim an address
 * that is not theirs and receive what is sent to it, such as another account's invitations.
 */
export async function requestEmailChange(
  deps: ProfileDeps & { config: Pick<Config, 'publicUrl'> },
  caller: Caller,
  body: z.output<typeof changeEmailBody>,
  requestId: string,
): Promise<void> {
  await checkPassword(deps, caller, body.password, 'password');
  const now = deps.clock.now();
  if (body.new_email === caller.email) {
    throw new AppError('validation_failed', 'Invalid input.', {
      new_email: ['This is already your email.'],
    });
  }
  const token = newSecret();
  await deps.db.transaction().execute(async (trx) => {
    // The user's row is the lock that keeps the hourly limit exact under concurrency.
    const user = await trx
      .selectFrom('users')
      .select('lang')
      .where('id', '=', caller.userId)
      .forNoKeyUpdate()
      .executeTakeFirstOrThrow();
    const recent = await trx
      .selectFrom('audit_log')
      .select((eb) => [
        eb.fn.countAll<string | number>().as('count'),
        eb.fn.min('occurred_at').as('oldest'),
      ])
      .where('actor_user_id', '=', caller.userId)
      .where('action', '=', 'user.email_change_requested')
      .where('occurred_at', '>', new Date(now.getTime() - HOUR_MS))
      .executeTakeFirstOrThrow();
    refuseOverLimit({
      count: toCount(recent.count),
      oldest: recent.oldest,
      limit: EMAIL_CHANGES_PER_HOUR,
      windowMs: HOUR_MS,
      now,
      message: `You can change your email at most ${EMAIL_CHANGES_PER_HOUR} times an hour.`,
    });
    await assertEmailFree(trx, body.new_email);
    // One live link at a time: a newer request voids the earlier ones.
    await trx
      .updateTable('email_change_requests')
      .set({ used_at: now })
      .where('user_id', '=', caller.userId)
      .where('used_at', 'is', null)
      .execute();
    await trx
      .insertInto('email_change_requests')
      .values({
        user_id: caller.userId,
        new_email: body.new_email,
        token_hash: hashSecret(token),
        created_at: now,
        expires_at: new Date(now.getTime() + EMAIL_LINK_LIFETIME_MS),
      })
      .execute();
    await enqueueEmail(
      trx,
      {
        to: body.new_email,
        lang: user.lang,
        template: 'email_change_confirm',
        payload: { link: emailedLink(deps.config.publicUrl, 'confirmEmail', token) },
      },
      now,
    );
    await auditBy(trx, caller, {
      action: 'user.email_change_requested',
      targetType: 'user',
      targetId: caller.userId,
      requestId,
      details: { to: body.new_email },
      at: now,
    });
  });
  deps.onEmailQueued?.();
}

async function assertEmailFree(db: Db, email: string) {
  const taken = await db
    .selectFrom('users')
    .select('id')
    .where('email', '=', email)
    .executeTakeFirst();
  if (taken) {
    throw new AppError('validation_failed', 'Invalid input.', {
      new_email: ['This email is already in use.'],
    });
  }
}

/** Open the link sent to the new address: the email changes, and the old address is told. */
export async function confirmEmailChange(deps: ProfileDeps, token: string, requestId: string) {
  const now = deps.clock.now();
  const changed = await deps.db.transaction().execute(async (trx) => {
    const request = await trx
      .updateTable('email_change_requests')
      .set({ used_at: now })
      .where('token_hash', '=', hashSecret(token))
      .where('used_at', 'is', null)
      .where('expires_at', '>', now)
      .returning(['user_id', 'new_email'])
      .executeTakeFirst();
    if (!request) return undefined;
    await assertEmailFree(trx, request.new_email);
    const user = await trx
      .selectFrom('users')
      .select(['email', 'lang'])
      .where('id', '=', request.user_id)
      .where('deleted_at', 'is', null)
      .forUpdate()
      .executeTakeFirst();
    if (!user) return undefined;
    await trx
      .updateTable('users')
      .set({ email: request.new_email, updated_at: now })
      .where('id', '=', request.user_id)
      .execute();
    // The old address hears of it: if someone else did this, its owner can react.
    await enqueueEmail(
      trx,
      {
        to: user.email,
        lang: user.lang,
        template: 'email_changed',
        payload: { new_email: request.new_email },
      },
      now,
    );
    await recordAudit(trx, {
      accountId: null,
      actorUserId: request.user_id,
      action: 'user.email_changed',
      targetType: 'user',
      targetId: request.user_id,
      requestId,
      details: { from: user.email, to: request.new_email },
      at: now,
    });
    return request.new_email;
  });
  if (changed === undefined) {
    throw new AppError(
      'invalid_token',
      'This link is not valid: it was used, replaced or is over a day old.',
    );
  }
  deps.onEmailQueued?.();
  return { status: 'changed' as const, email: changed };
}

export async function changePassword(
  deps: ProfileDeps,
  caller: Caller,
  body: z.output<typeof changePasswordBody>,
  requestId: string,
): Promise<string> {
  await checkPassword(deps, caller, body.old, 'old');
  if (isCommonPassword(body.new)) {
    throw new AppError('validation_failed', 'Invalid input.', { new: [COMMON_PASSWORD_MESSAGE] });
  }
  const passwordHash = await hashPassword(body.new);
  const now = deps.clock.now();
  // Answers the session the caller goes on in, opened at the version this change wrote: a second
  // change racing this one leaves it over, as it does every other session.
  return deps.db.transaction().execute(async (trx) => {
    const { credentials_version: version } = await trx
      .updateTable('users')
      // Every session of the person ends with the version it was opened at, access tokens
      // included: whoever knew the old password is out at once.
      .set({
        password_hash: passwordHash,
        credentials_version: sql<number>`credentials_version + 1`,
        updated_at: now,
      })
      .where('id', '=', caller.userId)
      .where('deleted_at', 'is', null)
      .returning('credentials_version')
      .executeTakeFirstOrThrow();
    await auditBy(trx, caller, {
      action: 'user.password_changed',
      targetType: 'user',
      targetId: caller.userId,
      requestId,
      at: now,
    });
    const sessionId = await openSession(trx, caller.userId, now, version);
    if (!sessionId) throw new Error('the session of a password change could not be opened');
    return sessionId;
  });
}
