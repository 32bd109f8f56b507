import assert from 'node:assert/strict';
import { setTimeout as sleep } from 'node:timers/promises';
import { before, it } from 'node:test';
import { ROLE } from '../../shared/roles.ts';
import { eachDatabase } from '../support/context.ts';

/**
 * An Administrator demoted while their request is on its way: the request read their role when it
 * began, so the change must read it again under the lock it acts under (issue 11, §4).
 *
 * The demotion holds the Administrator's membership row while the request starts; on PostgreSQL
 * the request authenticates (a plain read, not blocked) and then waits for that row, so these
 * tests exercise the guard there. PGlite runs one query at a time, so the request waits for the
 * demotion before it authenticates and is refused earlier: the guard is not exercised there.
 */

eachDatabase(
  'a request of an Administrator demoted meanwhile',
  (ctx) => {
    let accountId: number;
    let keeper: { id: number };

    before(async () => {
      accountId = await ctx().fixtures.account('In Flight');
      // Another Administrator, so that no refusal is about the last one.
      keeper = await ctx().fixtures.member(accountId, { role: ROLE.administrators });
    });

    /** Start `request` while a transaction demotes `adminId`, then commit the demotion. */
    async function duringDemotion(adminId: number, request: () => Promise<Response>) {
      let answer: Promise<Response> | undefined;
      await ctx()
        .db.transaction()
        .execute(async (trx) => {
          await trx
            .updateTable('memberships')
            .set({ role_id: ROLE.users })
            .where('account_id', '=', accountId)
            .where('user_id', '=', adminId)
            .execute();
          answer = request();
          await sleep(ctx().dialect === 'postgres' ? 300 : 0);
        });
      return answer!;
    }

    it('refuses their role change', async () => {
      const admin = await ctx().fixtures.member(accountId, { role: ROLE.administrators });
      const target = await ctx().fixtures.member(accountId, { role: ROLE.users });
      const token = await ctx().tokenFor(admin.id, accountId);
      const response = await duringDemotion(admin.id, () =>
        ctx().request(`/iam/clients/${accountId}/client-users/${target.id}`, {
          method: 'PUT',
          token,
          json: { user_role: { id: ROLE.administrators } },
        }),
      );
      assert.equal(response.status, 403);
      const row = await ctx()
        .db.selectFrom('memberships')
        .select('role_id')
        .where('account_id', '=', accountId)
        .where('user_id', '=', target.id)
        .executeTakeFirstOrThrow();
      assert.equal(row.role_id, ROLE.users, 'no promotion by a demoted administrator');
    });

    it('refuses their removal of a member', async () => {
      const admin = await ctx().fixtures.member(accountId, { role: ROLE.administrators });
      const target = await ctx().fixtures.member(accountId, { role: ROLE.users });
      const token = await ctx().tokenFor(admin.id, accountId);
      const response = await duringDemotion(admin.id, () =>
        ctx().request(`/iam/clients/${accountId}/client-users/${target.id}`, {
          method: 'DELETE',
          token,
        }),
      );
      assert.equal(response.status, 403);
      const row = await ctx()
        .db.selectFrom('memberships')
        .select('id')
        .where('account_id', '=', accountId)
        .where('user_id', '=', target.id)
        .executeTakeFirst();
      assert.ok(row, 'still a member');
    });

    it('refuses their resend of an invitation', async () => {
      const admin = await ctx().fixtures.member(accountId, { role: ROLE.administrators });
      const pending = await ctx().fixtures.member(accountId, { status: 'not_activated' });
      const token = await ctx().tokenFor(admin.id, accountId);
      const response = await duringDemotion(admin.id, () =>
        ctx().request(`/iam/clients/${accountId}/client-users/${pending.id}/resend_invite`, {
          method: 'POST',
          token,
        }),
      );
      assert.equal(response.status, 403);
      const emails = await ctx()
        .db.selectFrom('email_outbox')
        .select('id')
        .where('recipient', '=', pending.email)
        .execute();
      assert.deepEqual(emails, []);
    });

    it('refuses their invitation', async () => {
      const admin = await ctx().fixtures.member(accountId, { role: ROLE.administrators });
      const token = await ctx().tokenFor(admin.id, accountId);
      const email = `in-flight-${Date.now().toString(36)}@flight.test`;
      const response = await duringDemotion(admin.id, () =>
        ctx().request('/iam/clients/invite_user', {
          method: 'POST',
          token,
          json: { client_id: accountId, email, user_role: { id: ROLE.administrators } },
        }),
      );
      assert.equal(response.status, 403);
      const invited = await ctx()
        .db.selectFrom('users')
        .select('id')
        .where('email', '=', email)
        .executeTakeFirst();
      assert.equal(invited, undefined);
      assert.ok(keeper.id);
    });
  },
  { INVITES_PER_DAY: '1000' },
);
