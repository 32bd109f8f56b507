import assert from 'node:assert/strict';
import { before, it } from 'node:test';
import { ROLE, type IamRoleId } from '../../shared/roles.ts';
import type { CreatedToken, Token } from '../../shared/tokens.ts';
import { eachDatabase } from '../../test/support/context.ts';

/**
 * API tokens that manage API tokens (docs/decisions/020-api-tokens-that-manage-api-tokens.md):
 * a client of Gcore's API authenticates with a token, and may list, read, create and delete
 * tokens as its issuer may, the new one no higher and no longer-lived than the calling token.
 */
eachDatabase('API tokens called with an API token', (ctx) => {
  let accountId: number;
  let admin: { id: number };
  let other: { id: number };
  const HOUR = 3_600_000;

  before(async () => {
    accountId = await ctx().fixtures.account('Token Callers');
    admin = await ctx().fixtures.member(accountId, { role: ROLE.administrators });
    other = await ctx().fixtures.member(accountId, { role: ROLE.engineers });
  });

  const path = (suffix = '') => `/iam/v2/clients/${accountId}/tokens${suffix}`;

  /** A token issued by `issuerId` when signed in, with the given role and expiry. */
  async function issue(issuerId: number, roleId: IamRoleId, expDate: string | null = null) {
    const response = await ctx().request(path(), {
      method: 'POST',
      token: await ctx().tokenFor(issuerId, accountId),
      json: { name: 'caller', exp_date: expDate, client_user: { role: { id: roleId } } },
    });
    assert.equal(response.status, 201);
    return (await response.json()) as CreatedToken;
  }

  const withKey = (key: CreatedToken, method: string, suffix = '', json?: unknown) =>
    ctx().request(path(suffix), {
      method,
      json,
      headers: { Authorization: `APIKey ${key.token}` },
    });
  const body = (roleId: IamRoleId, expDate: string | null = null) => ({
    name: 'minted',
    description: 'by a token',
    exp_date: expDate,
    client_user: { role: { id: roleId } },
  });
  const liveCount = async () =>
    Number(
      (
        await ctx()
          .db.selectFrom('api_tokens')
          .select((eb) => eb.fn.countAll<string | number>().as('n'))
          .where('account_id', '=', accountId)
          .where('deleted_at', 'is', null)
          .executeTakeFirstOrThrow()
      ).n,
    );

  it("lists, reads, creates and deletes as its issuer would; the issuer is the calling token's", async () => {
    const key = await issue(admin.id, ROLE.administrators);
    const others = await issue(other.id, ROLE.engineers);
    const listed = (await (await withKey(key, 'GET')).json()) as Token[];
    assert.ok(
      listed.some((t) => t.id === others.id),
      'an Administrators token sees every token',
    );
    assert.equal((await withKey(key, 'GET', `/${others.id}`)).status, 200);

    const created = await withKey(key, 'POST', '', body(ROLE.engineers));
    assert.equal(created.status, 201);
    const minted = (await created.json()) as CreatedToken;
    assert.equal(minted.client_user.user_id, admin.id);
    assert.equal(minted.client_user.role.id, ROLE.engineers);
    assert.match(minted.token, /^\d+_/);
    const audit = await ctx()
      .db.selectFrom('audit_log')
      .select(['actor_user_id', 'actor_token_id'])
      .where('action', '=', 'token.created')
      .where('target_id', '=', String(minted.id))
      .executeTakeFirstOrThrow();
    assert.deepEqual(audit, { actor_user_id: admin.id, actor_token_id: key.id });

    // The minted token works, and the calling token deletes another member's token.
    const me = await ctx().request('/iam/clients/me', {
      headers: { Authorization: `APIKey ${minted.token}` },
    });
    assert.equal(me.status, 200);
    assert.equal((await withKey(key, 'DELETE', `/${others.id}`)).status, 204);
    const deletion = await ctx()
      .db.selectFrom('audit_log')
      .select('actor_token_id')
      .where('action', '=', 'token.deleted')
      .where('target_id', '=', String(others.id))
      .executeTakeFirstOrThrow();
    assert.equal(deletion.actor_token_id, key.id);
  });

  it("refuses a role above the calling token's with Gcore's text, and creates nothing", async () => {
    const key = await issue(admin.id, ROLE.engineers);
    const before = await liveCount();
    const refused = await withKey(key, 'POST', '', body(ROLE.administrators));
    assert.equal(refused.status, 400);
    assert.deepEqual((await refused.json()).errors, {
      client_user: { role: ["Can't create token with role Administrators"] },
    });
    assert.equal(await liveCount(), before);
    assert.equal((await withKey(key, 'POST', '', body(ROLE.engineers))).status, 201);
    assert.equal((await withKey(key, 'POST', '', body(ROLE.users))).status, 201);
  });

  it("caps the role by the issuer's current role too", async () => {
    const issuer = await ctx().fixtures.member(accountId, { role: ROLE.administrators });
    const key = await issue(issuer.id, ROLE.administrators);
    await ctx()
      .db.updateTable('memberships')
      .set({ role_id: ROLE.engineers })
      .where('user_id', '=', issuer.id)
      .where('account_id', '=', accountId)
      .execute();
    const refused = await withKey(key, 'POST', '', body(ROLE.administrators));
    assert.equal(refused.status, 400);
    assert.equal((await withKey(key, 'POST', '', body(ROLE.engineers))).status, 201);
  });

  it('never mints a token that outlives the calling token', async () => {
    const expires = new Date(ctx().clock.now().getTime() + 24 * HOUR);
    const key = await issue(admin.id, ROLE.engineers, expires.toISOString());
    const before = await liveCount();
    const later = new Date(expires.getTime() + 1000).toISOString();
    for (const expDate of [null, later]) {
      const refused = await withKey(key, 'POST', '', body(ROLE.users, expDate));
      assert.equal(refused.status, 400, String(expDate));
      assert.deepEqual((await refused.json()).errors, {
        exp_date: [
          `A token can't outlive the token that creates it: choose ${expires.toISOString()} or earlier.`,
        ],
      });
    }
    assert.equal(await liveCount(), before);
    assert.equal(
      (await withKey(key, 'POST', '', body(ROLE.users, expires.toISOString()))).status,
      201,
    );
    const sooner = new Date(expires.getTime() - HOUR).toISOString();
    assert.equal((await withKey(key, 'POST', '', body(ROLE.users, sooner))).status, 201);

    // A permanent token may create permanent ones.
    const permanent = await issue(admin.id, ROLE.engineers);
    assert.equal((await withKey(permanent, 'POST', '', body(ROLE.users))).status, 201);
  });

  it("sees and deletes only its issuer's tokens when the issuer is no Administrator", async () => {
    const engineer = await ctx().fixtures.member(accountId, { role: ROLE.engineers });
    const key = await issue(engineer.id, ROLE.engineers);
    const own = await issue(engineer.id, ROLE.users);
    const admins = await issue(admin.id, ROLE.users);
    const listed = (await (await withKey(key, 'GET')).json()) as Token[];
    assert.deepEqual(
      listed.map((t) => t.client_user.user_id).filter((id) => id !== engineer.id),
      [],
    );
    assert.equal((await withKey(key, 'GET', `/${admins.id}`)).status, 404);
    assert.equal((await withKey(key, 'DELETE', `/${admins.id}`)).status, 404);
    assert.equal((await withKey(key, 'DELETE', `/${own.id}`)).status, 204);
  });

  it('still never opens a session, changes a password or an email, or manages 2FA', async () => {
    const key = await issue(admin.id, ROLE.administrators);
    const headers = { Authorization: `APIKey ${key.token}` };
    const refused: Array<[string, string, unknown?]> = [
      ['GET', `/iam/auth/jwt/clients/${accountId}/login`],
      ['POST', '/iam/clients/create', { company: 'Minted Co' }],
      [
        'PUT',
        `/iam/users/${admin.id}/password`,
        { old: 'x', new: 'a brand new passphrase', double: 'a brand new passphrase' },
      ],
      ['PUT', `/iam/users/${admin.id}/email`, { new_email: 'new@x.test', password: 'x' }],
      ['POST', '/iam/users/me/2fa/setup'],
    ];
    for (const [method, url, json] of refused) {
      const response = await ctx().request(url, { method, json, headers });
      assert.equal(response.status, 403, `${method} ${url}`);
    }
  });
});
