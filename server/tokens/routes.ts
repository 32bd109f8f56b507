import { Hono } from 'hono';
import { z } from 'zod';
import {
  createdToken,
  createTokenBody,
  tokenObject,
  tokenParams,
  tokensParams,
  tokensQuery,
} from '../../shared/tokens.ts';
import { authenticate, authorize, type AuthDeps } from '../auth/middleware.ts';
import { notFound } from '../errors.ts';
import type { AppEnv } from '../http/env.ts';
import * as routes from '../../shared/routes.ts';
import { operation } from '../http/openapi.ts';
import { validate } from '../http/validate.ts';
import { createToken, deleteToken, getToken, listTokens } from './service.ts';

export const tokenOperations = {
  list: operation(routes.listTokens, {
    summary: "API tokens: every token of the account for Administrators, one's own for others",
    params: tokensParams,
    query: tokensQuery,
    responses: { 200: { description: 'Tokens, newest first', schema: z.array(tokenObject) } },
  }),
  create: operation(routes.createToken, {
    summary: 'Create a token with a role no higher than your own; its secret is shown this once',
    params: tokensParams,
    body: createTokenBody,
    responses: {
      201: { description: 'The token, with `token: "<id>_<secret>"`', schema: createdToken },
    },
  }),
  get: operation(routes.getToken, {
    summary: 'One token',
    params: tokenParams,
    responses: { 200: { description: 'The token', schema: tokenObject } },
  }),
  remove: operation(routes.deleteToken, {
    summary: 'Delete a token: the next request with it is refused',
    params: tokenParams,
    responses: { 204: { description: 'Deleted' } },
  }),
};

export function tokenRoutes(deps: AuthDeps) {
  const { db } = deps;
  const ops = tokenOperations;
  /** The account in the path must be the one in scope: any other is unknown here. */
  const inScope = (clientId: number, accountId: number) => {
    if (clientId !== accountId) throw notFound();
  };
  return new Hono<AppEnv>()
    .get(
      ops.list.path,
      authenticate(deps),
      validate('param', ops.list.params),
      validate('query', ops.list.query),
      async (c) => {
        const caller = await authorize(c, db, 'tokens.own');
        inScope(c.req.valid('param').clientId, caller.accountId);
        return c.json(await listTokens(deps, caller, c.req.valid('query')));
      },
    )
    .post(
      ops.create.path,
      authenticate(deps),
      validate('param', ops.create.params),
      validate('json', ops.create.body),
      async (c) => {
        const caller = await authorize(c, db, 'tokens.create');
        inScope(c.req.valid('param').clientId, caller.accountId);
        return c.json(
          await createToken(deps, caller, c.req.valid('json'), c.get('requestId')),
          201,
        );
      },
    )
    .get(ops.get.path, authenticate(deps), validate('param', ops.get.params), async (c) => {
      const caller = await authorize(c, db, 'tokens.own');
      const { clientId, tokenId } = c.req.valid('param');
      inScope(clientId, caller.accountId);
      return c.json(await getToken(deps, caller, tokenId));
    })
    .delete(
      ops.remove.path,
      authenticate(deps),
      validate('param', ops.remove.params),
      async (c) => {
        const caller = await authorize(c, db, 'tokens.own');
        const { clientId, tokenId } = c.req.valid('param');
        inScope(clientId, caller.accountId);
        await deleteToken(deps, caller, tokenId, c.get('requestId'));
        return c.body(null, 204);
      },
    );
}
