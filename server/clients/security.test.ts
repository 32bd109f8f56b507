import assert from 'node:assert/strict';
import { after, before, it } from 'node:test';
import type { ClientMe } from '../../shared/clients.ts';
import { ROLE, type IamRoleId } from '../../shared/roles.ts';
import type { SecuritySettings } from '../../shared/security.ts';
import type { BackupCodes, TwoFaSetup } from '../../shared/two-fa.ts';
import type { UsersPage } from '../../shared/users.ts';
import { eachDatabase, type TestContext } from '../../test/support/context.ts';
import { Fixtures } from '../../test/support/fixtures.ts';
import { TestSmtpServer } from '../../test/support/smtp.ts';
import { totpCode } from '../auth/totp.ts';
import { OutboxSender } from '../mail/outbox.ts';
import { mailboxTransport, smtpTransport } from '../mail/transports.ts';

const DAY = 24 * 60 * 60_000;

/** An account that requires two-factor authentication (docs/decisions/026). */
eachDatabase('an account that requires two-factor authentication', (ctx) => {
  let accountId: number;
  let adminToken: string;

  const security = (id: number) => `/iam/clients/${id}/security`;
  const read = async (token: string, id = accountId) => {
    const response = await ctx().request(security(id), { token });
    assert.equal(response.status, 200);
    return (await response.json()) as SecuritySettings;
  };
  const put = (token: string, json: unknown, id = accountId) =>
    ctx().request(security(id), { method: 'PUT', token, json });
  const member = async (account: number, role: IamRoleId = ROLE.users, twoFa = false) => {
    const user = await ctx().fixtures.member(account, { role, twoFa });
    return { ...user, token: await ctx().tokenFor(user.id, account) };
  };
  const me = async (token: string) =>
    (await (await ctx().request('/iam/clients/me', { token })).json()) as ClientMe;
  const apiKeyOf = async (token: string, account: number, role: IamRoleId = ROLE.users) => {
    const created = await ctx().request(`/iam/v2/clients/${account}/tokens`, {
      method: 'POST',
      token,
      json: { name: 'ci', exp_date: null, client_user: { role: { id: role } } },
    });
    assert.equal(created.status, 201);
    return `APIKey ${((await created.json()) as { token: string }).token}`;
  };
  const accountRow = (id: number) =>
    ctx()
      .db.selectFrom('accounts')
      .select(['require_2fa_since', 'two_fa_grace_days'])
      .where('id', '=', id)
      .executeTakeFirstOrThrow();
  const auditCount = async (action: string, account: number) =>
    (
      await ctx()
        .db.selectFrom('audit_log')
        .select('id')
        .where('action', '=', action)
        .where('account_id', '=', account)
        .execute()
    ).length;
  /** An account of its own per test, so that the clock each test moves concerns only it. */
  const freshAccount = async () => {
    const id = await ctx().fixtures.account();
    const admin = await member(id, ROLE.administrators, true);
    return { id, admin };
  };

  before(async () => {
    accountId = await ctx().fixtures.account('Policy Co');
    adminToken = (await member(accountId, ROLE.administrators, true)).token;
  });

  it('lets an Administrator require 2FA with a grace period, which every member reads; audited', async () => {
    const reader = await member(accountId);
    assert.deepEqual(await read(reader.token), {
      require_2fa: false,
      grace_period_days: 0,
      required_since: null,
      grace_period_ends_at: null,
      noncompliant_members: 0,
    });
    const start = ctx().clock.now();
    const set = await put(adminToken, { require_2fa: true, grace_period_days: 7 });
    assert.equal(set.status, 200);
    const settings = (await set.json()) as SecuritySettings;
    assert.equal(settings.required_since, start.toISOString());
    assert.equal(settings.grace_period_ends_at, new Date(start.getTime() + 7 * DAY).toISOString());
    assert.equal(settings.noncompliant_members, 1, 'the reader has no 2FA');
    assert.deepEqual(await read(reader.token), settings);
    assert.equal(await auditCount('account.security_updated', accountId), 1);

    // Saving again later keeps the start: the deadline moves with the days only.
    ctx().clock.advance(DAY);
    adminToken = (await member(accountId, ROLE.administrators, true)).token; // the old one expired
    const longer = (await (
      await put(adminToken, { require_2fa: true, grace_period_days: 14 })
    ).json()) as SecuritySettings;
    assert.equal(longer.required_since, start.toISOString());
    assert.equal(longer.grace_period_ends_at, new Date(start.getTime() + 14 * DAY).toISOString());
    const kept = (await (await put(adminToken, { require_2fa: true })).json()) as SecuritySettings;
    assert.equal(kept.grace_period_days, 14, 'without the days, they stay');

    const off = (await (await put(adminToken, { require_2fa: false })).json()) as SecuritySettings;
    assert.equal(off.require_2fa, false);
    assert.equal(off.required_since, null);
    assert.equal(off.grace_period_ends_at, null);
    assert.equal(off.noncompliant_members, 0);
    assert.equal(await auditCount('account.security_updated', accountId), 4);
  });

  it('refuses everyone but Administrators in a session (403), and changes nothing', async () => {
    const { id, admin } = await freshAccount();
    const before = await accountRow(id);
    for (const role of [ROLE.engineers, ROLE.users] as IamRoleId[]) {
      const other = await member(id, role);
      const refused = await put(other.token, { require_2fa: true, grace_period_days: 3 }, id);
      assert.equal(refused.status, 403);
      assert.equal((await refused.json()).code, 'forbidden');
    }
    // An Administrator's API token may not lower (or raise) the account's guard.
    const apiKey = await apiKeyOf(admin.token, id, ROLE.administrators);
    const byToken = await ctx().request(security(id), {
      method: 'PUT',
      headers: { Authorization: apiKey },
      json: { require_2fa: true, grace_period_days: 3 },
    });
    assert.equal(byToken.status, 403);
    assert.deepEqual(await accountRow(id), before);
    assert.equal(await auditCount('permission.denied', id), 3);
  });

  it("answers 404 for another account's settings and reminder, and changes nothing", async () => {
    const other = await freshAccount();
    const before = await accountRow(accountId);
    assert.equal(
      (await ctx().request(security(accountId), { token: other.admin.token })).status,
      404,
    );
    const refused = await put(other.admin.token, { require_2fa: true }, accountId);
    assert.equal(refused.status, 404);
    const remind = await ctx().request(`${security(accountId)}/remind`, {
      method: 'POST',
      token: other.admin.token,
    });
    assert.equal(remind.status, 404);
    assert.deepEqual(await accountRow(accountId), before);
  });

  it('refuses bad input with 400 naming the field', async () => {
    const { id, admin } = await freshAccount();
    const before = await accountRow(id);
    const cases: [unknown, string][] = [
      [{ require_2fa: true, grace_period_days: 31 }, 'grace_period_days'],
      [{ require_2fa: true, grace_period_days: -1 }, 'grace_period_days'],
      [{ require_2fa: true, grace_period_days: 1.5 }, 'grace_period_days'],
      [{ require_2fa: true, grace_period_days: '7' }, 'grace_period_days'],
      [{ grace_period_days: 7 }, 'require_2fa'],
      [{ require_2fa: 'yes' }, 'require_2fa'],
      [{ require_2fa: true, required_since: '2020-01-01T00:00:00Z' }, 'required_since'],
    ];
    for (const [json, field] of cases) {
      const response = await put(admin.token, json, id);
      assert.equal(response.status, 400, JSON.stringify(json));
      const body = await response.json();
      assert.equal(body.code, 'validation_failed');
      // A wrong field is named as the key of its errors; an unknown one in the message.
      assert.ok(
        Object.keys(body.errors ?? {}).includes(field) ||
          JSON.stringify(body.errors).includes(`${field}.`),
        `${JSON.stringify(json)}: ${JSON.stringify(body)}`,
      );
    }
    assert.deepEqual(await accountRow(id), before);
  });

  it('serves a member without 2FA normally during the grace period, and tells them the days left', async () => {
    const { id, admin } = await freshAccount();
    const late = await member(id);
    assert.equal(
      (await put(admin.token, { require_2fa: true, grace_period_days: 5 }, id)).status,
      200,
    );
    ctx().clock.advance(DAY + 1000);
    try {
      const token = await ctx().tokenFor(late.id, id); // access tokens live an hour
      const requirement = (await me(token)).two_fa_requirement!;
      assert.equal(requirement.state, 'grace');
      assert.equal(requirement.days_left, 4);
      assert.equal(requirement.required, true);
      assert.equal((await ctx().request('/iam/users?limit=5', { token })).status, 200);
      const adminNow = await ctx().tokenFor(admin.id, id);
      assert.equal((await me(adminNow)).two_fa_requirement!.state, 'met');
    } finally {
      ctx().clock.advance(-(DAY + 1000));
    }
  });

  it('after the grace period serves a session only what setting 2FA up needs (403 two_fa_required), never binding API tokens', async () => {
    const { id, admin } = await freshAccount();
    const late = await member(id, ROLE.administrators);
    const colleague = await member(id);
    const apiKey = await apiKeyOf(late.token, id);
    const elsewhere = await ctx().fixtures.account('Relaxed Co');
    await ctx().fixtures.join(elsewhere, late.id);
    assert.equal(
      (await put(admin.token, { require_2fa: true, grace_period_days: 2 }, id)).status,
      200,
    );
    ctx().clock.advance(2 * DAY);
    try {
      late.token = await ctx().tokenFor(late.id, id); // access tokens live an hour
      const refused = [
        ['GET', '/iam/users?limit=5'],
        ['GET', `/iam/users/${colleague.id}`],
        ['GET', security(id)],
        ['PUT', security(id)],
        ['GET', `/iam/v2/clients/${id}/tokens`],
        ['GET', '/cloud/v1/projects'],
        ['GET', '/iam/activity_log/logins'],
        ['PATCH', `/iam/users/${late.id}`],
      ];
      const before = await accountRow(id);
      for (const [method, path] of refused) {
        const response = await ctx().request(path, {
          method,
          token: late.token,
          json: method === 'GET' ? undefined : method === 'PUT' ? { require_2fa: false } : {},
        });
        assert.equal(response.status, 403, `${method} ${path}`);
        assert.equal((await response.json()).code, 'two_fa_required', `${method} ${path}`);
      }
      assert.deepEqual(await accountRow(id), before, 'nothing changed');

      // What setting it up needs is served: the account, one's own user, the setup itself.
      const requirement = (await me(late.token)).two_fa_requirement!;
      assert.deepEqual(
        { state: requirement.state, days_left: requirement.days_left },
        { state: 'setup_required', days_left: null },
      );
      assert.equal(
        (await ctx().request(`/iam/users/${late.id}`, { token: late.token })).status,
        200,
      );
      // Signing in works (and leads the widget into the setup); so do renewing and another account.
      const signIn = await ctx().request('/iam/auth/jwt/login', {
        method: 'POST',
        json: { username: late.email, password: Fixtures.PASSWORD },
      });
      assert.equal(signIn.status, 200);
      const session = (await signIn.json()) as { access: string; refresh: string };
      const renewed = await ctx().request('/iam/auth/jwt/refresh', {
        method: 'POST',
        json: { refresh: session.refresh },
      });
      assert.equal(renewed.status, 200);
      const switched = await ctx().request(`/iam/auth/jwt/clients/${elsewhere}/login`, {
        token: late.token,
      });
      assert.equal(switched.status, 200);
      const there = ((await switched.json()) as { access: string }).access;
      assert.equal((await ctx().request('/iam/users?limit=5', { token: there })).status, 200);
      // An API token is not asked for a second factor.
      const byToken = await ctx().request('/iam/users?limit=5', {
        headers: { Authorization: apiKey },
      });
      assert.equal(byToken.status, 200);

      const setup = (await (
        await ctx().request('/iam/users/me/2fa/setup', { method: 'POST', token: late.token })
      ).json()) as TwoFaSetup;
      const enabled = await ctx().request('/iam/users/me/2fa/enable', {
        method: 'POST',
        token: late.token,
        json: { code: totpCode(setup.secret, ctx().clock.now()), password: Fixtures.PASSWORD },
      });
      assert.equal(enabled.status, 200);
      assert.equal(((await enabled.json()) as BackupCodes).backup_codes.length, 5);
      assert.equal((await ctx().request('/iam/users?limit=5', { token: late.token })).status, 200);
      assert.equal((await me(late.token)).two_fa_requirement!.state, 'met');
    } finally {
      ctx().clock.advance(-2 * DAY);
    }
  });

  it('binds from the first day with a grace period of 0, and frees everyone when it is turned off', async () => {
    const { id, admin } = await freshAccount();
    const late = await member(id);
    assert.equal(
      (await put(admin.token, { require_2fa: true, grace_period_days: 0 }, id)).status,
      200,
    );
    assert.equal((await ctx().request('/iam/users?limit=5', { token: late.token })).status, 403);
    assert.equal((await put(admin.token, { require_2fa: false }, id)).status, 200);
    assert.equal((await ctx().request('/iam/users?limit=5', { token: late.token })).status, 200);
    assert.equal((await me(late.token)).two_fa_requirement!.state, 'not_required');
  });

  it('keeps 2FA on while any account of the member requires it: the strictest wins', async () => {
    const strict = await freshAccount();
    const relaxed = await freshAccount();
    const user = await member(relaxed.id);
    await ctx().fixtures.join(strict.id, user.id);
    const setup = (await (
      await ctx().request('/iam/users/me/2fa/setup', { method: 'POST', token: user.token })
    ).json()) as TwoFaSetup;
    await ctx().request('/iam/users/me/2fa/enable', {
      method: 'POST',
      token: user.token,
      json: { code: totpCode(setup.secret, ctx().clock.now()), password: Fixtures.PASSWORD },
    });
    // Asked for while nothing required it: the emailed link is out.
    assert.equal(
      (await ctx().request('/iam/users/me/2fa/disable', { method: 'POST', token: user.token }))
        .status,
      202,
    );
    const row = await ctx()
      .db.selectFrom('email_outbox')
      .select('payload')
      .where('recipient', '=', user.email)
      .where('template', '=', 'two_fa_disable')
      .orderBy('id', 'desc')
      .executeTakeFirstOrThrow();
    const link = new URL((row.payload as { link: string }).link).searchParams.get(
      'disable_2fa_token',
    )!;

    const strictName = (
      await ctx()
        .db.selectFrom('accounts')
        .select('company_name')
        .where('id', '=', strict.id)
        .executeTakeFirstOrThrow()
    ).company_name;
    assert.equal((await put(strict.admin.token, { require_2fa: true }, strict.id)).status, 200);
    const outboxBefore = (await ctx().db.selectFrom('email_outbox').select('id').execute()).length;
    // Through the relaxed account's session too.
    const refused = await ctx().request('/iam/users/me/2fa/disable', {
      method: 'POST',
      token: user.token,
    });
    assert.equal(refused.status, 403);
    const body = await refused.json();
    assert.equal(body.code, 'two_fa_enforced');
    assert.ok(body.message.includes(strictName), body.message);
    assert.equal(
      (await ctx().db.selectFrom('email_outbox').select('id').execute()).length,
      outboxBefore,
    );

    const confirm = () =>
      ctx().request('/iam/auth/2fa/disable/confirm', { method: 'POST', json: { token: link } });
    const late = await confirm();
    assert.equal(late.status, 403);
    assert.equal((await late.json()).code, 'two_fa_enforced');
    const still = await ctx()
      .db.selectFrom('users')
      .select('two_fa_enabled_at')
      .where('id', '=', user.id)
      .executeTakeFirstOrThrow();
    assert.ok(still.two_fa_enabled_at, '2FA is still on');

    assert.equal((await put(strict.admin.token, { require_2fa: false }, strict.id)).status, 200);
    assert.equal((await confirm()).status, 200, 'the unspent link works once nothing requires 2FA');
  });

  it('filters and counts the members who do not comply, beside the existing filters', async () => {
    const { id, admin } = await freshAccount();
    const without = [await member(id), await member(id, ROLE.engineers)];
    const withTwoFa = await member(id, ROLE.users, true);
    await ctx().fixtures.member(id, { status: 'not_activated' });
    const list = async (query: string) => {
      const response = await ctx().request(`/iam/users?limit=50&${query}`, { token: admin.token });
      assert.equal(response.status, 200, query);
      const page = (await response.json()) as UsersPage;
      return { count: page.count, ids: page.results.map((user) => user.id).sort((a, b) => a - b) };
    };
    assert.deepEqual(await list('two_fa_compliant=false'), { count: 0, ids: [] }, 'not required');

    assert.equal(
      (await put(admin.token, { require_2fa: true, grace_period_days: 10 }, id)).status,
      200,
    );
    const ids = without.map((user) => user.id).sort((a, b) => a - b);
    assert.deepEqual(await list('two_fa_compliant=false'), { count: 2, ids });
    assert.deepEqual(await list('two_fa_compliant=true'), {
      count: 2,
      ids: [admin.id, withTwoFa.id].sort((a, b) => a - b),
    });
    assert.deepEqual(await list(`two_fa_compliant=false&role=${ROLE.engineers}`), {
      count: 1,
      ids: [without[1].id],
    });
    // Gcore's own parameter is untouched: `two_fa=false` still lists the pending invitee too.
    assert.equal((await list('two_fa=false')).count, 3);
    assert.equal((await read(admin.token, id)).noncompliant_members, 2);

    const bad = await ctx().request('/iam/users?two_fa_compliant=maybe', { token: admin.token });
    assert.equal(bad.status, 400);
    assert.ok((await bad.json()).errors.two_fa_compliant);
  });

  const smtp = new TestSmtpServer();
  after(() => smtp.close());

  it('emails a reminder to each member without 2FA, in their language, over real SMTP; at most 3 a day', async () => {
    const port = await smtp.listen();
    const { id, admin } = await freshAccount();
    await ctx()
      .db.updateTable('accounts')
      .set({ company_name: 'Reminded & Co' })
      .where('id', '=', id)
      .execute();
    const english = await member(id);
    const german = await ctx().fixtures.member(id, { lang: 'de' });
    await member(id, ROLE.users, true);
    await ctx().fixtures.member(id, { status: 'not_activated' });
    const remind = (token: string) =>
      ctx().request(`${security(id)}/remind`, { method: 'POST', token });

    // Nothing is required yet: nothing to remind of.
    const early = await remind(admin.token);
    assert.equal(early.status, 400);
    assert.equal((await early.json()).code, 'validation_failed');

    await new OutboxSender(ctx().db, mailboxTransport(ctx().db), ctx().clock, 1000).runOnce();
    assert.equal(
      (await put(admin.token, { require_2fa: true, grace_period_days: 3 }, id)).status,
      200,
    );
    const outbox = async () =>
      (await ctx().db.selectFrom('email_outbox').select('id').execute()).length;
    const before = await outbox();
    const refused = await remind(english.token);
    assert.equal(refused.status, 403);
    assert.equal(await outbox(), before, 'a refused reminder sends nothing');

    const sent = await remind(admin.token);
    assert.equal(sent.status, 200);
    assert.deepEqual(await sent.json(), { status: 'sent', recipients: 2 });
    assert.equal(await auditCount('account.two_fa_reminder_sent', id), 1);
    const sender = new OutboxSender(
      ctx().db,
      smtpTransport(`smtp://127.0.0.1:${port}`, 'User management <no-reply@um.test>'),
      ctx().clock,
    );
    assert.equal(await sender.runOnce(), 2);
    const to = (mail: (typeof smtp.received)[number]) =>
      mail.to && !Array.isArray(mail.to) ? mail.to.text : '';
    const deadline = new Date(ctx().clock.now().getTime() + 3 * DAY).toISOString().slice(0, 10);
    const en = smtp.received.find((mail) => to(mail) === english.email)!;
    assert.equal(en.subject, 'Reminded & Co requires two-factor authentication');
    assert.ok(en.text?.includes(`Set it up before ${deadline}`), en.text);
    assert.ok(en.text?.includes('http://um.test'), en.text);
    assert.match(en.html || '', /Reminded &#38; Co/);
    const de = smtp.received.find((mail) => to(mail) === german.email)!;
    assert.equal(de.subject, 'Reminded & Co verlangt die Zwei-Faktor-Authentifizierung');

    assert.equal((await remind(admin.token)).status, 200);
    assert.equal((await remind(admin.token)).status, 200);
    const fourth = await remind(admin.token);
    assert.equal(fourth.status, 429);
    assert.ok(Number(fourth.headers.get('Retry-After')) > 0);
    assert.equal(await auditCount('account.two_fa_reminder_sent', id), 3);
  });
});

/** The rule's helpers, through the app: a member who joins after the grace period is bound at once. */
eachDatabase('two-factor requirement and late joiners', (ctx) => {
  it('binds a member who joins after the grace period from their first request', async () => {
    const c: TestContext = ctx();
    const id = await c.fixtures.account();
    const admin = await c.fixtures.member(id, { role: ROLE.administrators, twoFa: true });
    const adminToken = await c.tokenFor(admin.id, id);
    await c.request(`/iam/clients/${id}/security`, {
      method: 'PUT',
      token: adminToken,
      json: { require_2fa: true, grace_period_days: 1 },
    });
    c.clock.advance(2 * DAY);
    const newcomer = await c.fixtures.member(id);
    const response = await c.request('/iam/users?limit=5', {
      token: await c.tokenFor(newcomer.id, id),
    });
    assert.equal(response.status, 403);
    assert.equal((await response.json()).code, 'two_fa_required');
  });
});
