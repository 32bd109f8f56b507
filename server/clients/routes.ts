import { Hono } from 'hono';
import { clientMe, createClientBody, createdClient } from '../../shared/clients.ts';
import { iamRole, ROLE, type IamRoleId } from '../../shared/roles.ts';
import { twoFaRequirementOf } from '../../shared/security.ts';
import { recordAudit } from '../audit.ts';
import { authenticate, authorize, type AuthDeps } from '../auth/middleware.ts';
import { invalidToken } from '../errors.ts';
import type { AppEnv } from '../http/env.ts';
import * as routes from '../../shared/routes.ts';
import { operation } from '../http/openapi.ts';
import { validate } from '../http/validate.ts';
import { lockCaller } from '../memberships/service.ts';
import { accountsOf, listAdministrators } from '../users/repository.ts';

export const clientOperations = {
  me: operation(routes.me, {
    summary: 'The account in scope',
    responses: { 200: { description: 'The account', schema: clientMe } },
  }),
  create: operation(routes.createClient, {
    summary: 'Create an account whose Administrator is the caller',
    body: createClientBody,
    responses: { 201: { description: 'The new account', schema: createdClient } },
  }),
};

/** The account's 2FA requirement and whether the caller has a second factor. */
function twoFaPolicyOf(db: AuthDeps['db'], accountId: number, userId: number) {
  return db
    .selectFrom('accounts as a')
    .innerJoin('users as u', (join) => join.on('u.id', '=', userId))
    .select(['a.require_2fa_since', 'a.two_fa_grace_days', 'u.two_fa_enabled_at'])
    .where('a.id', '=', accountId)
    .executeTakeFirstOrThrow();
}

export function clientRoutes(deps: AuthDeps) {
  const { db } = deps;
  const ops = clientOperations;

  return new Hono<AppEnv>()
    .get(ops.me.path, authenticate(deps), async (c) => {
      const caller = await authorize(c, db, 'account.read');
      const [accounts, administrators, twoFa] = await Promise.all([
        accountsOf(db, caller.userId),
        listAdministrators(db, caller.accountId),
        twoFaPolicyOf(db, caller.accountId, caller.userId),
      ]);
      const account = accounts.find((one) => one.id === caller.accountId);
      if (!account) throw invalidToken(); // removed from the account while this request ran
      const role = iamRole(caller.roleId);
      return c.json({
        id: account.id,
        client_id: account.id,
        companyName: account.company_name,
        name: account.company_name,
        currentUser: caller.userId,
        currentUserRole: { id: role.id, name: role.name },
        currentUserLang: caller.lang,
        users: administrators,
        clients: accounts.map((one) => ({ id: one.id, companyName: one.company_name })),
        two_fa_requirement: twoFaRequirementOf(
          { requiredSince: twoFa.require_2fa_since, graceDays: twoFa.two_fa_grace_days },
          twoFa.two_fa_enabled_at !== null,
          deps.clock.now(),
        ),
      });
    })

    .post(ops.create.path, authenticate(deps), validate('json', ops.create.body), async (c) => {
      const caller = await authorize(c, db, 'account.create');
      const { company } = c.req.valid('json');
      const now = deps.clock.now();
      const account = await db.transaction().execute(async (trx) => {
        // Removed from their last account a moment ago, they were deleted: no account of theirs
        // may outlive that (decision 037). Their row's lock makes the removal wait, or this.
        await lockCaller(trx, caller.userId);
        const created = await trx
          .insertInto('accounts')
          .values({ company_name: company, created_at: now })
          .returning(['id', 'company_name'])
          .executeTakeFirstOrThrow();
        await trx
          .insertInto('memberships')
          .values({
            account_id: created.id,
            user_id: caller.userId,
            role_id: ROLE.administrators satisfies IamRoleId,
            invited_at: now,
            accepted_at: now,
          })
          .execute();
        await recordAudit(trx, {
          accountId: created.id,
          actorUserId: caller.userId,
          action: 'account.created',
          targetType: 'account',
          targetId: created.id,
          requestId: c.get('requestId'),
        });
        return created;
      });
      return c.json({ id: account.id, company: account.company_name }, 201);
    });
}
