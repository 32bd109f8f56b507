import { Hono } from 'hono';
import { loginsPage, loginsQuery } from '../../shared/two-fa.ts';
import { authenticate, authorize, type AuthDeps } from '../auth/middleware.ts';
import { toCount } from '../db/connect.ts';
import { notFound } from '../errors.ts';
import type { AppEnv } from '../http/env.ts';
import * as routes from '../../shared/routes.ts';
import { operation } from '../http/openapi.ts';
import { validate } from '../http/validate.ts';

export const loginOperations = {
  list: operation(routes.listLogins, {
    summary: "Sign-in attempts, newest first: one's own; Administrators may ask for any member's",
    query: loginsQuery,
    responses: { 200: { description: 'A page of sign-in attempts', schema: loginsPage } },
  }),
};

/**
 * The sign-in history. A member sees their own attempts; an Administrator sees a member's attempts
 * that concern this account (sign-ins to it, and failed attempts, which belong to no account).
 */
export function loginRoutes(deps: AuthDeps) {
  const { db } = deps;
  return new Hono<AppEnv>().get(
    loginOperations.list.path,
    authenticate(deps),
    validate('query', loginOperations.list.query),
    async (c) => {
      const query = c.req.valid('query');
      const userId = query.user_id ?? c.get('caller').userId;
      const caller = await authorize(c, db, 'logins.read', { userId });
      const member = await db
        .selectFrom('memberships')
        .select('id')
        .where('account_id', '=', caller.accountId)
        .where('user_id', '=', userId)
        .where('accepted_at', 'is not', null) // an invitee's history is not the inviter's to read
        .executeTakeFirst();
      if (!member) throw notFound();
      const events = db
        .selectFrom('login_events')
        .where('user_id', '=', userId)
        .where((eb) =>
          userId === caller.userId
            ? eb.val(true)
            : eb.or([eb('account_id', '=', caller.accountId), eb('account_id', 'is', null)]),
        );
      const [rows, total] = await Promise.all([
        events
          .select([
            'id',
            'user_id',
            'email',
            'occurred_at',
            'ip',
            'user_agent',
            'success',
            'method',
          ])
          .orderBy('occurred_at', 'desc')
          .orderBy('id', 'desc')
          .limit(query.limit)
          .offset(query.offset)
          .execute(),
        events
          .select((eb) => eb.fn.countAll<string | number>().as('count'))
          .executeTakeFirstOrThrow(),
      ]);
      return c.json({
        count: toCount(total.count),
        results: rows.map((row) => ({
          id: Number(row.id),
          user_id: row.user_id,
          email: row.email,
          date: row.occurred_at.toISOString(),
          ip: row.ip,
          user_agent: row.user_agent,
          success: row.success,
          method: row.method,
        })),
      });
    },
  );
}
