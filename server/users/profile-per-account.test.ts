import assert from 'node:assert/strict';
import { before, it } from 'node:test';
import { PROFILE_SHARED_MESSAGE } from '../../shared/permissions.ts';
import { ROLE } from '../../shared/roles.ts';
import type { Token } from '../../shared/tokens.ts';
import type { User } from '../../shared/users.ts';
import { eachDatabase, type TestContext } from '../../test/support/context.ts';

/**
 * A person (one `users` row) may belong to several accounts. What one account does to them must
 * never change what another account sees (issue 11, section 1; docs/decisions/011).
 */

let sequence = 0;
const freshEmail = (label: string) =>
  `${label}-${Date.now().toString(36)}-${sequence++}@shared.test`;

async function userRow(ctx: TestContext, id: number) {
  return ctx.db
    .selectFrom('users')
    .select(['name', 'phone', 'lang', 'deleted_at'])
    .where('id', '=', id)
    .executeTakeFirstOrThrow();
}

eachDatabase(
  'a profile shared by several accounts',
  (ctx) => {
    let acme: number;
    let globex: number;
    let acmeAdmin: { id: number };
    let globexAdmin: { id: number };

    before(async () => {
      acme = await ctx().fixtures.account('Acme');
      globex = await ctx().fixtures.account('Globex');
      acmeAdmin = await ctx().fixtures.member(acme, { role: ROLE.administrators });
      globexAdmin = await ctx().fixtures.member(globex, { role: ROLE.administrators });
    });

    const as = async (userId: number, accountId: number) => ctx().tokenFor(userId, accountId);
    const patch = async (callerId: number, accountId: number, userId: number, json: unknown) =>
      ctx().request(`/iam/users/${userId}`, {
        method: 'PATCH',
        token: await as(callerId, accountId),
        json,
      });
    const getUser = async (callerId: number, accountId: number, userId: number) =>
      (await (
        await ctx().request(`/iam/users/${userId}`, { token: await as(callerId, accountId) })
      ).json()) as User;
    const invite = async (callerId: number, accountId: number, body: Record<string, unknown>) =>
      ctx().request('/iam/clients/invite_user', {
        method: 'POST',
        token: await as(callerId, accountId),
        json: { client_id: accountId, user_role: { id: ROLE.users, name: 'Users' }, ...body },
      });

    it('refuses an administrator changing the profile of someone who also belongs to another account, and changes nothing', async () => {
      const sam = await ctx().fixtures.member(acme, { name: 'Sam', lang: 'en' });
      await ctx().fixtures.join(globex, sam.id, ROLE.administrators);
      const before = await userRow(ctx(), sam.id);
      for (const body of [{ name: 'Renamed' }, { phone: '+1 555' }, { lang: 'de' }]) {
        const response = await patch(acmeAdmin.id, acme, sam.id, body);
        assert.equal(response.status, 403, JSON.stringify(body));
        const answer = await response.json();
        assert.equal(answer.message, PROFILE_SHARED_MESSAGE);
        assert.equal(answer.code, 'profile_shared');
      }
      assert.deepEqual(await userRow(ctx(), sam.id), before);
      assert.equal((await getUser(acmeAdmin.id, acme, sam.id)).shared_profile, true);

      // The person edits their own profile always.
      const own = await patch(sam.id, acme, sam.id, { name: 'Sam Self' });
      assert.equal(own.status, 200);
      assert.equal(((await own.json()) as User).name, 'Sam Self');
    });

    it('lets an administrator edit someone who belongs to their account alone, and says so in advance', async () => {
      const only = await ctx().fixtures.member(acme, { name: 'Only Acme' });
      assert.equal((await getUser(acmeAdmin.id, acme, only.id)).shared_profile, false);
      const response = await patch(acmeAdmin.id, acme, only.id, { name: 'Edited', lang: 'zh' });
      assert.equal(response.status, 200);
      const body = (await response.json()) as User;
      assert.deepEqual([body.name, body.lang], ['Edited', 'zh']);
    });

    it('lets a new account edit only its own invitation of a person pending elsewhere', async () => {
      const email = freshEmail('pending-elsewhere');
      assert.equal(
        (await invite(globexAdmin.id, globex, { email, name: 'Pat', lang: 'de' })).status,
        200,
      );
      const pat = await ctx()
        .db.selectFrom('users')
        .select('id')
        .where('email', '=', email)
        .executeTakeFirstOrThrow();
      // Anyone can create an account and invite the same address, then edit what it invited...
      const attacker = await ctx().fixtures.member(acme, { role: ROLE.users });
      const created = await ctx().request('/iam/clients/create', {
        method: 'POST',
        token: await as(attacker.id, acme),
        json: { company: 'Attacker Inc' },
      });
      assert.equal(created.status, 201);
      const attackerAccount = ((await created.json()) as { id: number }).id;
      const invited = await invite(attacker.id, attackerAccount, {
        email,
        name: 'Renamed by invite',
        lang: 'ru',
      });
      assert.equal(invited.status, 200);
      const edited = await patch(attacker.id, attackerAccount, pat.id, { name: 'X', lang: 'zh' });
      assert.equal(edited.status, 200);
      assert.deepEqual(
        [((await edited.clone().json()) as User).name, ((await edited.json()) as User).lang],
        ['X', 'zh'],
      );
      const phone = await patch(attacker.id, attackerAccount, pat.id, { phone: '+1 555' });
      assert.equal(phone.status, 400);
      assert.ok((await phone.json()).errors.phone);
      // ...which changes nothing of the person, nor what Globex sees.
      assert.deepEqual(await userRow(ctx(), pat.id), {
        name: 'Pat',
        phone: null,
        lang: 'de',
        deleted_at: null,
      });
      const seen = await getUser(globexAdmin.id, globex, pat.id);
      assert.deepEqual([seen.name, seen.lang], ['Pat', 'de']);
      const resent = await ctx().request(
        `/iam/clients/${globex}/client-users/${pat.id}/resend_invite`,
        { method: 'POST', token: await as(globexAdmin.id, globex) },
      );
      assert.equal(resent.status, 200);
      const emailRow = await ctx()
        .db.selectFrom('email_outbox')
        .select(['lang', 'template'])
        .where('recipient', '=', email)
        .orderBy('id', 'desc')
        .executeTakeFirstOrThrow();
      assert.deepEqual(emailRow, { lang: 'de', template: 'invitation_resend' });
    });

    it("keeps another account's record of a deleted person: name, deleted mark, issuer of old tokens", async () => {
      const issuer = await ctx().fixtures.member(globex, {
        role: ROLE.administrators,
        name: 'Dana Departed',
      });
      const created = await ctx().request(`/iam/v2/clients/${globex}/tokens`, {
        method: 'POST',
        token: await as(issuer.id, globex),
        json: { name: 'ci', exp_date: null, client_user: { role: { id: ROLE.users } } },
      });
      assert.equal(created.status, 201);
      const tokenId = ((await created.json()) as Token).id;
      const tokenDeleted = await ctx().request(`/iam/v2/clients/${globex}/tokens/${tokenId}`, {
        method: 'DELETE',
        token: await as(globexAdmin.id, globex),
      });
      assert.equal(tokenDeleted.status, 204);
      const removed = await ctx().request(`/iam/clients/${globex}/client-users/${issuer.id}`, {
        method: 'DELETE',
        token: await as(globexAdmin.id, globex),
      });
      assert.equal(removed.status, 200);
      assert.equal((await removed.json()).user_deleted, true);

      const issuerAsGlobexSeesIt = async () => {
        const token = (await (
          await ctx().request(`/iam/v2/clients/${globex}/tokens/${tokenId}`, {
            token: await as(globexAdmin.id, globex),
          })
        ).json()) as Token;
        return token.client_user;
      };
      const before = await issuerAsGlobexSeesIt();
      assert.equal(before.user_name, 'Dana Departed');
      assert.equal(before.deleted, true);

      // A foreign account invites the deleted person with a name of its choosing.
      const invited = await invite(acmeAdmin.id, acme, {
        email: issuer.email,
        name: 'Someone Else',
        lang: 'zh',
      });
      assert.equal(invited.status, 200);
      assert.equal((await userRow(ctx(), issuer.id)).name, 'Dana Departed', 'not renamed');
      assert.deepEqual(await issuerAsGlobexSeesIt(), before);
      // Acme sees what it sent.
      const seen = await getUser(acmeAdmin.id, acme, issuer.id);
      assert.deepEqual([seen.name, seen.lang], ['Someone Else', 'zh']);

      // The person joins Acme under a new name: Globex's history keeps the one it knew.
      const row = await ctx()
        .db.selectFrom('email_outbox')
        .select('payload')
        .where('recipient', '=', issuer.email)
        .orderBy('id', 'desc')
        .executeTakeFirstOrThrow();
      const link = new URL((row.payload as { link: string }).link).searchParams.get('token');
      const accepted = await ctx().request(`/iam/auth/invitations/${link}/accept`, {
        method: 'POST',
        json: { password: 'a long and unusual passphrase', name: 'Dana Anew' },
      });
      assert.equal(accepted.status, 200);
      assert.equal((await userRow(ctx(), issuer.id)).name, 'Dana Anew');
      assert.deepEqual(await issuerAsGlobexSeesIt(), before);
    });

    it('answers the inviter of an existing person exactly as for a new one', async () => {
      const existing = await ctx().fixtures.member(globex, { name: 'Known', lang: 'ru' });
      await ctx()
        .db.updateTable('users')
        .set({ phone: '+7 1', two_fa_enabled_at: ctx().clock.now() })
        .where('id', '=', existing.id)
        .execute();
      const answers: { user_id: number }[] = [];
      const views: unknown[] = [];
      for (const email of [freshEmail('brand-new'), existing.email, freshEmail('brand-new')]) {
        const response = await invite(acmeAdmin.id, acme, { email, name: 'Sent Name', lang: 'de' });
        assert.equal(response.status, 200);
        const answer = await response.json();
        assert.deepEqual(Object.keys(answer).sort(), ['status', 'user_id']);
        answers.push(answer);
        const seen = await getUser(acmeAdmin.id, acme, answer.user_id);
        assert.deepEqual([seen.name, seen.lang], ['Sent Name', 'de'], email);
        const listed = (await (
          await ctx().request(`/iam/users?email=${encodeURIComponent(email)}`, {
            token: await as(acmeAdmin.id, acme),
          })
        ).json()) as User[];
        assert.deepEqual(listed, [seen]);
        views.push({
          ...seen,
          id: 0,
          email: '',
          client_and_roles: seen.client_and_roles.map((r) => ({ ...r, user_id: 0 })),
        });
      }
      assert.deepEqual(views[1], views[0], 'an existing person looks like a new one');
      assert.deepEqual(views[2], views[0]);
      // The ids of new people are not handed out in order, so an old id tells nothing.
      const [first, , third] = answers.map((a) => a.user_id);
      assert.ok(Math.abs(third - first) > 1000, `${first} then ${third}`);
      // The person themself is untouched.
      assert.deepEqual(await userRow(ctx(), existing.id), {
        name: 'Known',
        phone: '+7 1',
        lang: 'ru',
        deleted_at: null,
      });
    });
  },
  { INVITES_PER_DAY: '1000' },
);
