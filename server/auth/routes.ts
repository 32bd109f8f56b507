import { Hono, type MiddlewareHandler } from 'hono';
import { loginAnswer, loginBody, refreshBody, tokenPair } from '../../shared/auth.ts';
import { clientIdParams } from '../../shared/clients.ts';
import { recordAudit } from '../audit.ts';
import type { Config } from '../config.ts';
import { invalidToken, notFound } from '../errors.ts';
import { clientIp } from '../http/client-ip.ts';
import type { AppEnv } from '../http/env.ts';
import * as routes from '../../shared/routes.ts';
import { operation } from '../http/openapi.ts';
import { validate } from '../http/validate.ts';
import { authenticate, authorize, findCaller, type AuthDeps } from './middleware.ts';
import { HASHING_BUSY, passwordHashing } from './passwords.ts';
import { signIn } from './sign-in.ts';
import { endSessionOf, renewSession } from './sessions.ts';
import { issueTokens, openSession } from './tokens.ts';

export const authOperations = {
  login: operation(routes.login, {
    summary: 'Sign in with email and password',
    body: loginBody,
    responses: {
      200: { description: 'Access and refresh tokens, and the device token', schema: loginAnswer },
    },
  }),
  refresh: operation(routes.refresh, {
    summary: 'Exchange a refresh token (single use) for new tokens',
    body: refreshBody,
    responses: { 200: { description: 'Access and refresh tokens', schema: tokenPair } },
  }),
  logout: operation(routes.logout, {
    summary:
      "End the refresh token's session: its access and refresh tokens stop working. Answers 204 " +
      'for any token, known or not (like OAuth token revocation, RFC 7009)',
    body: refreshBody,
    responses: { 204: { description: 'The session, if there was one, is over' } },
  }),
  switchAccount: operation(routes.switchAccount, {
    summary: 'Tokens for another account of the same user',
    params: clientIdParams,
    responses: { 200: { description: 'Access and refresh tokens', schema: tokenPair } },
  }),
  jwks: operation(routes.jwks, {
    summary: 'Public keys that verify access tokens',
    responses: { 200: { description: 'JSON Web Key Set' } },
  }),
};

/**
 * In a flood of sign-ins, one past the hashing queue is refused before its body is read or
 * validated, so answering a flood leaves the event loop to everyone else (issue 13, decision 030).
 * The app runs it ahead of the body limit; `signIn` still takes its place in the queue, for a
 * queue that fills while the body is read. The server answers most such sign-ins before they
 * reach the app, with this same answer (server/auth/early-refusal.ts, decision 032).
 */
export const refuseWhenHashingIsFull: MiddlewareHandler<AppEnv> = async (_c, next) => {
  if (passwordHashing.full) throw HASHING_BUSY;
  await next();
};

export function authRoutes(deps: AuthDeps & { config: Config }) {
  const { db } = deps;
  const ops = authOperations;

  return new Hono<AppEnv>()
    .post(ops.login.path, validate('json', ops.login.body), async (c) => {
      const tokens = await signIn(deps, c.req.valid('json'), {
        ip: clientIp(c, deps.config.trustProxy),
        userAgent: c.req.header('User-Agent')?.slice(0, 512) ?? null,
        requestId: c.get('requestId'),
      });
      return c.json(tokens);
    })

    .post(ops.refresh.path, validate('json', ops.refresh.body), async (c) => {
      return c.json(await renewSession(deps, c.req.valid('json').refresh, c.get('requestId')));
    })

    .post(ops.logout.path, validate('json', ops.logout.body), async (c) => {
      await endSessionOf(deps, c.req.valid('json').refresh, c.get('requestId'));
      return c.body(null, 204);
    })

    .get(
      ops.switchAccount.path,
      authenticate(deps),
      validate('param', ops.switchAccount.params),
      async (c) => {
        const { clientId } = c.req.valid('param');
        const caller = await authorize(c, db, 'account.switch');
        const target = await findCaller(db, { userId: caller.userId, accountId: clientId }, 'jwt');
        // Not a member there: exactly as if the account did not exist.
        if (!target) throw notFound();
        await recordAudit(db, {
          accountId: clientId,
          actorUserId: caller.userId,
          action: 'auth.account_switched',
          targetType: 'account',
          targetId: clientId,
          requestId: c.get('requestId'),
          details: { from_account_id: caller.accountId },
        });
        // The session goes on in the other account: ending it ends both. (A caller signed in by
        // the host's identity provider has none of ours yet.)
        const sessionId =
          caller.sessionId ?? (await openSession(db, caller.userId, deps.clock.now()));
        if (!sessionId) throw invalidToken(); // deleted while this request ran
        return c.json(
          await issueTokens(deps, { userId: caller.userId, accountId: clientId }, sessionId),
        );
      },
    )

    .get(ops.jwks.path, async (c) => {
      c.header('Cache-Control', 'public, max-age=300');
      return c.json(await deps.keys.jwks());
    });
}
