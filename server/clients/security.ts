import { Hono } from 'hono';
import { clientIdParams } from '../../shared/clients.ts';
import {
  graceEndsAt,
  reminderSent,
  securitySettings,
  securitySettingsBody,
  type SecuritySettings,
} from '../../shared/security.ts';
import * as routes from '../../shared/routes.ts';
import { auditBy } from '../audit.ts';
import {
  authenticate,
  authorize,
  authorizeInTransaction,
  type AuthDeps,
} from '../auth/middleware.ts';
import type { Config } from '../config.ts';
import type { Db } from '../db/connect.ts';
import { AppError, notFound, refuseOverLimit } from '../errors.ts';
import type { AppEnv } from '../http/env.ts';
import { operation } from '../http/openapi.ts';
import { validate } from '../http/validate.ts';
import { enqueueEmail } from '../mail/outbox.ts';
import { countWithoutRequiredTwoFa, membersWithoutRequiredTwoFa } from '../users/repository.ts';

/**
 * An account's security settings (an addition to Gcore's API, docs/decisions/026): whether it
 * requires two-factor authentication of its members, with a grace period, and a reminder email to
 * those who have not set it up. What the requirement does to a session is `authorize`'s business
 * (server/auth/middleware.ts); turning one's own 2FA off is refused in server/two-fa/routes.ts.
 */

/** Reminders an account may send in `REMINDER_WINDOW_MS`: each may email every member. */
const REMINDERS_PER_WINDOW = 3;
const REMINDER_WINDOW_MS = 24 * 60 * 60_000;
const REMINDER_ACTION = 'account.two_fa_reminder_sent';

export const securityOperations = {
  get: operation(routes.getSecurity, {
    summary: 'Whether the account requires two-factor authentication, and its grace period',
    params: clientIdParams,
    responses: { 200: { description: 'The settings', schema: securitySettings } },
  }),
  set: operation(routes.setSecurity, {
    summary:
      'Require two-factor authentication of every member, with a grace period of 0–30 days (Administrators)',
    params: clientIdParams,
    body: securitySettingsBody,
    responses: { 200: { description: 'The settings now', schema: securitySettings } },
  }),
  remind: operation(routes.remindTwoFa, {
    summary: `Email every member who has not set up the required 2FA a reminder (Administrators; ${REMINDERS_PER_WINDOW} a day per account)`,
    params: clientIdParams,
    responses: { 200: { description: 'Who was emailed', schema: reminderSent } },
  }),
};

interface PolicyRow {
  require_2fa_since: Date | null;
  two_fa_grace_days: number;
  company_name: string;
}

function policyQuery(db: Db, accountId: number) {
  return db
    .selectFrom('accounts')
    .select(['require_2fa_since', 'two_fa_grace_days', 'company_name'])
    .where('id', '=', accountId);
}

async function settingsOf(db: Db, accountId: number, row: PolicyRow): Promise<SecuritySettings> {
  const ends = graceEndsAt({
    requiredSince: row.require_2fa_since,
    graceDays: row.two_fa_grace_days,
  });
  return {
    require_2fa: row.require_2fa_since !== null,
    grace_period_days: row.two_fa_grace_days,
    required_since: row.require_2fa_since?.toISOString() ?? null,
    grace_period_ends_at: ends?.toISOString() ?? null,
    noncompliant_members: await countWithoutRequiredTwoFa(db, accountId),
  };
}

export function securityRoutes(deps: AuthDeps & { config: Config; onEmailQueued?: () => void }) {
  const { db, clock } = deps;
  const ops = securityOperations;
  const inScope = (clientId: number, accountId: number) => {
    if (clientId !== accountId) throw notFound();
  };

  return new Hono<AppEnv>()
    .get(ops.get.path, authenticate(deps), validate('param', ops.get.params), async (c) => {
      const caller = await authorize(c, db, 'account.read_security');
      inScope(c.req.valid('param').clientId, caller.accountId);
      const row = await policyQuery(db, caller.accountId).executeTakeFirstOrThrow();
      return c.json(await settingsOf(db, caller.accountId, row));
    })

    .put(
      ops.set.path,
      authenticate(deps),
      validate('param', ops.set.params),
      validate('json', ops.set.body),
      async (c) => {
        const caller = await authorize(c, db, 'account.manage_security');
        inScope(c.req.valid('param').clientId, caller.accountId);
        const body = c.req.valid('json');
        const now = clock.now();
        const row = await db.transaction().execute(async (trx) => {
          // The caller's membership before the account's row, the order of a removal and a
          // token's creation (decision 037): the other order deadlocked with them.
          await authorizeInTransaction(trx, caller, 'account.manage_security');
          const current = await policyQuery(trx, caller.accountId)
            .forNoKeyUpdate()
            .executeTakeFirstOrThrow();
          // The grace period counts from when the requirement began: changing the days while it
          // holds moves the deadline, but saving again does not restart it.
          const since = body.require_2fa ? (current.require_2fa_since ?? now) : null;
          const graceDays = body.grace_period_days ?? current.two_fa_grace_days;
          const updated = await trx
            .updateTable('accounts')
            .set({ require_2fa_since: since, two_fa_grace_days: graceDays })
            .where('id', '=', caller.accountId)
            .returning(['require_2fa_since', 'two_fa_grace_days', 'company_name'])
            .executeTakeFirstOrThrow();
          await auditBy(trx, caller, {
            action: 'account.security_updated',
            targetType: 'account',
            targetId: caller.accountId,
            requestId: c.get('requestId'),
            at: now,
            details: {
              require_2fa: body.require_2fa,
              grace_period_days: graceDays,
              before: {
                require_2fa: current.require_2fa_since !== null,
                grace_period_days: current.two_fa_grace_days,
              },
            },
          });
          return updated;
        });
        return c.json(await settingsOf(db, caller.accountId, row));
      },
    )

    .post(ops.remind.path, authenticate(deps), validate('param', ops.remind.params), async (c) => {
      const caller = await authorize(c, db, 'account.remind_two_fa');
      inScope(c.req.valid('param').clientId, caller.accountId);
      const now = clock.now();
      const recipients = await db.transaction().execute(async (trx) => {
        // The caller's membership, then the account's row (as above); locked, two reminders at
        // once count each other.
        await authorizeInTransaction(trx, caller, 'account.remind_two_fa');
        const policy = await policyQuery(trx, caller.accountId)
          .forNoKeyUpdate()
          .executeTakeFirstOrThrow();
        const ends = graceEndsAt({
          requiredSince: policy.require_2fa_since,
          graceDays: policy.two_fa_grace_days,
        });
        if (!ends) {
          throw new AppError(
            'validation_failed',
            'This account does not require two-factor authentication.',
          );
        }
        const sent = await trx
          .selectFrom('audit_log')
          .select((eb) => [
            eb.fn.countAll<string | number>().as('count'),
            eb.fn.min('occurred_at').as('oldest'),
          ])
          .where('account_id', '=', caller.accountId)
          .where('action', '=', REMINDER_ACTION)
          .where('occurred_at', '>', new Date(now.getTime() - REMINDER_WINDOW_MS))
          .executeTakeFirstOrThrow();
        refuseOverLimit({
          count: Number(sent.count),
          oldest: sent.oldest === null ? null : new Date(sent.oldest),
          limit: REMINDERS_PER_WINDOW,
          windowMs: REMINDER_WINDOW_MS,
          now,
          message: (hours) =>
            `At most ${REMINDERS_PER_WINDOW} reminders a day. Try again in ${hours} hours.`,
        });
        const members = await membersWithoutRequiredTwoFa(trx, caller.accountId);
        const deadline = ends > now ? ends.toISOString().slice(0, 10) : null;
        for (const member of members) {
          await enqueueEmail(
            trx,
            {
              to: member.email,
              lang: member.lang,
              template: 'two_fa_reminder',
              payload: { company: policy.company_name, deadline, link: deps.config.publicUrl },
            },
            now,
          );
        }
        await auditBy(trx, caller, {
          action: REMINDER_ACTION,
          targetType: 'account',
          targetId: caller.accountId,
          requestId: c.get('requestId'),
          at: now,
          details: { recipients: members.length },
        });
        return members.length;
      });
      if (recipients > 0) deps.onEmailQueued?.();
      return c.json({ status: 'sent' as const, recipients });
    });
}
