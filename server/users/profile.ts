import type { z } from 'zod';
import type { changeEmailBody, changePasswordBody, updateUserBody } from '../../shared/users.ts';
import { recordAudit } from '../audit.ts';
import { COMMON_PASSWORD_MESSAGE, isCommonPassword } from '../auth/password-policy.ts';
import { hashPassword, verifyPassword } from '../auth/passwords.ts';
import { checkFailureLimits } from '../auth/sign-in.ts';
import type { Clock } from '../clock.ts';
import { toCount, type Db } from '../db/connect.ts';
import { AppError } from '../errors.ts';
import type { Caller } from '../http/env.ts';
import { enqueueEmail } from '../mail/outbox.ts';

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

export async function updateProfile(
  deps: ProfileDeps,
  caller: Caller,
  userId: number,
  body: z.output<typeof updateUserBody>,
  requestId: string,
): Promise<void> {
  if (body.email !== undefined) {
    throw new AppError('validation_failed', 'Invalid input.', {
      email: [`Change your email with PUT /iam/users/${userId}/email and your current password.`],
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
    await trx
      .updateTable('users')
      .set({ ...changes, updated_at: now })
      .where('id', '=', userId)
      .execute();
    await recordAudit(trx, {
      accountId: caller.accountId,
      actorUserId: caller.userId,
      action: 'user.updated',
      targetType: 'user',
      targetId: userId,
      requestId,
      details: { fields: Object.keys(changes) },
      at: now,
    });
  });
}

/** The caller's current password, or a 400 naming `field`; failures count toward sign-in limits. */
async function checkPassword(deps: ProfileDeps, caller: Caller, password: string, field: string) {
  const now = deps.clock.now();
  await checkFailureLimits(deps.db, caller.email, null, now);
  const user = await deps.db
    .selectFrom('users')
    .select('password_hash')
    .where('id', '=', caller.userId)
    .executeTakeFirstOrThrow();
  if (await verifyPassword(user.password_hash, password)) return;
  await deps.db
    .insertInto('login_events')
    .values({
      user_id: caller.userId,
      account_id: caller.accountId,
      email: caller.email,
      occurred_at: now,
      success: false,
      method: 'password',
      failure_reason: 'wrong_password_in_settings',
    })
    .execute();
  throw new AppError('invalid_password', 'The password is not correct.', {
    [field]: ['The password is not correct.'],
  });
}

export async function changeEmail(
  deps: ProfileDeps,
  caller: Caller,
  body: z.output<typeof changeEmailBody>,
  requestId: string,
): Promise<void> {
  await checkPassword(deps, caller, body.password, 'password');
  const now = deps.clock.now();
  const recent = await deps.db
    .selectFrom('audit_log')
    .select((eb) => eb.fn.countAll<string | number>().as('count'))
    .where('actor_user_id', '=', caller.userId)
    .where('action', '=', 'user.email_changed')
    .where('occurred_at', '>', new Date(now.getTime() - HOUR_MS))
    .executeTakeFirstOrThrow();
  if (toCount(recent.count) >= EMAIL_CHANGES_PER_HOUR) {
    throw new AppError(
      'rate_limited',
      `You can change your email at most ${EMAIL_CHANGES_PER_HOUR} times an hour.`,
      undefined,
      { 'Retry-After': '3600' },
    );
  }
  if (body.new_email === caller.email) {
    throw new AppError('validation_failed', 'Invalid input.', {
      new_email: ['This is already your email.'],
    });
  }
  await deps.db.transaction().execute(async (trx) => {
    const taken = await trx
      .selectFrom('users')
      .select('id')
      .where('email', '=', body.new_email)
      .executeTakeFirst();
    if (taken) {
      throw new AppError('validation_failed', 'Invalid input.', {
        new_email: ['This email is already in use.'],
      });
    }
    const user = await trx
      .updateTable('users')
      .set({ email: body.new_email, updated_at: now })
      .where('id', '=', caller.userId)
      .returning('lang')
      .executeTakeFirstOrThrow();
    // The old address hears of it: if someone else did this, its owner can react.
    await enqueueEmail(
      trx,
      {
        to: caller.email,
        lang: user.lang,
        template: 'email_changed',
        payload: { new_email: body.new_email },
      },
      now,
    );
    await recordAudit(trx, {
      accountId: caller.accountId,
      actorUserId: caller.userId,
      action: 'user.email_changed',
      targetType: 'user',
      targetId: caller.userId,
      requestId,
      details: { from: caller.email, to: body.new_email },
      at: now,
    });
  });
  deps.onEmailQueued?.();
}

export async function changePassword(
  deps: ProfileDeps,
  caller: Caller,
  body: z.output<typeof changePasswordBody>,
  requestId: string,
): Promise<void> {
  await checkPassword(deps, caller, body.old, 'old');
  if (isCommonPassword(body.new)) {
    throw new AppError('validation_failed', 'Invalid input.', { new: [COMMON_PASSWORD_MESSAGE] });
  }
  const passwordHash = await hashPassword(body.new);
  const now = deps.clock.now();
  await deps.db.transaction().execute(async (trx) => {
    await trx
      .updateTable('users')
      .set({ password_hash: passwordHash, updated_at: now })
      .where('id', '=', caller.userId)
      .execute();
    // Sessions elsewhere end when their access token expires: no refresh token outlives the change.
    await trx
      .updateTable('refresh_tokens')
      .set({ used_at: now })
      .where('user_id', '=', caller.userId)
      .where('used_at', 'is', null)
      .execute();
    await recordAudit(trx, {
      accountId: caller.accountId,
      actorUserId: caller.userId,
      action: 'user.password_changed',
      targetType: 'user',
      targetId: caller.userId,
      requestId,
      at: now,
    });
  });
}
