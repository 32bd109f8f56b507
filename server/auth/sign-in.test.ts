import assert from 'node:assert/strict';
import { before, it } from 'node:test';
import { decodeJwt, decodeProtectedHeader } from 'jose';
import type { TokenPair } from '../../shared/auth.ts';
import { INVALID_CREDENTIALS_MESSAGE } from '../../shared/errors.ts';
import { ROLE } from '../../shared/roles.ts';
import { eachDatabase } from '../../test/support/context.ts';
import { Fixtures } from '../../test/support/fixtures.ts';
import { MAX_DEVICES_PER_USER } from './devices.ts';
import { totpCode } from './totp.ts';

const HOUR = 60 * 60 * 1000;

eachDatabase('sign-in and refresh', (ctx) => {
  let accountId: number;
  let member: { id: number; email: string };

  before(async () => {
    accountId = await ctx().fixtures.account('Sign-in Co');
    member = await ctx().fixtures.member(accountId, { role: ROLE.engineers });
  });

  const login = (username: string, password: string, headers: Record<string, string> = {}) =>
    ctx().request('/iam/auth/jwt/login', { method: 'POST', json: { username, password }, headers });

  it('signs in with email (any case) and password, with an ES256 access token naming user and account', async () => {
    const response = await login(member.email.toUpperCase(), Fixtures.PASSWORD, {
      'User-Agent': 'test-agent/1',
    });
    assert.equal(response.status, 200);
    const tokens = (await response.json()) as TokenPair;
    const header = decodeProtectedHeader(tokens.access);
    assert.equal(header.alg, 'ES256');
    assert.ok(header.kid);
    const claims = decodeJwt(tokens.access);
    assert.equal(claims.sub, String(member.id));
    assert.equal(claims.client_id, accountId);
    assert.equal(claims.exp! - claims.iat!, 3600);
    assert.equal(claims.iss, ctx().config.jwt.issuer);

    const me = await ctx().request('/iam/clients/me', { token: tokens.access });
    assert.equal(me.status, 200);
    assert.equal((await me.json()).currentUser, member.id);

    const event = await ctx()
      .db.selectFrom('login_events')
      .selectAll()
      .where('user_id', '=', member.id)
      .orderBy('id', 'desc')
      .executeTakeFirstOrThrow();
    assert.equal(event.success, true);
    assert.equal(event.account_id, accountId);
    assert.equal(event.user_agent, 'test-agent/1');
  });

  it('answers an unknown email and a wrong password identically', async () => {
    const wrongPassword = await login(member.email, 'not the password');
    const unknownEmail = await login('nobody-at-all@example.test', Fixtures.PASSWORD);
    assert.equal(wrongPassword.status, 400);
    assert.equal(unknownEmail.status, 400);
    const body = await wrongPassword.json();
    assert.deepEqual(body, await unknownEmail.json());
    assert.deepEqual(body.errors, { errors: [INVALID_CREDENTIALS_MESSAGE] });
    assert.equal(body.code, 'invalid_credentials');
  });

  it('refuses a deleted user, and a user whose only invitation is pending', async () => {
    // Deleted after joining, as a removal from their last account leaves them (without the
    // membership: migration 0014 removes it with the person).
    const deleted = await ctx().fixtures.member(accountId);
    await ctx()
      .db.updateTable('users')
      .set({ deleted_at: ctx().clock.now() })
      .where('id', '=', deleted.id)
      .execute();
    const pending = await ctx().fixtures.user();
    await ctx().fixtures.join(accountId, pending.id, ROLE.users, 'not_activated');
    for (const email of [deleted.email, pending.email]) {
      const response = await login(email, Fixtures.PASSWORD);
      assert.equal(response.status, 400, email);
      assert.equal((await response.json()).code, 'invalid_credentials');
    }
  });

  it('refuses malformed JSON and missing fields with 400, never 500', async () => {
    const malformed = await ctx().request('/iam/auth/jwt/login', {
      method: 'POST',
      body: '{"username": ',
      headers: { 'Content-Type': 'application/json' },
    });
    assert.equal(malformed.status, 400);
    assert.equal((await malformed.json()).code, 'malformed_json');

    const missing = await ctx().request('/iam/auth/jwt/login', { method: 'POST', json: {} });
    assert.equal(missing.status, 400);
    const body = await missing.json();
    assert.deepEqual(body.errors, {
      username: ['This field is required.'],
      password: ['This field is required.'],
    });

    const wrongType = await ctx().request('/iam/auth/jwt/login', {
      method: 'POST',
      json: { username: 5, password: [] },
    });
    assert.equal(wrongType.status, 400);
    assert.deepEqual(Object.keys((await wrongType.json()).errors).sort(), ['password', 'username']);

    // Too long is said as such, not as "required" (the field's type message).
    const tooLong = await ctx().request('/iam/auth/jwt/login', {
      method: 'POST',
      json: { username: `${'x'.repeat(250)}@example.test`, password: 'p'.repeat(1025) },
    });
    assert.equal(tooLong.status, 400);
    assert.deepEqual((await tooLong.json()).errors, {
      username: ['Ensure this field has no more than 254 characters.'],
      password: ['Ensure this field has no more than 1024 characters.'],
    });
  });

  it('exchanges a refresh token exactly once', async () => {
    const tokens = (await (await login(member.email, Fixtures.PASSWORD)).json()) as TokenPair;
    const first = await ctx().request('/iam/auth/jwt/refresh', {
      method: 'POST',
      json: { refresh: tokens.refresh },
    });
    assert.equal(first.status, 200);
    const renewed = (await first.json()) as TokenPair;
    assert.notEqual(renewed.refresh, tokens.refresh);
    const again = await ctx().request('/iam/auth/jwt/refresh', {
      method: 'POST',
      json: { refresh: tokens.refresh },
    });
    assert.equal(again.status, 401);
    assert.equal((await again.json()).code, 'refresh_token_invalid');
  });

  it('lets exactly one of many concurrent refreshes with the same token win', async () => {
    const tokens = (await (await login(member.email, Fixtures.PASSWORD)).json()) as TokenPair;
    const answers = await Promise.all(
      Array.from({ length: 8 }, () =>
        ctx().request('/iam/auth/jwt/refresh', {
          method: 'POST',
          json: { refresh: tokens.refresh },
        }),
      ),
    );
    assert.deepEqual(answers.map((a) => a.status).sort(), [200, 401, 401, 401, 401, 401, 401, 401]);
  });

  it('refuses a refresh token after 24 hours, and one of a user removed since', async () => {
    const tokens = (await (await login(member.email, Fixtures.PASSWORD)).json()) as TokenPair;
    ctx().clock.advance(24 * HOUR + 1000);
    try {
      const late = await ctx().request('/iam/auth/jwt/refresh', {
        method: 'POST',
        json: { refresh: tokens.refresh },
      });
      assert.equal(late.status, 401);
    } finally {
      ctx().clock.advance(-(24 * HOUR + 1000));
    }

    const leaving = await ctx().fixtures.member(accountId);
    const leavingTokens = (await (
      await login(leaving.email, Fixtures.PASSWORD)
    ).json()) as TokenPair;
    await ctx().db.deleteFrom('memberships').where('user_id', '=', leaving.id).execute();
    const removed = await ctx().request('/iam/auth/jwt/refresh', {
      method: 'POST',
      json: { refresh: leavingTokens.refresh },
    });
    assert.equal(removed.status, 401);
    const unknown = await ctx().request('/iam/auth/jwt/refresh', {
      method: 'POST',
      json: { refresh: 'made-up' },
    });
    assert.equal(unknown.status, 401);
  });

  it('switches to another account of the same user, and to no account of which they are not a member', async () => {
    const second = await ctx().fixtures.account('Second Co');
    await ctx().fixtures.join(second, member.id, ROLE.administrators);
    const pendingThere = await ctx().fixtures.account('Pending Co');
    await ctx().fixtures.join(pendingThere, member.id, ROLE.users, 'not_activated');
    const stranger = await ctx().fixtures.account('Stranger Co');
    const token = await ctx().tokenFor(member.id, accountId);

    const switched = await ctx().request(`/iam/auth/jwt/clients/${second}/login`, { token });
    assert.equal(switched.status, 200);
    const tokens = (await switched.json()) as TokenPair;
    const me = await (await ctx().request('/iam/clients/me', { token: tokens.access })).json();
    assert.equal(me.id, second);
    assert.deepEqual(me.currentUserRole, { id: 1, name: 'Administrators' });

    for (const other of [pendingThere, stranger, 2147483647]) {
      const refused = await ctx().request(`/iam/auth/jwt/clients/${other}/login`, { token });
      assert.equal(refused.status, 404, String(other));
    }
    assert.equal((await ctx().request(`/iam/auth/jwt/clients/${second}/login`)).status, 401);
  });

  it("keeps a user's most recently used devices, the new one among them, and drops the rest", async () => {
    const user = await ctx().fixtures.member(accountId);
    const now = ctx().clock.now().getTime();
    // As many devices as are kept, the first used longest ago.
    const older = await ctx()
      .db.insertInto('trusted_devices')
      .values(
        Array.from({ length: MAX_DEVICES_PER_USER }, (_, i) => ({
          user_id: user.id,
          secret_hash: Buffer.from(`device ${i}`),
          created_at: new Date(now - (i + 1) * HOUR),
          last_used_at: new Date(now - (MAX_DEVICES_PER_USER - i) * HOUR),
        })),
      )
      .returning('id')
      .execute();
    const response = await login(user.email, Fixtures.PASSWORD);
    assert.equal(response.status, 200);
    const newId = ((await response.json()) as { device_token: string }).device_token.split('.')[0];
    const kept = (
      await ctx()
        .db.selectFrom('trusted_devices')
        .select('id')
        .where('user_id', '=', user.id)
        .execute()
    ).map((row) => row.id);
    assert.equal(kept.length, MAX_DEVICES_PER_USER);
    assert.ok(kept.includes(newId), 'the new device');
    assert.ok(!kept.includes(older[0].id), 'the least recently used is dropped');
    assert.ok(
      older.slice(1).every((row) => kept.includes(row.id)),
      'the others stay',
    );
  });

  it('publishes the verification key at /.well-known/jwks.json', async () => {
    const token = await ctx().tokenFor(member.id, accountId);
    const response = await ctx().request('/.well-known/jwks.json');
    assert.equal(response.status, 200);
    const { keys } = await response.json();
    const kid = decodeProtectedHeader(token).kid;
    const key = keys.find((k: { kid: string }) => k.kid === kid);
    assert.equal(key.kty, 'EC');
    assert.equal(key.crv, 'P-256');
    assert.equal(key.alg, 'ES256');
    assert.equal(key.d, undefined, 'never the private part');
  });
});

eachDatabase('sign-in with two-factor authentication', (ctx) => {
  const SECRET = 'JBSWY3DPEHPK3PXP'; // the fixtures' TOTP secret

  it('asks for a code, refuses a wrong or reused one, and accepts the current one once', async () => {
    const accountId = await ctx().fixtures.account();
    const user = await ctx().fixtures.member(accountId, { twoFa: true });
    const login = (one_time_password?: string) =>
      ctx().request('/iam/auth/jwt/login', {
        method: 'POST',
        json: { username: user.email, password: Fixtures.PASSWORD, one_time_password },
      });

    const withoutCode = await login();
    assert.equal(withoutCode.status, 400);
    const body = await withoutCode.json();
    assert.equal(body.code, 'two_fa_required');
    assert.ok(body.errors.one_time_password);

    const wrongPassword = await ctx().request('/iam/auth/jwt/login', {
      method: 'POST',
      json: { username: user.email, password: 'wrong', one_time_password: '123456' },
    });
    assert.equal(
      (await wrongPassword.json()).code,
      'invalid_credentials',
      'no hint of 2FA without the password',
    );

    const code = totpCode(SECRET, ctx().clock.now());
    const wrong = String((Number(code) + 1) % 1_000_000).padStart(6, '0');
    const refused = await login(wrong);
    assert.equal(refused.status, 400);
    assert.equal((await refused.json()).code, 'invalid_one_time_password');

    assert.equal((await login(code)).status, 200);
    const reused = await login(code);
    assert.equal(reused.status, 400, 'a code works once');
    ctx().clock.advance(30_000);
    assert.equal((await login(totpCode(SECRET, ctx().clock.now()))).status, 200);
    const previousStep = await login(code);
    assert.equal(previousStep.status, 400, 'an older step never works again');
  });
});

eachDatabase('input a database cannot hold, and request ids', (ctx) => {
  it('refuses NUL characters with 400 naming the field', async () => {
    const login = await ctx().request('/iam/auth/jwt/login', {
      method: 'POST',
      json: { username: 'a\u0000@b.test', password: 'x' },
    });
    assert.equal(login.status, 400);
    assert.deepEqual((await login.json()).errors, {
      username: ['Null characters are not allowed.'],
    });

    const accountId = await ctx().fixtures.account();
    const member = await ctx().fixtures.member(accountId);
    const token = await ctx().tokenFor(member.id, accountId);
    const search = await ctx().request('/iam/users?email=%00&name=a%00b', { token });
    assert.equal(search.status, 400);
    assert.deepEqual(Object.keys((await search.json()).errors).sort(), ['email', 'name']);
    const company = await ctx().request('/iam/clients/create', {
      method: 'POST',
      token,
      json: { company: 'A\u0000B' },
    });
    assert.equal(company.status, 400);
  });

  it('gives every request its own id, ignoring one the caller sends', async () => {
    const response = await ctx().request('/health', {
      headers: { 'X-Request-Id': 'attacker-chosen' },
    });
    const id = response.headers.get('X-Request-Id');
    assert.ok(id);
    assert.notEqual(id, 'attacker-chosen');
    assert.match(id, /^[0-9a-f-]{36}$/);
  });
});
