import { Hono } from 'hono';
import { iamRole } from '../../shared/roles.ts';
import {
  clientUserParams,
  clientUserRole,
  clientUserRoleAnswer,
  memberRemoved,
} from '../../shared/users.ts';
import { authenticate, authorize, type AuthDeps } from '../auth/middleware.ts';
import { AppError, notFound } from '../errors.ts';
import type { AppEnv } from '../http/env.ts';
import * as routes from '../../shared/routes.ts';
import { operation } from '../http/openapi.ts';
import { validate } from '../http/validate.ts';
import { changeRole, memberRole, removeMember, REMOVE_SELF_MESSAGE } from './service.ts';

export const membershipOperations = {
  getRole: operation(routes.getRole, {
    summary: "A member's IAM role in the account",
    params: clientUserParams,
    responses: { 200: { description: 'The role', schema: clientUserRoleAnswer } },
  }),
  setRole: operation(routes.setRole, {
    summary: "Change a member's IAM role (Administrators; never the last Administrator's)",
    params: clientUserParams,
    body: clientUserRole,
    responses: { 204: { description: 'Changed' } },
  }),
  remove: operation(routes.removeMember, {
    summary:
      'Remove a user from the account (Administrators; not oneself, not the last Administrator)',
    params: clientUserParams,
    responses: {
      200: {
        description: 'Removed; `user_deleted` when they were in no other account',
        schema: memberRemoved,
      },
    },
  }),
};

export function membershipRoutes(deps: AuthDeps) {
  const { db } = deps;
  const ops = membershipOperations;
  return new Hono<AppEnv>()
    .get(ops.getRole.path, authenticate(deps), validate('param', ops.getRole.params), async (c) => {
      const { clientId, userId } = c.req.valid('param');
      const caller = await authorize(c, db, 'users.read_role', { userId });
      if (clientId !== caller.accountId) throw notFound();
      const role = iamRole(await memberRole(db, caller.accountId, userId));
      return c.json({ user_role: { id: role.id, name: role.name } });
    })
    .put(
      ops.setRole.path,
      authenticate(deps),
      validate('param', ops.setRole.params),
      validate('json', ops.setRole.body),
      async (c) => {
        const target = c.req.valid('param');
        const caller = await authorize(c, db, 'users.change_role', { userId: target.userId });
        const roleId = c.req.valid('json').user_role.id;
        await changeRole(db, deps.clock, caller, target, roleId, c.get('requestId'));
        return c.body(null, 204);
      },
    )
    .delete(
      ops.remove.path,
      authenticate(deps),
      validate('param', ops.remove.params),
      async (c) => {
        const target = c.req.valid('param');
        const self = c.get('caller').userId === target.userId;
        const refusal = self ? new AppError('cannot_remove_self', REMOVE_SELF_MESSAGE) : undefined;
        const caller = await authorize(c, db, 'users.delete', { userId: target.userId }, refusal);
        const result = await removeMember(db, deps.clock, caller, target, c.get('requestId'));
        return c.json({ status: 'removed' as const, ...result });
      },
    );
}
