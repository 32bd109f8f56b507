import { Hono } from 'hono';
import {
  changeEmailBody,
  changePasswordBody,
  confirmEmailBody,
  emailChanged,
  emailChangeRequested,
  updateUserBody,
  user,
  userIdParams,
  usersPage,
  usersQuery,
  type UsersQuery,
} from '../../shared/users.ts';
import { z } from 'zod';
import { authenticate, authorize, type AuthDeps } from '../auth/middleware.ts';
import { issueTokens } from '../auth/tokens.ts';
import { tokenPair } from '../../shared/auth.ts';
import type { Config } from '../config.ts';
import type { Db } from '../db/connect.ts';
import { AppError, notFound } from '../errors.ts';
import { PROFILE_SHARED_MESSAGE } from '../../shared/permissions.ts';
import type { AppEnv, Caller } from '../http/env.ts';
import * as routes from '../../shared/routes.ts';
import { operation } from '../http/openapi.ts';
import { validate } from '../http/validate.ts';
import { toUser } from './mapper.ts';
import {
  changePassword,
  confirmEmailChange,
  requestEmailChange,
  updateProfile,
  type ProfileDeps,
} from './profile.ts';
import {
  accountsOf,
  cloudRolesOf,
  findMember,
  listMembers,
  type CloudRoleRow,
  type MemberRow,
} from './repository.ts';

export const userOperations = {
  list: operation(routes.listUsers, {
    summary: 'Users of the account in scope; paged when `limit` is given',
    query: usersQuery,
    responses: {
      200: {
        description: 'With `limit`: a page; without: an array',
        schema: z.union([usersPage, z.array(user)]),
      },
    },
  }),
  get: operation(routes.getUser, {
    summary: 'One user of the account in scope',
    params: userIdParams,
    responses: { 200: { description: 'The user', schema: user } },
  }),
  update: operation(routes.updateUser, {
    summary: "Change a user's name, language or phone (the user, or an Administrator)",
    params: userIdParams,
    body: updateUserBody,
    responses: { 200: { description: 'The user', schema: user } },
  }),
  changeEmail: operation(routes.changeEmail, {
    summary:
      'Change your own email, with your password: a link goes to the new address, and the email changes when it is opened (10 an hour)',
    params: userIdParams,
    body: changeEmailBody,
    responses: {
      202: { description: 'The confirmation link was sent', schema: emailChangeRequested },
    },
  }),
  confirmEmail: operation(routes.confirmEmail, {
    summary: 'Open the link sent to a new address: the email changes',
    body: confirmEmailBody,
    responses: { 200: { description: 'The email changed', schema: emailChanged } },
  }),
  changePassword: operation(routes.changePassword, {
    summary: 'Change your own password',
    params: userIdParams,
    body: changePasswordBody,
    responses: {
      200: {
        description:
          'Changed. Every earlier refresh token is void; the answer is a fresh session for this one',
        schema: tokenPair,
      },
    },
  }),
};

export function userRoutes(deps: AuthDeps & ProfileDeps & { config: Config }) {
  const { db, clock } = deps;
  const ops = userOperations;

  return new Hono<AppEnv>()
    .get(ops.list.path, authenticate(deps), validate('query', ops.list.query), async (c) => {
      const caller = await authorize(c, db, 'users.list');
      const query = c.req.valid('query');
      const now = clock.now();
      const { count, rows } = await listMembers(db, caller.accountId, query, now);
      const results = await toUsers(db, caller, rows, now);
      if (query.limit === undefined) return c.json(results);
      return c.json({
        count,
        ...pageLinks(deps.config.publicUrl + ops.list.path, c.req.url, query, count),
        results,
      });
    })

    .get(ops.get.path, authenticate(deps), validate('param', ops.get.params), async (c) => {
      const { userId } = c.req.valid('param');
      const caller = await authorize(c, db, 'users.read', { userId });
      return c.json(await currentUser(caller, userId));
    })

    .patch(
      ops.update.path,
      authenticate(deps),
      validate('param', ops.update.params),
      validate('json', ops.update.body),
      async (c) => {
        const { userId } = c.req.valid('param');
        const body = c.req.valid('json');
        const member = await findMember(db, c.get('caller').accountId, userId);
        const sharedProfile = member?.shared_profile ?? false;
        const caller = await authorize(
          c,
          db,
          'users.update_profile',
          { userId, sharedProfile },
          sharedProfile ? new AppError('profile_shared', PROFILE_SHARED_MESSAGE) : undefined,
        );
        // Only its owner changes an email (and not here): 403 for anyone else, audited.
        if (body.email !== undefined) await authorize(c, db, 'users.change_email', { userId });
        if (!member) throw notFound();
        await updateProfile(deps, caller, member, body, c.get('requestId'));
        return c.json(await currentUser(caller, userId));
      },
    )

    .put(
      ops.changeEmail.path,
      authenticate(deps),
      validate('param', ops.changeEmail.params),
      validate('json', ops.changeEmail.body),
      async (c) => {
        const { userId } = c.req.valid('param');
        const caller = await authorize(c, db, 'users.change_email', { userId });
        const body = c.req.valid('json');
        await requestEmailChange(deps, caller, body, c.get('requestId'));
        return c.json({ status: 'confirmation_sent' as const, new_email: body.new_email }, 202);
      },
    )

    .post(ops.confirmEmail.path, validate('json', ops.confirmEmail.body), async (c) => {
      return c.json(await confirmEmailChange(deps, c.req.valid('json').token, c.get('requestId')));
    })

    .put(
      ops.changePassword.path,
      authenticate(deps),
      validate('param', ops.changePassword.params),
      validate('json', ops.changePassword.body),
      async (c) => {
        const { userId } = c.req.valid('param');
        const caller = await authorize(c, db, 'users.change_password', { userId });
        // Every session ended with the change, this one too: it goes on in a new one.
        const sessionId = await changePassword(
          deps,
          caller,
          c.req.valid('json'),
          c.get('requestId'),
        );
        return c.json(
          await issueTokens(
            deps,
            { userId: caller.userId, accountId: caller.accountId },
            sessionId,
          ),
        );
      },
    );

  async function currentUser(caller: Caller, userId: number) {
    const row = await findMember(db, caller.accountId, userId);
    if (!row) throw notFound();
    const [result] = await toUsers(db, caller, [row], clock.now());
    return result;
  }
}

/** Users with their Cloud roles (one query per page) and the accounts the caller may see. */
async function toUsers(db: Db, caller: Caller, rows: MemberRow[], now: Date) {
  const cloudRoles = await cloudRolesOf(
    db,
    caller.accountId,
    rows.map((row) => row.id),
  );
  // Another user's other accounts are none of this account's business: only the caller sees theirs.
  const callerAccounts = rows.some((row) => row.id === caller.userId)
    ? await accountsOf(db, caller.userId)
    : [];
  // Grouped once: a page without `limit` is the whole account, and filtering the roles per row
  // would cost rows × roles.
  const rolesByUser = new Map<number, CloudRoleRow[]>();
  for (const role of cloudRoles) {
    const roles = rolesByUser.get(role.user_id);
    if (roles) roles.push(role);
    else rolesByUser.set(role.user_id, [role]);
  }
  return rows.map((row) =>
    toUser(
      row,
      rolesByUser.get(row.id) ?? [],
      row.id === caller.userId
        ? callerAccounts
        : [{ id: row.account_id, company_name: row.company_name, role_id: row.role_id }],
      now,
    ),
  );
}

/** DRF-style `next` and `previous` links, built on PUBLIC_URL (never on the request's Host). */
function pageLinks(base: string, requestUrl: string, query: UsersQuery, count: number) {
  const limit = query.limit ?? count;
  const offset = query.offset ?? 0;
  const link = (newOffset: number) => {
    const params = new URL(requestUrl).searchParams;
    params.set('offset', String(newOffset));
    params.set('limit', String(limit));
    return `${base}?${params.toString()}`;
  };
  return {
    next: offset + limit < count ? link(offset + limit) : null,
    previous: offset > 0 ? link(Math.max(0, offset - limit)) : null,
  };
}
