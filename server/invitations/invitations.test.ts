import assert from 'node:assert/strict';
import { before, it } from 'node:test';
import type { TokenPair } from '../../shared/auth.ts';
import type { InvitationState } from '../../shared/invitations.ts';
import { ROLE } from '../../shared/roles.ts';
import type { User } from '../../shared/users.ts';
import { eachDatabase, type TestContext } from '../../test/support/context.ts';
import { Fixtures } from '../../test/support/fixtures.ts';
import { RESENDS_PER_DAY } from './service.ts';

const HOUR = 60 * 60 * 1000;
let sequence = 0;
const freshEmail = (label: string) =>
  `${label}-${Date.now().toString(36)}-${sequence++}@invite.test`;

/** The link of the newest email to `to`, read from the outbox (the sender removes it once sent). */
async function latestLink(
  ctx: TestContext,
  to: string,
): Promise<{ token: string; template: string; lang: string }> {
  const row = await ctx.db
    .selectFrom('email_outbox')
    .select(['payload', 'template', 'lang'])
    .where('recipient', '=', to)
    .orderBy('id', 'desc')
    .executeTakeFirstOrThrow();
  const link = (row.payload as { link: string }).link;
  assert.ok(link.startsWith('http://um.test/?token='), link);
  return {
    token: new URL(link).searchParams.get('token')!,
    template: row.template,
    lang: row.lang,
  };
}

const outboxCount = async (ctx: TestContext, to: string) =>
  (await ctx.db.selectFrom('email_outbox').select('id').where('recipient', '=', to).execute())
    .length;

eachDatabase(
  'invitations',
  (ctx) => {
    let accountId: number;
    let adminToken: string;
    let admin: { id: number; email: string };

    before(async () => {
      accountId = await ctx().fixtures.account('Invite Co');
      admin = await ctx().fixtures.member(accountId, {
        role: ROLE.administrators,
        name: 'Ivy Admin',
      });
      adminToken = await ctx().tokenFor(admin.id, accountId);
    });

    const invite = (body: Record<string, unknown>, token = adminToken) =>
      ctx().request('/iam/clients/invite_user', {
        method: 'POST',
        token,
        json: { client_id: accountId, user_role: { id: ROLE.users, name: 'Users' }, ...body },
      });
    const state = async (token: string) =>
      (await (await ctx().request(`/iam/auth/invitations/${token}`)).json()) as InvitationState;
    const accept = (token: string, json: unknown = {}) =>
      ctx().request(`/iam/auth/invitations/${token}/accept`, { method: 'POST', json });
    const login = (username: string, password: string) =>
      ctx().request('/iam/auth/jwt/login', { method: 'POST', json: { username, password } });

    it('invites a new person: a user without password, a pending membership, a hashed link and an email', async () => {
      const email = freshEmail('New.Person').replace('New.Person', ' New.Person');
      const response = await invite({
        email: ` ${email.toUpperCase()} `,
        name: 'Nina New',
        lang: 'de',
      });
      assert.equal(response.status, 200, await response.clone().text());
      const { status, user_id } = await response.json();
      assert.equal(status, 'sent');
      const normalized = email.trim().toLowerCase();

      const user = await ctx()
        .db.selectFrom('users')
        .selectAll()
        .where('id', '=', user_id)
        .executeTakeFirstOrThrow();
      assert.equal(user.email, normalized);
      assert.equal(user.password_hash, null);
      assert.equal(user.lang, 'de');
      assert.equal(user.name, 'Nina New');

      const listed = (await (
        await ctx().request(`/iam/users/${user_id}`, { token: adminToken })
      ).json()) as User;
      assert.equal(listed.status, 'not_activated');
      assert.equal(
        listed.invitation_expires_at,
        new Date(ctx().clock.now().getTime() + 24 * HOUR).toISOString(),
      );

      const { token, template, lang } = await latestLink(ctx(), normalized);
      assert.equal(template, 'invitation_new_user');
      assert.equal(lang, 'de');
      const stored = await ctx()
        .db.selectFrom('invitations')
        .selectAll()
        .where('user_id', '=', user_id)
        .execute();
      assert.equal(stored.length, 1);
      assert.notEqual(
        Buffer.from(stored[0].token_hash).toString('base64url'),
        token,
        'only a hash is stored',
      );
      assert.equal(Buffer.from(stored[0].token_hash).length, 32);

      const audit = await ctx()
        .db.selectFrom('audit_log')
        .selectAll()
        .where('action', '=', 'user.invited')
        .where('target_id', '=', String(user_id))
        .executeTakeFirstOrThrow();
      assert.equal(audit.actor_user_id, admin.id);
      assert.doesNotMatch(JSON.stringify(audit), new RegExp(token));
    });

    it('lets the new person see the link, set a password and sign in; the link then reads as used', async () => {
      const email = freshEmail('newbie');
      await invite({ email, lang: 'ru', name: 'Newbie Invited' });
      const { token } = await latestLink(ctx(), email);
      assert.deepEqual(await state(token), {
        state: 'valid',
        email,
        company_name: 'Invite Co',
        name: 'Newbie Invited',
        lang: 'ru',
        new_user: true,
        expires_at: new Date(ctx().clock.now().getTime() + 24 * HOUR).toISOString(),
      });

      const missing = await accept(token, {});
      assert.equal(missing.status, 400);
      assert.deepEqual((await missing.json()).errors, { password: ['This field is required.'] });
      const short = await accept(token, { password: 'short' });
      assert.equal(short.status, 400);
      assert.match((await short.json()).errors.password[0], /at least 8 characters/);
      const common = await accept(token, { password: 'password' });
      assert.equal(common.status, 400);
      assert.deepEqual((await common.json()).errors, {
        password: ['This password is too common.'],
      });
      const tooLong = await accept(token, { password: 'x'.repeat(257) });
      assert.equal(tooLong.status, 400);
      assert.equal((await state(token)).state, 'valid', 'refused attempts leave the link usable');

      const accepted = await accept(token, {
        password: 'a long and unusual passphrase',
        name: 'Newbie Named',
      });
      assert.equal(accepted.status, 200);
      assert.deepEqual(await accepted.json(), { status: 'accepted', email, client_id: accountId });

      const signedIn = await login(email, 'a long and unusual passphrase');
      assert.equal(signedIn.status, 200);
      const me = await (
        await ctx().request('/iam/clients/me', {
          token: ((await signedIn.json()) as TokenPair).access,
        })
      ).json();
      assert.equal(me.id, accountId);

      assert.deepEqual(await state(token), {
        state: 'used',
        email: null,
        company_name: 'Invite Co',
        name: null,
        lang: 'ru',
        new_user: null,
        expires_at: null,
      });
      const again = await accept(token, { password: 'another long passphrase' });
      assert.equal(again.status, 410);
      assert.equal((await again.json()).code, 'invitation_used');
    });

    it('gives an existing person access without touching their password', async () => {
      const elsewhere = await ctx().fixtures.account('Elsewhere Ltd');
      const existing = await ctx().fixtures.member(elsewhere, { lang: 'ru' });
      const response = await invite({
        email: existing.email,
        name: 'ignored for existing people',
        lang: 'en',
      });
      assert.equal(response.status, 200);
      const { token, template, lang } = await latestLink(ctx(), existing.email);
      assert.equal(template, 'invitation_existing_user');
      assert.equal(lang, 'ru', "in the invitee's own language");
      assert.equal((await state(token)).new_user, false);

      const withPassword = await accept(token, { password: 'trying to change it' });
      assert.equal(withPassword.status, 400);
      assert.ok((await withPassword.json()).errors.password);

      assert.equal((await accept(token)).status, 200);
      const signedIn = await login(existing.email, Fixtures.PASSWORD);
      assert.equal(signedIn.status, 200, 'the old password still works');
      const access = ((await signedIn.json()) as TokenPair).access;
      const switched = await ctx().request(`/iam/auth/jwt/clients/${accountId}/login`, {
        token: access,
      });
      assert.equal(switched.status, 200, 'and the new account is theirs to switch to');
    });

    it('refuses to invite someone already in the account, active or pending, and sends no email', async () => {
      const active = await ctx().fixtures.member(accountId);
      const pendingEmail = freshEmail('pending');
      await invite({ email: pendingEmail });
      const pendingId = (
        await ctx()
          .db.selectFrom('users')
          .select('id')
          .where('email', '=', pendingEmail)
          .executeTakeFirstOrThrow()
      ).id;

      for (const [email, userId] of [
        [active.email, active.id],
        [pendingEmail.toUpperCase(), pendingId],
      ] as const) {
        const before = await outboxCount(ctx(), email.toLowerCase());
        const response = await invite({ email });
        assert.equal(response.status, 400);
        const body = await response.json();
        const message = `User ${userId} has already been invited to client ${accountId}`;
        assert.equal(body.message, message);
        assert.equal(body.code, 'already_invited');
        assert.deepEqual(body.errors, { email: [message] });
        assert.equal(await outboxCount(ctx(), email.toLowerCase()), before);
      }
    });

    it('refuses non-administrators (403) and another account (404), changing nothing', async () => {
      const engineer = await ctx().fixtures.member(accountId, { role: ROLE.engineers });
      const engineerToken = await ctx().tokenFor(engineer.id, accountId);
      const email = freshEmail('refused');
      const forbidden = await invite({ email }, engineerToken);
      assert.equal(forbidden.status, 403);
      assert.equal((await forbidden.json()).code, 'forbidden');

      const other = await ctx().fixtures.account('Other Inc');
      const otherAdmin = await ctx().fixtures.member(other, { role: ROLE.administrators });
      const foreign = await ctx().request('/iam/clients/invite_user', {
        method: 'POST',
        token: await ctx().tokenFor(otherAdmin.id, other),
        json: { client_id: accountId, email, user_role: { id: 2 } },
      });
      assert.equal(foreign.status, 404);
      const user = await ctx()
        .db.selectFrom('users')
        .select('id')
        .where('email', '=', email)
        .executeTakeFirst();
      assert.equal(user, undefined);
      assert.equal(await outboxCount(ctx(), email), 0);
    });

    it('refuses bad input naming each field', async () => {
      const response = await invite({
        email: 'not-an-email',
        user_role: { id: 7 },
        lang: 'fr',
        name: 'x'.repeat(300),
      });
      assert.equal(response.status, 400);
      const { errors } = await response.json();
      assert.deepEqual(Object.keys(errors).sort(), ['email', 'lang', 'name', 'user_role.id']);
      assert.deepEqual(errors.email, ['Enter a valid email address.']);

      const missing = await ctx().request('/iam/clients/invite_user', {
        method: 'POST',
        token: adminToken,
        json: {},
      });
      assert.deepEqual(Object.keys((await missing.json()).errors).sort(), [
        'client_id',
        'email',
        'user_role',
      ]);

      const otherAccount = await ctx().fixtures.account();
      const foreignProject = await ctx().fixtures.project(otherAccount, 'Not yours');
      const email = freshEmail('cloud');
      const cloud = await invite({
        email,
        cloud: { client_role: null, projects: [{ project_id: foreignProject, role: 'Observer' }] },
      });
      assert.equal(cloud.status, 400);
      assert.deepEqual((await cloud.json()).errors, {
        'cloud.projects.0.project_id': ['Project not found.'],
      });
      const badRole = await invite({
        email,
        cloud: { projects: [{ project_id: foreignProject, role: 'Boss' }] },
      });
      assert.ok((await badRole.json()).errors['cloud.projects.0.role']);
      assert.equal(await outboxCount(ctx(), email), 0);
    });

    it('assigns the Cloud access chosen in the invitation', async () => {
      const project = await ctx().fixtures.project(accountId, 'Edge nodes');
      const email = freshEmail('cloudy');
      const response = await invite({
        email,
        user_role: { id: ROLE.engineers },
        cloud: {
          client_role: 'ClientAdministrator',
          projects: [{ project_id: project, role: 'Observer' }],
        },
      });
      assert.equal(response.status, 200);
      const { user_id } = await response.json();
      const user = (await (
        await ctx().request(`/iam/users/${user_id}`, { token: adminToken })
      ).json()) as User;
      assert.deepEqual(user.groups, [{ id: 5, name: 'Engineers' }]);
      assert.deepEqual(user.cloud, {
        client_role: 'ClientAdministrator',
        projects: [{ project_id: project, project_name: 'Edge nodes', role: 'Observer' }],
      });
    });

    it('expires a link after 24 hours', async () => {
      const email = freshEmail('late');
      const { user_id } = await (await invite({ email })).json();
      const { token } = await latestLink(ctx(), email);
      ctx().clock.advance(24 * HOUR - 1000);
      try {
        assert.equal((await state(token)).state, 'valid');
        ctx().clock.advance(1000);
        assert.equal((await state(token)).state, 'expired');
        assert.equal((await state(token)).email, null, 'an expired link tells no email');
        const late = await accept(token, { password: 'a long and unusual passphrase' });
        assert.equal(late.status, 410);
        assert.equal((await late.json()).code, 'invitation_expired');
        const freshToken = await ctx().tokenFor(admin.id, accountId);
        const user = (await (
          await ctx().request(`/iam/users/${user_id}`, { token: freshToken })
        ).json()) as User;
        assert.equal(user.status, 'invitation_expired');
      } finally {
        ctx().clock.advance(-24 * HOUR);
      }
    });

    it('resends with a new 24-hour link and kills every earlier one', async () => {
      const email = freshEmail('resent');
      const { user_id } = await (await invite({ email })).json();
      const first = (await latestLink(ctx(), email)).token;
      ctx().clock.advance(23 * HOUR);
      try {
        const token = await ctx().tokenFor(admin.id, accountId);
        const resend = (userId: number, clientId = accountId) =>
          ctx().request(`/iam/clients/${clientId}/client-users/${userId}/resend_invite`, {
            method: 'POST',
            token,
          });
        const response = await resend(user_id);
        assert.equal(response.status, 200);
        assert.deepEqual(await response.json(), { status: 'sent' });
        const second = await latestLink(ctx(), email);
        assert.equal(second.template, 'invitation_resend');
        assert.notEqual(second.token, first);
        assert.equal((await state(first)).state, 'expired');
        assert.equal(
          (await accept(first, { password: 'a long and unusual passphrase' })).status,
          410,
        );
        const fresh = await state(second.token);
        assert.equal(fresh.state, 'valid');
        assert.equal(
          fresh.expires_at,
          new Date(ctx().clock.now().getTime() + 24 * HOUR).toISOString(),
        );

        assert.equal(
          (await accept(second.token, { password: 'a long and unusual passphrase' })).status,
          200,
        );
        const afterAccept = await resend(user_id);
        assert.equal(afterAccept.status, 400);
        assert.equal((await afterAccept.json()).code, 'invitation_already_accepted');

        const stranger = await ctx().fixtures.member(await ctx().fixtures.account(), {
          status: 'not_activated',
        });
        assert.equal((await resend(stranger.id)).status, 404, "another account's user");
        assert.equal((await resend(user_id, accountId + 1000)).status, 404, 'another account');
      } finally {
        ctx().clock.advance(-23 * HOUR);
      }
    });

    it(`resends one invitation at most ${RESENDS_PER_DAY} times a day`, async () => {
      const email = freshEmail('flood');
      const { user_id } = await (await invite({ email })).json();
      const resend = () =>
        ctx().request(`/iam/clients/${accountId}/client-users/${user_id}/resend_invite`, {
          method: 'POST',
          token: adminToken,
        });
      for (let i = 0; i < RESENDS_PER_DAY; i++)
        assert.equal((await resend()).status, 200, `resend ${i + 1}`);
      const limited = await resend();
      assert.equal(limited.status, 429);
      assert.ok(Number(limited.headers.get('Retry-After')) > 0);
      assert.equal(await outboxCount(ctx(), email), 1 + RESENDS_PER_DAY);
    });

    it('answers unknown and malformed links as invalid, telling nothing', async () => {
      const unknown = 'A'.repeat(43);
      for (const token of [unknown, 'short', 'with%20space', 'x'.repeat(100)]) {
        assert.deepEqual(await state(token), {
          state: 'invalid',
          email: null,
          company_name: null,
          name: null,
          lang: null,
          new_user: null,
          expires_at: null,
        });
        const response = await accept(token, { password: 'a long and unusual passphrase' });
        assert.equal(response.status, 404, token);
        assert.equal((await response.json()).code, 'invitation_invalid');
      }
      assert.equal((await ctx().request(`/iam/auth/invitations/${'x'.repeat(200)}`)).status, 400);
    });

    it('lets exactly one of 16 concurrent accepts of one link succeed', async () => {
      const email = freshEmail('race');
      await invite({ email });
      const { token } = await latestLink(ctx(), email);
      const answers = await Promise.all(
        Array.from({ length: 16 }, (_, i) =>
          accept(token, { password: `a long and unusual passphrase ${i}` }),
        ),
      );
      const statuses = answers.map((a) => a.status);
      assert.equal(statuses.filter((status) => status === 200).length, 1);
      // The others find the link used, or are refused at once past the password-hashing queue
      // (503, decision 023) before they try.
      assert.ok(
        statuses.every((status) => [200, 410, 503].includes(status)),
        String(statuses),
      );
      const memberships = await ctx()
        .db.selectFrom('memberships as m')
        .innerJoin('users as u', 'u.id', 'm.user_id')
        .select(['m.accepted_at'])
        .where('u.email', '=', email)
        .execute();
      assert.equal(memberships.length, 1);
      assert.ok(memberships[0].accepted_at);
    });

    it('turns concurrent identical invitations into one invitation and one email', async () => {
      const email = freshEmail('twin');
      const answers = await Promise.all(Array.from({ length: 6 }, () => invite({ email })));
      assert.deepEqual(answers.map((a) => a.status).sort(), [200, 400, 400, 400, 400, 400]);
      const invitations = await ctx()
        .db.selectFrom('invitations as i')
        .innerJoin('users as u', 'u.id', 'i.user_id')
        .select('i.id')
        .where('u.email', '=', email)
        .execute();
      assert.equal(invitations.length, 1);
      assert.equal(await outboxCount(ctx(), email), 1);
    });

    it('re-invites a deleted person as a new one, without their old password or 2FA', async () => {
      // A second factor left on a deleted row (a request that raced the removal) does not come back.
      const gone = await ctx().fixtures.user({ deleted: true, twoFa: true });
      const response = await invite({ email: gone.email, name: 'Back Again' });
      assert.equal(response.status, 200);
      assert.deepEqual(
        await ctx()
          .db.selectFrom('users')
          .select(['two_fa_secret', 'two_fa_enabled_at', 'two_fa_last_step'])
          .where('id', '=', gone.id)
          .executeTakeFirstOrThrow(),
        { two_fa_secret: null, two_fa_enabled_at: null, two_fa_last_step: null },
      );
      const { token, template } = await latestLink(ctx(), gone.email);
      assert.equal(template, 'invitation_new_user');
      assert.equal(
        (await login(gone.email, Fixtures.PASSWORD)).status,
        400,
        'the old password is gone',
      );
      assert.equal(
        (await accept(token, { password: 'a long and unusual passphrase' })).status,
        200,
      );
      assert.equal((await login(gone.email, 'a long and unusual passphrase')).status, 200);
    });
  },
  { INVITES_PER_DAY: '1000' },
);

eachDatabase('the daily invitation limit', (ctx) => {
  it('allows 5 invitations a day per administrator, then 429 with Retry-After until the oldest is a day old', async () => {
    const accountId = await ctx().fixtures.account();
    const admin = await ctx().fixtures.member(accountId, { role: ROLE.administrators });
    const otherAdmin = await ctx().fixtures.member(accountId, { role: ROLE.administrators });
    const invite = async (token: string) =>
      ctx().request('/iam/clients/invite_user', {
        method: 'POST',
        token,
        json: { client_id: accountId, email: freshEmail('daily'), user_role: { id: 2 } },
      });
    let token = await ctx().tokenFor(admin.id, accountId);
    for (let i = 0; i < 5; i++) {
      assert.equal((await invite(token)).status, 200, `invitation ${i + 1}`);
      ctx().clock.advance(HOUR);
      token = await ctx().tokenFor(admin.id, accountId); // access tokens live one hour
    }
    const refused = await invite(token);
    assert.equal(refused.status, 429);
    assert.equal(refused.headers.get('Retry-After'), String(19 * 3600));
    const body = await refused.json();
    assert.equal(body.code, 'rate_limited');
    assert.match(body.message, /at most 5 users a day/);

    assert.equal(
      (await invite(await ctx().tokenFor(otherAdmin.id, accountId))).status,
      200,
      'per administrator',
    );

    // Deleting the invitees does not give the invitations back.
    const invitees = await ctx()
      .db.selectFrom('memberships')
      .select('user_id')
      .where('invited_by', '=', admin.id)
      .execute();
    for (const { user_id } of invitees) {
      const removed = await ctx().request(`/iam/clients/${accountId}/client-users/${user_id}`, {
        method: 'DELETE',
        token,
      });
      assert.equal(removed.status, 200);
    }
    assert.equal((await invite(token)).status, 429, 'invite-then-delete still counts');

    ctx().clock.advance(19 * HOUR);
    token = await ctx().tokenFor(admin.id, accountId);
    assert.equal((await invite(token)).status, 200, 'the first one has left the 24-hour window');
    assert.equal((await invite(token)).status, 429);
  });
});
