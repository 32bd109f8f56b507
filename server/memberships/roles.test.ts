import assert from 'node:assert/strict';
import { it } from 'node:test';
import { ROLE, type IamRoleId } from '../../shared/roles.ts';
import { eachDatabase, type TestContext } from '../../test/support/context.ts';
import { LAST_ADMINISTRATOR_MESSAGE, TOKEN_ROLE_CONFLICT_MESSAGE } from './service.ts';

async function setRole(
  ctx: TestContext,
  callerId: number,
  accountId: number,
  userId: number,
  roleId: number,
) {
  return ctx.request(`/iam/clients/${accountId}/client-users/${userId}`, {
    method: 'PUT',
    token: await ctx.tokenFor(callerId, accountId),
    json: { user_role: { id: roleId, name: 'ignored' } },
  });
}

const roleOf = async (ctx: TestContext, accountId: number, userId: number) =>
  (
    await ctx.db
      .selectFrom('memberships')
      .select('role_id')
      .where('account_id', '=', accountId)
      .where('user_id', '=', userId)
      .executeTakeFirstOrThrow()
  ).role_id;

eachDatabase('IAM roles: /iam/clients/{clientId}/client-users/{userId}', (ctx) => {
  it('reads and changes a role, and audits the change', async () => {
    const accountId = await ctx().fixtures.account();
    const admin = await ctx().fixtures.member(accountId, { role: ROLE.administrators });
    const member = await ctx().fixtures.member(accountId, { role: ROLE.users });
    const read = await ctx().request(`/iam/clients/${accountId}/client-users/${member.id}`, {
      token: await ctx().tokenFor(member.id, accountId),
    });
    assert.deepEqual(await read.json(), { user_role: { id: 2, name: 'Users' } });

    assert.equal(
      (await setRole(ctx(), admin.id, accountId, member.id, ROLE.engineers)).status,
      204,
    );
    assert.equal(await roleOf(ctx(), accountId, member.id), ROLE.engineers);
    const audit = await ctx()
      .db.selectFrom('audit_log')
      .select(['actor_user_id', 'details'])
      .where('action', '=', 'user.role_changed')
      .where('target_id', '=', String(member.id))
      .executeTakeFirstOrThrow();
    assert.equal(audit.actor_user_id, admin.id);
    assert.deepEqual(audit.details, { from: 2, to: 5 });
  });

  it('refuses unknown roles and unknown fields with 400', async () => {
    const accountId = await ctx().fixtures.account();
    const admin = await ctx().fixtures.member(accountId, { role: ROLE.administrators });
    const member = await ctx().fixtures.member(accountId);
    const unknown = await setRole(ctx(), admin.id, accountId, member.id, 4);
    assert.equal(unknown.status, 400);
    assert.ok((await unknown.json()).errors['user_role.id']);
    const extra = await ctx().request(`/iam/clients/${accountId}/client-users/${member.id}`, {
      method: 'PUT',
      token: await ctx().tokenFor(admin.id, accountId),
      json: { user_role: { id: 2 }, client_id: 99 },
    });
    assert.equal(extra.status, 400);
  });

  it('never demotes the last Administrator, not even themself', async () => {
    const accountId = await ctx().fixtures.account();
    const admin = await ctx().fixtures.member(accountId, { role: ROLE.administrators });
    await ctx().fixtures.member(accountId, { role: ROLE.administrators, status: 'not_activated' });
    const response = await setRole(ctx(), admin.id, accountId, admin.id, ROLE.engineers);
    assert.equal(response.status, 403);
    assert.deepEqual(await response.json(), {
      message: LAST_ADMINISTRATOR_MESSAGE,
      code: 'last_administrator',
    });
    assert.equal(await roleOf(ctx(), accountId, admin.id), ROLE.administrators);

    const second = await ctx().fixtures.member(accountId, { role: ROLE.administrators });
    assert.equal(
      (await setRole(ctx(), admin.id, accountId, admin.id, ROLE.engineers)).status,
      204,
      'with another one, yes',
    );
    assert.equal((await setRole(ctx(), second.id, accountId, second.id, ROLE.users)).status, 403);
  });

  it('lets only one of two administrators who demote each other at the same moment succeed', async () => {
    for (let round = 0; round < 5; round++) {
      const accountId = await ctx().fixtures.account();
      const a = await ctx().fixtures.member(accountId, { role: ROLE.administrators });
      const b = await ctx().fixtures.member(accountId, { role: ROLE.administrators });
      const [first, second] = await Promise.all([
        setRole(ctx(), a.id, accountId, b.id, ROLE.users),
        setRole(ctx(), b.id, accountId, a.id, ROLE.users),
      ]);
      const statuses = [first.status, second.status].sort();
      // The loser is refused either as the last Administrator or, if its caller was demoted first,
      // as no longer an Administrator.
      assert.equal(statuses[0], 204, `round ${round}: one succeeds`);
      assert.equal(statuses[1], 403, `round ${round}: the other is refused`);
      const roles = [await roleOf(ctx(), accountId, a.id), await roleOf(ctx(), accountId, b.id)];
      assert.equal(
        roles.filter((role) => role === ROLE.administrators).length,
        1,
        `round ${round}: one is left`,
      );
    }
  });

  it('keeps one Administrator when two remove, or remove and demote, each other at once', async () => {
    const remove = async (callerId: number, accountId: number, userId: number) =>
      ctx().request(`/iam/clients/${accountId}/client-users/${userId}`, {
        method: 'DELETE',
        token: await ctx().tokenFor(callerId, accountId),
      });
    for (let round = 0; round < 4; round++) {
      const accountId = await ctx().fixtures.account();
      const a = await ctx().fixtures.member(accountId, { role: ROLE.administrators });
      const b = await ctx().fixtures.member(accountId, { role: ROLE.administrators });
      const answers = await Promise.all(
        round % 2 === 0
          ? [remove(a.id, accountId, b.id), remove(b.id, accountId, a.id)]
          : [remove(a.id, accountId, b.id), setRole(ctx(), b.id, accountId, a.id, ROLE.users)],
      );
      const statuses = answers.map((answer) => answer.status).sort();
      assert.equal(
        statuses[1] < 300 ? 'both' : statuses[0] < 300 ? 'one' : 'none',
        'one',
        `round ${round}: ${statuses}`,
      );
      const administrators = await ctx()
        .db.selectFrom('memberships')
        .select('user_id')
        .where('account_id', '=', accountId)
        .where('role_id', '=', ROLE.administrators)
        .execute();
      assert.equal(administrators.length, 1, `round ${round}: one Administrator is left`);
    }
  });

  it('refuses to lower a user below a token they issued', async () => {
    const accountId = await ctx().fixtures.account();
    const admin = await ctx().fixtures.member(accountId, { role: ROLE.administrators });
    const engineer = await ctx().fixtures.member(accountId, { role: ROLE.engineers });
    const token = async (roleId: IamRoleId, extra: { deleted?: boolean; expired?: boolean } = {}) =>
      ctx()
        .db.insertInto('api_tokens')
        .values({
          account_id: accountId,
          user_id: engineer.id,
          name: 'ci',
          role_id: roleId,
          secret_hash: Buffer.alloc(32),
          deleted_at: extra.deleted ? ctx().clock.now() : null,
          expires_at: extra.expired ? new Date(ctx().clock.now().getTime() - 1000) : null,
        })
        .execute();
    await token(ROLE.engineers, { deleted: true });
    await token(ROLE.engineers, { expired: true });
    await token(ROLE.purgeApiWeb);
    const refused = await setRole(ctx(), admin.id, accountId, engineer.id, ROLE.users);
    assert.equal(refused.status, 403);
    assert.deepEqual(await refused.json(), {
      message: TOKEN_ROLE_CONFLICT_MESSAGE,
      code: 'token_role_conflict',
    });
    assert.equal(await roleOf(ctx(), accountId, engineer.id), ROLE.engineers);
    assert.equal(
      (await setRole(ctx(), admin.id, accountId, engineer.id, ROLE.purgeApiWeb)).status,
      204,
      'equal to the highest live token is fine; deleted and expired tokens do not count',
    );
  });

  it("answers 404 for another account's member and for another account id", async () => {
    const accountId = await ctx().fixtures.account();
    const admin = await ctx().fixtures.member(accountId, { role: ROLE.administrators });
    const otherAccount = await ctx().fixtures.account();
    const stranger = await ctx().fixtures.member(otherAccount);
    assert.equal((await setRole(ctx(), admin.id, accountId, stranger.id, ROLE.users)).status, 404);
    const foreign = await ctx().request(
      `/iam/clients/${otherAccount}/client-users/${stranger.id}`,
      {
        method: 'PUT',
        token: await ctx().tokenFor(admin.id, accountId),
        json: { user_role: { id: 2 } },
      },
    );
    assert.equal(foreign.status, 404);
    assert.equal(await roleOf(ctx(), otherAccount, stranger.id), ROLE.users);
  });
});
