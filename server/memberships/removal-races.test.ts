import assert from 'node:assert/strict';
import { it } from 'node:test';
import { ROLE } from '../../shared/roles.ts';
import { eachDatabase, type TestContext } from '../../test/support/context.ts';
import { holdAccounts, holdMembership, holdOpen, waiters } from '../../test/support/locks.ts';
import type { Transaction } from 'kysely';
import type { Database } from '../db/schema.ts';
import { Fixtures } from '../../test/support/fixtures.ts';
import { totpCode } from '../auth/totp.ts';
import { lockPerson, markDeleted } from './service.ts';

/**
 * A removal that leaves a person in no account deletes them (decision 037). These tests put a
 * second transaction exactly where it could change that answer: one of the test's own, holding its
 * locks until the request has come to wait for them (or has finished without waiting). On
 * PostgreSQL only: PGlite runs one transaction at a time, so these races cannot happen there.
 */

const remove = (ctx: TestContext, token: string, accountId: number, userId: number) =>
  ctx.request(`/iam/clients/${accountId}/client-users/${userId}`, { method: 'DELETE', token });

async function personOf(ctx: TestContext, userId: number) {
  const user = await ctx.db
    .selectFrom('users')
    .select(['deleted_at', 'password_hash'])
    .where('id', '=', userId)
    .executeTakeFirstOrThrow();
  const memberships = await ctx.db
    .selectFrom('memberships')
    .select('account_id')
    .where('user_id', '=', userId)
    .execute();
  return {
    deleted: user.deleted_at !== null,
    accounts: memberships.map((m) => m.account_id),
  };
}

/** The person as a removal from their last account leaves them: no membership, then deleted. */
async function deletePerson(trx: Transaction<Database>, userId: number, now: Date) {
  await trx.deleteFrom('memberships').where('user_id', '=', userId).execute();
  await markDeleted(trx, userId, now);
}

eachDatabase(
  'removing a person from their last account, while something else happens to them',
  (ctx, dialect) => {
    const skip = dialect === 'pglite' && 'PGlite runs one transaction at a time: no race to lose';

    it(
      'waits for an invitation to another account made meanwhile, and keeps them',
      { skip },
      async () => {
        const accountId = await ctx().fixtures.account();
        const admin = await ctx().fixtures.member(accountId, { role: ROLE.administrators });
        const person = await ctx().fixtures.member(accountId);
        const other = await ctx().fixtures.account();
        const token = await ctx().tokenFor(admin.id, accountId);
        // An invitation to another account, as server/invitations/service.ts makes it (the invitee's
        // row locked, then the membership), not committed yet when the removal asks where else they are.
        const joining = await holdOpen(ctx().db, async (trx) => {
          await trx
            .selectFrom('users')
            .select('id')
            .where('id', '=', person.id)
            .forNoKeyUpdate()
            .execute();
          await trx
            .insertInto('memberships')
            .values({
              account_id: other,
              user_id: person.id,
              role_id: ROLE.users,
              invited_at: ctx().clock.now(),
              invitation_expires_at: new Date(ctx().clock.now().getTime() + 86_400_000),
            })
            .execute();
        });
        const removal = remove(ctx(), token, accountId, person.id);
        await waiters(ctx().db, 1, removal);
        await joining.commit();
        const answer = await removal;
        assert.equal(answer.status, 200);
        assert.equal((await answer.json()).user_deleted, false);
        assert.deepEqual(await personOf(ctx(), person.id), { deleted: false, accounts: [other] });
      },
    );

    it('refuses the account they create while being removed and deleted', { skip }, async () => {
      const accountId = await ctx().fixtures.account();
      const person = await ctx().fixtures.member(accountId, { role: ROLE.administrators });
      const token = await ctx().tokenFor(person.id, accountId);
      // What the removal does under the person's lock, not committed yet when they create one.
      const removing = await holdOpen(ctx().db, async (trx) => {
        await lockPerson(trx, person.id);
        await deletePerson(trx, person.id, ctx().clock.now());
      });
      const company = `Raced ${person.id}`;
      const creation = ctx().request('/iam/clients/create', {
        method: 'POST',
        token,
        json: { company },
      });
      await waiters(ctx().db, 1, creation);
      await removing.commit();
      assert.equal((await creation).status, 401);
      assert.deepEqual(await personOf(ctx(), person.id), { deleted: true, accounts: [] });
      const accounts = await ctx()
        .db.selectFrom('accounts')
        .select('id')
        .where('company_name', '=', company)
        .execute();
      assert.deepEqual(accounts, []);
    });

    it(
      'deletes them when two removals take their last two accounts at once',
      { skip },
      async () => {
        const [first, second] = [await ctx().fixtures.account(), await ctx().fixtures.account()];
        const firstAdmin = await ctx().fixtures.member(first, { role: ROLE.administrators });
        const secondAdmin = await ctx().fixtures.member(second, { role: ROLE.administrators });
        const person = await ctx().fixtures.member(first);
        await ctx().fixtures.join(second, person.id);
        const tokens = [
          await ctx().tokenFor(firstAdmin.id, first),
          await ctx().tokenFor(secondAdmin.id, second),
        ];
        // Both removals stop where a membership's removal counts the account down (the accounts'
        // rows are the test's), so that each would ask where else the person is before the other
        // has committed, did nothing keep them apart.
        const counting = await holdAccounts(ctx().db, [first, second]);
        const removals = [
          remove(ctx(), tokens[0]!, first, person.id),
          remove(ctx(), tokens[1]!, second, person.id),
        ];
        await waiters(ctx().db, 2, Promise.all(removals));
        await counting.commit();
        const answers = await Promise.all(removals);
        assert.deepEqual(
          answers.map((answer) => answer.status),
          [200, 200],
        );
        const deleted = await Promise.all(answers.map(async (a) => (await a.json()).user_deleted));
        assert.deepEqual(deleted.sort(), [false, true], 'the second removal deletes them');
        assert.deepEqual(await personOf(ctx(), person.id), { deleted: true, accounts: [] });
      },
    );

    it('does not deadlock with the person renaming themselves meanwhile', { skip }, async () => {
      const accountId = await ctx().fixtures.account();
      const admin = await ctx().fixtures.member(accountId, { role: ROLE.administrators });
      const person = await ctx().fixtures.member(accountId);
      const tokens = [
        await ctx().tokenFor(admin.id, accountId),
        await ctx().tokenFor(person.id, accountId),
      ];
      // The removal stops where the account is counted down, its membership gone but not
      // committed; the rename then changes the person's row, whose trigger updates their
      // memberships: that one among them.
      const counting = await holdAccounts(ctx().db, [accountId]);
      const removal = remove(ctx(), tokens[0]!, accountId, person.id);
      await waiters(ctx().db, 1, removal);
      const rename = ctx().request(`/iam/users/${person.id}`, {
        method: 'PATCH',
        token: tokens[1],
        json: { name: 'Renamed' },
      });
      await waiters(ctx().db, 2, Promise.all([removal, rename]));
      await counting.commit();
      const [removed, renamed] = await Promise.all([removal, rename]);
      assert.equal(removed.status, 200);
      assert.equal((await removed.json()).user_deleted, true);
      // The rename comes second: whatever it answers, it is not a conflict (a deadlock) nor a failure.
      assert.ok(renamed.status !== 409 && renamed.status < 500, `rename: ${renamed.status}`);
      assert.deepEqual(await personOf(ctx(), person.id), { deleted: true, accounts: [] });
    });

    it(
      'lets a row referring to the person be written while it waits for their membership',
      { skip },
      async () => {
        const accountId = await ctx().fixtures.account();
        const admin = await ctx().fixtures.member(accountId, { role: ROLE.administrators });
        const person = await ctx().fixtures.member(accountId);
        const token = await ctx().tokenFor(admin.id, accountId);
        // As a token being created by the person does: their membership locked first, then a row
        // that refers to them (the token; here a session, which no rule of the removal reads).
        let written = false;
        const creating = await holdMembership(ctx().db, accountId, person.id);
        const removal = remove(ctx(), token, accountId, person.id);
        await waiters(ctx().db, 1, removal);
        // The removal holds the person's row and waits for the membership. Had it locked the row
        // against rows that refer to it too (`for update`), this insert would wait for the removal,
        // and the two would deadlock.
        await creating.write(async (trx) => {
          await trx
            .insertInto('sessions')
            .values({ user_id: person.id, credentials_version: 0, created_at: ctx().clock.now() })
            .execute();
          written = true;
        });
        await creating.commit();
        assert.ok(written);
        const answer = await removal;
        assert.equal(answer.status, 200);
        assert.equal((await answer.json()).user_deleted, true);
      },
    );

    it(
      'leaves 2FA off when it is turned on while they are removed and deleted',
      { skip },
      async () => {
        const accountId = await ctx().fixtures.account();
        const person = await ctx().fixtures.member(accountId);
        const secret = 'JBSWY3DPEHPK3PXP';
        await ctx()
          .db.updateTable('users')
          .set({ two_fa_secret: secret })
          .where('id', '=', person.id)
          .execute();
        const token = await ctx().tokenFor(person.id, accountId);
        // The removal holds the person's row: the request reads their state and checks the password,
        // then waits for the row to spend the code (two_fa_last_step) and to turn 2FA on.
        const removing = await holdOpen(ctx().db, async (trx) => {
          await lockPerson(trx, person.id);
        });
        const enabling = ctx().request('/iam/users/me/2fa/enable', {
          method: 'POST',
          token,
          json: { password: Fixtures.PASSWORD, code: totpCode(secret, ctx().clock.now()) },
        });
        await waiters(ctx().db, 1, enabling);
        // What the removal then does to a person left in no account.
        await removing.write((trx) => deletePerson(trx, person.id, ctx().clock.now()));
        await removing.commit();
        assert.equal((await enabling).status, 409);
        const row = await ctx()
          .db.selectFrom('users')
          .select(['two_fa_enabled_at'])
          .where('id', '=', person.id)
          .executeTakeFirstOrThrow();
        assert.equal(row.two_fa_enabled_at, null);
        const codes = await ctx()
          .db.selectFrom('two_fa_backup_codes')
          .select('user_id')
          .where('user_id', '=', person.id)
          .execute();
        assert.deepEqual(codes, []);
      },
    );

    it(
      'refuses the link of an invitee accepting while they are removed, without a deadlock',
      { skip },
      async () => {
        const accountId = await ctx().fixtures.account();
        const admin = await ctx().fixtures.member(accountId, { role: ROLE.administrators });
        const adminToken = await ctx().tokenFor(admin.id, accountId);
        const email = `accepting-${admin.id}@races.test`;
        const invited = await ctx().request('/iam/clients/invite_user', {
          method: 'POST',
          token: adminToken,
          json: { client_id: accountId, email, user_role: { id: ROLE.users } },
        });
        assert.equal(invited.status, 200);
        const person = await ctx()
          .db.selectFrom('users')
          .select('id')
          .where('email', '=', email)
          .executeTakeFirstOrThrow();
        const { payload } = await ctx()
          .db.selectFrom('email_outbox')
          .select('payload')
          .where('recipient', '=', email)
          .executeTakeFirstOrThrow();
        const link = new URL((payload as { link: string }).link).searchParams.get('token')!;
        // The removal has the person's row and is about to delete the membership (and with it the
        // link) when the invitee accepts.
        const removing = await holdOpen(ctx().db, async (trx) => {
          await lockPerson(trx, person.id);
        });
        const accepting = ctx().request(`/iam/auth/invitations/${link}/accept`, {
          method: 'POST',
          json: { password: 'a long and unusual passphrase' },
        });
        await waiters(ctx().db, 1, accepting);
        await removing.write((trx) => deletePerson(trx, person.id, ctx().clock.now()));
        await removing.commit();
        const answer = await accepting;
        assert.ok([404, 410].includes(answer.status), `accept: ${answer.status}`);
        const row = await ctx()
          .db.selectFrom('users')
          .select(['deleted_at', 'password_hash'])
          .where('id', '=', person.id)
          .executeTakeFirstOrThrow();
        assert.ok(
          row.deleted_at !== null && row.password_hash === null,
          'deleted, without a password',
        );
      },
    );

    it('lets a resend wait for the invitee accepting at that moment', { skip }, async () => {
      const accountId = await ctx().fixtures.account();
      const admin = await ctx().fixtures.member(accountId, { role: ROLE.administrators });
      const token = await ctx().tokenFor(admin.id, accountId);
      const person = await ctx().fixtures.member(accountId, { status: 'not_activated' });
      // What an acceptance does (server/invitations/service.ts): the person, then the link spent,
      // then the membership accepted.
      const accepting = await holdOpen(ctx().db, async (trx) => {
        await lockPerson(trx, person.id);
        await trx
          .updateTable('invitations')
          .set({ used_at: ctx().clock.now() })
          .where('account_id', '=', accountId)
          .where('user_id', '=', person.id)
          .execute();
      });
      const resend = ctx().request(
        `/iam/clients/${accountId}/client-users/${person.id}/resend_invite`,
        { method: 'POST', token },
      );
      await waiters(ctx().db, 1, resend);
      await accepting.write(async (trx) => {
        await trx
          .updateTable('memberships')
          .set({ accepted_at: ctx().clock.now(), invitation_expires_at: null })
          .where('account_id', '=', accountId)
          .where('user_id', '=', person.id)
          .execute();
      });
      await accepting.commit();
      const answer = await resend;
      assert.equal(answer.status, 400);
      assert.equal((await answer.json()).code, 'invitation_already_accepted');
    });
  },
);
