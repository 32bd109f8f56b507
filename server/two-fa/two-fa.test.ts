import assert from 'node:assert/strict';
import { before, it } from 'node:test';
import type { TokenPair } from '../../shared/auth.ts';
import { ROLE } from '../../shared/roles.ts';
import type { BackupCodes, LoginsPage, TwoFaSetup } from '../../shared/two-fa.ts';
import type { User } from '../../shared/users.ts';
import { eachDatabase, type TestContext } from '../../test/support/context.ts';
import { Fixtures } from '../../test/support/fixtures.ts';
import { totpCode } from '../auth/totp.ts';
import { MAX_CODE_FAILURES } from './codes.ts';

const STEP = 30_000;

async function enrol(
  ctx: TestContext,
  token: string,
): Promise<{ secret: string; codes: string[] }> {
  const setup = (await (
    await ctx.request('/iam/users/me/2fa/setup', { method: 'POST', token })
  ).json()) as TwoFaSetup;
  const enabled = await ctx.request('/iam/users/me/2fa/enable', {
    method: 'POST',
    token,
    json: { code: totpCode(setup.secret, ctx.clock.now()), password: Fixtures.PASSWORD },
  });
  assert.equal(enabled.status, 200);
  return { secret: setup.secret, codes: ((await enabled.json()) as BackupCodes).backup_codes };
}

eachDatabase('two-factor authentication', (ctx) => {
  let accountId: number;
  let adminToken: string;

  before(async () => {
    accountId = await ctx().fixtures.account('2FA Co');
    const admin = await ctx().fixtures.member(accountId, { role: ROLE.administrators });
    adminToken = await ctx().tokenFor(admin.id, accountId);
  });

  const person = async () => {
    const user = await ctx().fixtures.member(accountId);
    return { ...user, token: await ctx().tokenFor(user.id, accountId) };
  };
  const login = (email: string, one_time_password?: string) =>
    ctx().request('/iam/auth/jwt/login', {
      method: 'POST',
      json: { username: email, password: Fixtures.PASSWORD, one_time_password },
    });
  const nextStep = () => ctx().clock.advance(STEP);

  it('enrols with a secret and a right code, refusing a wrong one, and returns 5 backup codes', async () => {
    const user = await person();
    const setup = (await (
      await ctx().request('/iam/users/me/2fa/setup', { method: 'POST', token: user.token })
    ).json()) as TwoFaSetup;
    assert.match(setup.secret, /^[A-Z2-7]{32}$/);
    assert.ok(setup.otpauth_url.startsWith('otpauth://totp/'));
    assert.ok(setup.otpauth_url.includes(`secret=${setup.secret}`));

    const right = totpCode(setup.secret, ctx().clock.now());
    const wrong = String((Number(right) + 1) % 1_000_000).padStart(6, '0');
    const refused = await ctx().request('/iam/users/me/2fa/enable', {
      method: 'POST',
      token: user.token,
      json: { code: wrong, password: Fixtures.PASSWORD },
    });
    assert.equal(refused.status, 400);
    assert.ok((await refused.json()).errors.code);
    const shape = await ctx().request('/iam/users/me/2fa/enable', {
      method: 'POST',
      token: user.token,
      json: { code: '12ab', password: Fixtures.PASSWORD },
    });
    assert.equal(shape.status, 400);
    const noPassword = await ctx().request('/iam/users/me/2fa/enable', {
      method: 'POST',
      token: user.token,
      json: { code: right },
    });
    assert.deepEqual((await noPassword.json()).errors, { password: ['This field is required.'] });
    const wrongPassword = await ctx().request('/iam/users/me/2fa/enable', {
      method: 'POST',
      token: user.token,
      json: { code: right, password: 'not mine' },
    });
    assert.deepEqual((await wrongPassword.json()).errors, {
      password: ['The password is not correct.'],
    });

    const enabled = await ctx().request('/iam/users/me/2fa/enable', {
      method: 'POST',
      token: user.token,
      json: { code: right, password: Fixtures.PASSWORD },
    });
    assert.equal(enabled.status, 200);
    const { backup_codes } = (await enabled.json()) as BackupCodes;
    assert.equal(backup_codes.length, 5);
    assert.equal(new Set(backup_codes).size, 5);
    const stored = await ctx()
      .db.selectFrom('two_fa_backup_codes')
      .select('code_hash')
      .where('user_id', '=', user.id)
      .execute();
    assert.equal(stored.length, 5);
    for (const row of stored) {
      const text = Buffer.from(row.code_hash).toString();
      assert.ok(text.startsWith('$argon2id$'), 'hashed');
      assert.ok(!backup_codes.some((code) => text.includes(code)));
    }
    const listed = (await (
      await ctx().request(`/iam/users/${user.id}`, { token: adminToken })
    ).json()) as User;
    assert.equal(listed.two_fa, true, 'the Users panel sees it');
    const again = await ctx().request('/iam/users/me/2fa/setup', {
      method: 'POST',
      token: user.token,
    });
    assert.equal(again.status, 400, 'no new secret while 2FA is on');
  });

  it('signs in with a current code once, and with each backup code once', async () => {
    const user = await person();
    const { secret, codes } = await enrol(ctx(), user.token);
    assert.equal((await login(user.email)).status, 400, 'a code is needed');
    nextStep();
    const code = totpCode(secret, ctx().clock.now());
    assert.equal((await login(user.email, code)).status, 200);
    assert.equal((await login(user.email, code)).status, 400, 'reused');
    assert.equal((await login(user.email, codes[0])).status, 200, 'a backup code');
    assert.equal(
      (await login(user.email, codes[0].toUpperCase().replace('-', ''))).status,
      400,
      'used',
    );
    assert.equal(
      (await login(user.email, codes[1].replace('-', ''))).status,
      200,
      'typed without the dash',
    );

    const history = (await (
      await ctx().request('/iam/activity_log/logins?limit=10', { token: user.token })
    ).json()) as LoginsPage;
    const methods = history.results.filter((e) => e.success).map((e) => e.method);
    assert.deepEqual(methods, ['backup_code', 'backup_code', 'totp']);
  });

  it(`refuses codes after ${MAX_CODE_FAILURES} wrong ones, even a right one`, async () => {
    const user = await person();
    const { secret } = await enrol(ctx(), user.token);
    for (let i = 0; i < MAX_CODE_FAILURES; i++)
      assert.equal((await login(user.email, '000000')).status, 400);
    nextStep();
    const limited = await login(user.email, totpCode(secret, ctx().clock.now()));
    assert.equal(limited.status, 429);
    assert.ok(Number(limited.headers.get('Retry-After')) > 0);
    ctx().clock.advance(15 * 60_000);
    assert.equal((await login(user.email, totpCode(secret, ctx().clock.now()))).status, 200);
  });

  it('replaces backup codes: the old ones stop working', async () => {
    const user = await person();
    const { secret, codes } = await enrol(ctx(), user.token);
    nextStep();
    const fresh = await ctx().request('/iam/users/me/2fa/backup_codes', {
      method: 'POST',
      token: user.token,
      json: { code: totpCode(secret, ctx().clock.now()) },
    });
    assert.equal(fresh.status, 200);
    const { backup_codes } = (await fresh.json()) as BackupCodes;
    assert.equal((await login(user.email, codes[2])).status, 400, 'an old code is dead');
    assert.equal((await login(user.email, backup_codes[2])).status, 200);
  });

  it('turns off only through the emailed single-use link, valid one hour', async () => {
    const user = await person();
    await enrol(ctx(), user.token);
    const asked = await ctx().request('/iam/users/me/2fa/disable', {
      method: 'POST',
      token: user.token,
    });
    assert.equal(asked.status, 202);
    const linkOf = async () => {
      const row = await ctx()
        .db.selectFrom('email_outbox')
        .select(['payload', 'template'])
        .where('recipient', '=', user.email)
        .orderBy('id', 'desc')
        .executeTakeFirstOrThrow();
      assert.equal(row.template, 'two_fa_disable');
      return new URL((row.payload as { link: string }).link).searchParams.get('disable_2fa_token')!;
    };
    const first = await linkOf();
    assert.equal((await login(user.email)).status, 400, 'still on until confirmed');

    await ctx().request('/iam/users/me/2fa/disable', { method: 'POST', token: user.token });
    const second = await linkOf();
    const confirm = (token: string) =>
      ctx().request('/iam/auth/2fa/disable/confirm', { method: 'POST', json: { token } });
    assert.equal((await confirm(first)).status, 401, 'replaced by the newer link');
    ctx().clock.advance(60 * 60_000 + 1000);
    try {
      assert.equal((await confirm(second)).status, 401, 'over an hour old');
    } finally {
      ctx().clock.advance(-(60 * 60_000 + 1000));
    }
    const fresh = { ...user, token: await ctx().tokenFor(user.id, accountId) };
    await ctx().request('/iam/users/me/2fa/disable', { method: 'POST', token: fresh.token });
    const third = await linkOf();
    const done = await confirm(third);
    assert.equal(done.status, 200);
    assert.equal((await confirm(third)).status, 401, 'single use');
    assert.equal((await login(user.email)).status, 200, 'no code needed any more');
    const codesLeft = await ctx()
      .db.selectFrom('two_fa_backup_codes')
      .select('id')
      .where('user_id', '=', user.id)
      .execute();
    assert.deepEqual(codesLeft, []);
  });

  it('is managed only in a signed-in session, never with an API token', async () => {
    const user = await person();
    const created = await ctx().request(`/iam/v2/clients/${accountId}/tokens`, {
      method: 'POST',
      token: user.token,
      json: { name: 'ci', exp_date: null, client_user: { role: { id: 2 } } },
    });
    const apiKey = ((await created.json()) as { token: string }).token;
    const setup = await ctx().request('/iam/users/me/2fa/setup', {
      method: 'POST',
      headers: { Authorization: `APIKey ${apiKey}` },
    });
    assert.equal(setup.status, 403);
  });
});

eachDatabase('the sign-in history: GET /iam/activity_log/logins', (ctx) => {
  it("shows a member their own attempts, an Administrator any member's, and nobody another account's", async () => {
    const accountId = await ctx().fixtures.account();
    const admin = await ctx().fixtures.member(accountId, { role: ROLE.administrators });
    const member = await ctx().fixtures.member(accountId);
    const attempt = (password: string, agent: string) =>
      ctx().request('/iam/auth/jwt/login', {
        method: 'POST',
        json: { username: member.email, password },
        headers: { 'User-Agent': agent },
      });
    await attempt('wrong', 'Firefox/1');
    const tokens = (await (await attempt(Fixtures.PASSWORD, 'Chromium/2')).json()) as TokenPair;

    const own = (await (
      await ctx().request('/iam/activity_log/logins', { token: tokens.access })
    ).json()) as LoginsPage;
    assert.equal(own.count, 2);
    assert.deepEqual(
      own.results.map((e) => [e.success, e.user_agent, e.method]),
      [
        [true, 'Chromium/2', 'password'],
        [false, 'Firefox/1', 'password'],
      ],
    );
    const adminToken = await ctx().tokenFor(admin.id, accountId);
    const seen = (await (
      await ctx().request(`/iam/activity_log/logins?user_id=${member.id}&limit=1&offset=1`, {
        token: adminToken,
      })
    ).json()) as LoginsPage;
    assert.equal(seen.count, 2);
    assert.equal(seen.results.length, 1);
    assert.equal(seen.results[0].success, false);

    const peek = await ctx().request(`/iam/activity_log/logins?user_id=${admin.id}`, {
      token: tokens.access,
    });
    assert.equal(peek.status, 403, "a member cannot read someone else's history");
    const stranger = await ctx().fixtures.member(await ctx().fixtures.account());
    const foreign = await ctx().request(`/iam/activity_log/logins?user_id=${stranger.id}`, {
      token: adminToken,
    });
    assert.equal(foreign.status, 404);
    const bad = await ctx().request('/iam/activity_log/logins?limit=0', { token: adminToken });
    assert.equal(bad.status, 400);
  });
});
