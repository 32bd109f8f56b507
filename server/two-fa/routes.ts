import { Hono } from 'hono';
import {
  backupCodes,
  twoFaCodeBody,
  twoFaDisableConfirmBody,
  twoFaDisabled,
  twoFaDisableRequested,
  twoFaEnableBody,
  twoFaSetup,
} from '../../shared/two-fa.ts';
import { emailedLink } from '../../shared/links.ts';
import { auditBy, recordAudit } from '../audit.ts';
import { authenticate, authorize, type AuthDeps } from '../auth/middleware.ts';
import { hashSecret, newSecret } from '../auth/secrets.ts';
import { checkedAttempt } from '../auth/attempts.ts';
import { newTotpSecret } from '../auth/totp.ts';
import type { Config } from '../config.ts';
import type { Db } from '../db/connect.ts';
import { AppError, CHANGED_MEANWHILE_MESSAGE } from '../errors.ts';
import type { AppEnv, Caller } from '../http/env.ts';
import * as routes from '../../shared/routes.ts';
import { operation } from '../http/openapi.ts';
import { validate } from '../http/validate.ts';
import { enqueueEmail } from '../mail/outbox.ts';
import { lockCaller } from '../memberships/service.ts';
import { checkPassword } from '../users/profile.ts';
import { accountsRequiringTwoFa } from '../users/repository.ts';
import { checkCodeFailures, newBackupCodes, spendTotp, storeBackupCodes } from './codes.ts';

/**
 * Self-service two-factor authentication: set up (a new secret), enable (with a right code: backup
 * codes come back), replace backup codes, and disable through a single-use emailed link.
 * Always about the caller themself: there is no way to change another user's second factor.
 */

const DISABLE_LINK_LIFETIME_MS = 60 * 60_000;

/**
 * A member of several accounts is bound by the strictest: while any of them requires 2FA it
 * stays on, whichever account the request comes through (docs/decisions/026).
 */
async function refuseWhileRequired(db: Db, userId: number): Promise<void> {
  const requiring = await accountsRequiringTwoFa(db, userId);
  if (requiring.length === 0) return;
  throw new AppError(
    'two_fa_enforced',
    `Two-factor authentication cannot be turned off while an account you belong to requires it: ${requiring.join(', ')}.`,
  );
}
const ISSUER = 'User management';

export const twoFaOperations = {
  setup: operation(routes.setUpTwoFa, {
    summary: 'Start enrolment: a new secret and its otpauth:// URL (for the QR code)',
    responses: { 200: { description: 'The secret', schema: twoFaSetup } },
  }),
  enable: operation(routes.enableTwoFa, {
    summary: 'Turn 2FA on with a current code and your password; answers 5 single-use backup codes',
    body: twoFaEnableBody,
    responses: { 200: { description: 'Backup codes, shown this once', schema: backupCodes } },
  }),
  backupCodes: operation(routes.replaceBackupCodes, {
    summary: 'Replace the backup codes (a current code proves the second factor)',
    body: twoFaCodeBody,
    responses: {
      200: { description: 'New backup codes; the old ones stop working', schema: backupCodes },
    },
  }),
  disable: operation(routes.requestTwoFaDisable, {
    summary: 'Ask to turn 2FA off: a confirmation link, valid one hour, goes to your email',
    responses: {
      202: { description: 'The link was sent', schema: twoFaDisableRequested },
    },
  }),
  confirmDisable: operation(routes.confirmTwoFaDisable, {
    summary: 'Complete turning 2FA off with the token from the emailed link',
    body: twoFaDisableConfirmBody,
    responses: {
      200: { description: '2FA is off', schema: twoFaDisabled },
    },
  }),
};

export function twoFaRoutes(deps: AuthDeps & { config: Config; onEmailQueued?: () => void }) {
  const { db, clock } = deps;
  const ops = twoFaOperations;

  const userState = (caller: Caller) =>
    db
      .selectFrom('users')
      .select(['id', 'email', 'lang', 'two_fa_secret', 'two_fa_enabled_at'])
      .where('id', '=', caller.userId)
      .executeTakeFirstOrThrow();

  const audit = (caller: Caller, action: string, requestId: string) =>
    auditBy(db, caller, {
      action,
      targetType: 'user',
      targetId: caller.userId,
      requestId,
      at: clock.now(),
    });

  /** A code from the caller's authenticator, under the same failure limit as sign-in. */
  async function checkCode(caller: Caller, secret: string, code: string) {
    const now = clock.now();
    const right = await checkedAttempt(
      db,
      caller,
      now,
      { method: 'totp', reason: 'wrong_code_in_settings' },
      () => checkCodeFailures(db, caller.userId, now, true),
      () => spendTotp(db, caller.userId, secret, code, now),
    );
    if (right) return;
    throw new AppError('invalid_one_time_password', 'The code is not valid.', {
      code: ['The code is not valid. Enter the current code from your app.'],
    });
  }

  return new Hono<AppEnv>()
    .post(ops.setup.path, authenticate(deps), async (c) => {
      const caller = await authorize(c, db, 'two_fa.manage');
      const user = await userState(caller);
      if (user.two_fa_enabled_at) {
        throw new AppError('validation_failed', 'Two-factor authentication is already on.');
      }
      const secret = newTotpSecret();
      await db
        .updateTable('users')
        .set({ two_fa_secret: secret, two_fa_last_step: null, updated_at: clock.now() })
        .where('id', '=', caller.userId)
        .where('two_fa_enabled_at', 'is', null)
        .execute();
      const label = encodeURIComponent(`${ISSUER}:${user.email}`);
      const otpauthUrl = `otpauth://totp/${label}?secret=${secret}&issuer=${encodeURIComponent(ISSUER)}&algorithm=SHA1&digits=6&period=30`;
      return c.json({ secret, otpauth_url: otpauthUrl });
    })

    .post(ops.enable.path, authenticate(deps), validate('json', ops.enable.body), async (c) => {
      const caller = await authorize(c, db, 'two_fa.manage');
      const user = await userState(caller);
      if (user.two_fa_enabled_at)
        throw new AppError('validation_failed', 'Two-factor authentication is already on.');
      if (!user.two_fa_secret)
        throw new AppError('validation_failed', 'Start with POST /iam/users/me/2fa/setup.');
      const body = c.req.valid('json');
      // The password too: whoever finds a session left open must not lock its owner out.
      await checkPassword(deps, caller, body.password, 'password');
      await checkCode(caller, user.two_fa_secret, body.code);
      const now = clock.now();
      const fresh = await newBackupCodes();
      await db.transaction().execute(async (trx) => {
        // As read before the password's check, which takes a while: not deleted meanwhile (which
        // drops the secret; on again once invited again, 2FA would be "on" without one), nor set
        // up again, nor enabled by another request.
        const enabled = await trx
          .updateTable('users')
          .set({ two_fa_enabled_at: now, updated_at: now })
          .where('id', '=', caller.userId)
          .where('deleted_at', 'is', null)
          .where('two_fa_enabled_at', 'is', null)
          .where('two_fa_secret', '=', user.two_fa_secret)
          .executeTakeFirst();
        if (!enabled.numUpdatedRows) throw new AppError('conflict', CHANGED_MEANWHILE_MESSAGE);
        await storeBackupCodes(trx, caller.userId, fresh.hashes, now);
      });
      await audit(caller, 'two_fa.enabled', c.get('requestId'));
      return c.json({ backup_codes: fresh.codes });
    })

    .post(
      ops.backupCodes.path,
      authenticate(deps),
      validate('json', ops.backupCodes.body),
      async (c) => {
        const caller = await authorize(c, db, 'two_fa.manage');
        const user = await userState(caller);
        if (!user.two_fa_enabled_at || !user.two_fa_secret) {
          throw new AppError('validation_failed', 'Two-factor authentication is off.');
        }
        await checkCode(caller, user.two_fa_secret, c.req.valid('json').code);
        const fresh = await newBackupCodes();
        await db.transaction().execute(async (trx) => {
          // Not for a person deleted since their state was read (decision 037).
          await lockCaller(trx, caller.userId);
          await storeBackupCodes(trx, caller.userId, fresh.hashes, clock.now());
        });
        await audit(caller, 'two_fa.backup_codes_replaced', c.get('requestId'));
        return c.json({ backup_codes: fresh.codes });
      },
    )

    .post(ops.disable.path, authenticate(deps), async (c) => {
      const caller = await authorize(c, db, 'two_fa.manage');
      const user = await userState(caller);
      if (!user.two_fa_enabled_at)
        throw new AppError('validation_failed', 'Two-factor authentication is off.');
      await refuseWhileRequired(db, caller.userId);
      const token = newSecret();
      const now = clock.now();
      await db.transaction().execute(async (trx) => {
        // One live link at a time: a new request voids the earlier ones.
        await trx
          .updateTable('two_fa_disable_requests')
          .set({ used_at: now })
          .where('user_id', '=', caller.userId)
          .where('used_at', 'is', null)
          .execute();
        await trx
          .insertInto('two_fa_disable_requests')
          .values({
            user_id: caller.userId,
            token_hash: hashSecret(token),
            created_at: now,
            expires_at: new Date(now.getTime() + DISABLE_LINK_LIFETIME_MS),
          })
          .execute();
        await enqueueEmail(
          trx,
          {
            to: user.email,
            lang: user.lang,
            template: 'two_fa_disable',
            payload: { link: emailedLink(deps.config.publicUrl, 'disable2fa', token) },
          },
          now,
        );
      });
      deps.onEmailQueued?.();
      await audit(caller, 'two_fa.disable_requested', c.get('requestId'));
      return c.json({ status: 'sent' as const }, 202);
    })

    .post(ops.confirmDisable.path, validate('json', ops.confirmDisable.body), async (c) => {
      const now = clock.now();
      const userId = await db.transaction().execute(async (trx) => {
        const spent = await trx
          .updateTable('two_fa_disable_requests')
          .set({ used_at: now })
          .where('token_hash', '=', hashSecret(c.req.valid('json').token))
          .where('used_at', 'is', null)
          .where('expires_at', '>', now)
          .returning('user_id')
          .executeTakeFirst();
        if (!spent) return undefined;
        // Asked for before an account began to require it: refused now (the link stays unspent).
        await refuseWhileRequired(trx, spent.user_id);
        await trx
          .updateTable('users')
          .set({
            two_fa_secret: null,
            two_fa_enabled_at: null,
            two_fa_last_step: null,
            updated_at: now,
          })
          .where('id', '=', spent.user_id)
          .execute();
        await trx.deleteFrom('two_fa_backup_codes').where('user_id', '=', spent.user_id).execute();
        return spent.user_id;
      });
      if (userId === undefined) {
        throw new AppError(
          'invalid_token',
          'This link is not valid: it was used, replaced or is over an hour old.',
        );
      }
      await recordAudit(db, {
        accountId: null,
        actorUserId: userId,
        action: 'two_fa.disabled',
        targetType: 'user',
        targetId: userId,
        requestId: c.get('requestId'),
        at: now,
      });
      return c.json({ status: 'disabled' as const });
    });
}
