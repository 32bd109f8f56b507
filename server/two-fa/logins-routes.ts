import { Hono } from 'hono';
import { can } from '../../shared/permissions.ts';
import { loginsPage, loginsQuery } from '../../shared/two-fa.ts';
import { authenticate, authorize, type AuthDeps } from '../auth/middleware.ts';
import { notFound } from '../errors.ts';
import type { AppEnv } from '../http/env.ts';
import * as routes from '../../shared/routes.ts';
import { operation } from '../http/openapi.ts';
import { validate } from '../http/validate.ts';
import { joinedMember, loginHistory, type HistoryScope } from './login-history.ts';

export const loginOperations = {
  list: operation(routes.listLogins, {
    summary:
      "Sign-in attempts, newest first, filtered by date, IP and result: one's own; " +
      "Administrators may ask for a member's (docs/decisions/018 says which of them)",
    query: loginsQuery,
    responses: { 200: { description: 'A page of sign-in attempts', schema: loginsPage } },
  }),
};

/**
 * The sign-in history. A member sees all their own attempts; an Administrator sees a member's
 * sign-ins into this account, and their failed attempts (which land in no account) only where
 * the member belongs to this account alone (`logins.read_failures`, docs/decisions/018).
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
      const member = await joinedMember(db, caller.accountId, userId);
      if (!member) throw notFound();
      const target = { userId, sharedProfile: Boolean(member.shared_profile) };
      const scope: HistoryScope =
        userId === caller.userId
          ? { whole: true }
          : {
              whole: false,
              accountId: caller.accountId,
              failuresSince: can(caller, 'logins.read_failures', target)
                ? (member.accepted_at ?? undefined)
                : undefined,
            };
      return c.json(await loginHistory(db, userId, scope, query));
    },
  );
}
