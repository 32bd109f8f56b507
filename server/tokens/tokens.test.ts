import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { before, it } from 'node:test';
import { IAM_ROLES, ROLE, type IamRoleId } from '../../shared/roles.ts';
import {
  MAX_TOKENS_PER_ACCOUNT,
  MAX_TOKENS_PER_MEMBER,
  type CreatedToken,
  type Token,
} from '../../shared/tokens.ts';
import { eachDatabase, type TestContext } from '../../test/support/context.ts';
import { Fixtures } from '../../test/support/fixtures.ts';

/** Which token roles each issuer role may give (PRODUCT.md's role table). */
const ALLOWED: Record<IamRoleId, IamRoleId[]> = {
  1: [1, 5, 3009, 3022, 2],
  5: [5, 3009, 3022, 2],
  3009: [3009, 3022, 2],
  3022: [3022, 2],
  2: [2],
};

async function create(
  ctx: TestContext,
  accountId: number,
  issuerId: number,
  roleId: IamRoleId,
  extra: Record<string, unknown> = {},
) {
  return ctx.request(`/iam/v2/clients/${accountId}/tokens`, {
    method: 'POST',
    token: await ctx.tokenFor(issuerId, accountId),
    json: {
      name: `token for ${roleId}`,
      exp_date: null,
      client_user: { role: { id: roleId } },
      ...extra,
    },
  });
}

const withApiKey = (ctx: TestContext, path: string, token: string, scheme = 'APIKey') =>
  ctx.request(path, { headers: { Authorization: `${scheme} ${token}` } });

eachDatabase('API tokens', (ctx) => {
  let accountId: number;
  let admin: { id: number };
  let engineer: { id: number };

  before(async () => {
    accountId = await ctx().fixtures.account('Token Co');
    admin = await ctx().fixtures.member(accountId, { role: ROLE.administrators, name: 'Ada' });
    engineer = await ctx().fixtures.member(accountId, { role: ROLE.engineers, name: 'Eve' });
  });

  it('lets each role create tokens of its own role or lower, and no higher', async () => {
    for (const issuerRole of IAM_ROLES) {
      const issuer = await ctx().fixtures.member(accountId, { role: issuerRole.id });
      for (const tokenRole of IAM_ROLES) {
        const response = await create(ctx(), accountId, issuer.id, tokenRole.id);
        const allowed = ALLOWED[issuerRole.id].includes(tokenRole.id);
        assert.equal(
          response.status,
          allowed ? 201 : 400,
          `${issuerRole.name} → ${tokenRole.name}`,
        );
        if (!allowed) {
          assert.deepEqual((await response.json()).errors, {
            client_user: { role: [`Can't create token with role ${tokenRole.name}`] },
          });
        }
      }
      // Clean up so the account stays under its token limit and the issuer can be removed later.
      await ctx()
        .db.updateTable('api_tokens')
        .set({ deleted_at: ctx().clock.now() })
        .where('user_id', '=', issuer.id)
        .execute();
    }
  });

  it('shows the secret once, stores only its hash, and authenticates with it', async () => {
    const response = await create(ctx(), accountId, engineer.id, ROLE.purgeApiWeb, {
      description: 'CI deploys',
    });
    assert.equal(response.status, 201);
    const created = (await response.json()) as CreatedToken;
    assert.match(created.token, new RegExp(`^${created.id}_[A-Za-z0-9_-]{43}$`));
    const secret = created.token.split('_').slice(1).join('_');
    assert.deepEqual(created.client_user, {
      user_id: engineer.id,
      user_name: 'Eve',
      user_email: created.client_user.user_email,
      client_id: accountId,
      role: { id: 3009, name: 'Purge and Prefetch only (API+Web)' },
      deleted: false,
    });
    const stored = await ctx()
      .db.selectFrom('api_tokens')
      .selectAll()
      .where('id', '=', created.id)
      .executeTakeFirstOrThrow();
    // The stored bytes are the secret's SHA-256 (a bytea: compare bytes, not its JSON form);
    // test/server/stored-secrets.test.ts also looks for the secret in every table.
    assert.deepEqual(Buffer.from(stored.secret_hash), createHash('sha256').update(secret).digest());
    for (const [column, value] of Object.entries(stored)) {
      const bytes = value instanceof Uint8Array ? Buffer.from(value) : Buffer.from(String(value));
      assert.ok(!bytes.includes(Buffer.from(secret)), `the secret is not in ${column}`);
    }

    const again = await ctx().request(`/iam/v2/clients/${accountId}/tokens/${created.id}`, {
      token: await ctx().tokenFor(engineer.id, accountId),
    });
    assert.equal(
      ((await again.json()) as Record<string, unknown>).token,
      undefined,
      'never shown again',
    );

    for (const scheme of ['APIKey', 'apikey', 'APIKEY']) {
      const me = await withApiKey(ctx(), '/iam/clients/me', created.token, scheme);
      assert.equal(me.status, 200, scheme);
      assert.deepEqual((await me.json()).currentUserRole, {
        id: 3009,
        name: 'Purge and Prefetch only (API+Web)',
      });
    }
    const wrongSecret = `${created.id}_${'A'.repeat(43)}`;
    assert.equal((await withApiKey(ctx(), '/iam/clients/me', wrongSecret)).status, 401);
    assert.equal((await withApiKey(ctx(), '/iam/clients/me', 'garbage')).status, 401);
    assert.equal((await withApiKey(ctx(), '/iam/clients/me', `99999_${secret}`)).status, 401);
  });

  it('names the API token in the audit row of what was done with it', async () => {
    const created = await (await create(ctx(), accountId, admin.id, ROLE.administrators)).json();
    const project = await ctx().request('/cloud/v1/projects', {
      method: 'POST',
      headers: { Authorization: `APIKey ${created.token}` },
      json: { name: `made with a token ${created.id}` },
    });
    assert.equal(project.status, 201);
    const renamed = await ctx().request(`/iam/users/${engineer.id}`, {
      method: 'PATCH',
      headers: { Authorization: `APIKey ${created.token}` },
      json: { name: 'Renamed by a token' },
    });
    assert.equal(renamed.status, 200);
    const rows = await ctx()
      .db.selectFrom('audit_log')
      .select(['action', 'actor_user_id', 'actor_token_id'])
      .where('actor_token_id', '=', created.id)
      .orderBy('id')
      .execute();
    assert.deepEqual(rows, [
      { action: 'project.created', actor_user_id: admin.id, actor_token_id: created.id },
      { action: 'user.updated', actor_user_id: admin.id, actor_token_id: created.id },
    ]);
  });

  it('records last usage without writing on every request', async () => {
    const created = (await (
      await create(ctx(), accountId, engineer.id, ROLE.users)
    ).json()) as CreatedToken;
    const lastUsed = async () =>
      (
        await ctx()
          .db.selectFrom('api_tokens')
          .select('last_used_at')
          .where('id', '=', created.id)
          .executeTakeFirstOrThrow()
      ).last_used_at;
    assert.equal(await lastUsed(), null);
    await withApiKey(ctx(), '/iam/clients/me', created.token);
    const first = await lastUsed();
    assert.equal(first?.getTime(), ctx().clock.now().getTime());
    ctx().clock.advance(30_000);
    await withApiKey(ctx(), '/iam/clients/me', created.token);
    assert.equal((await lastUsed())?.getTime(), first?.getTime(), 'no write within a minute');
    ctx().clock.advance(31_000);
    await withApiKey(ctx(), '/iam/clients/me', created.token);
    assert.equal((await lastUsed())?.getTime(), ctx().clock.now().getTime());
  });

  it('refuses a deleted token, an expired one, and one whose issuer left, on the very next request', async () => {
    const deleted = (await (
      await create(ctx(), accountId, engineer.id, ROLE.users)
    ).json()) as CreatedToken;
    assert.equal((await withApiKey(ctx(), '/iam/users?limit=1', deleted.token)).status, 200);
    const removal = await ctx().request(`/iam/v2/clients/${accountId}/tokens/${deleted.id}`, {
      method: 'DELETE',
      token: await ctx().tokenFor(engineer.id, accountId),
    });
    assert.equal(removal.status, 204);
    assert.equal((await withApiKey(ctx(), '/iam/users?limit=1', deleted.token)).status, 401);

    const expiresAt = new Date(ctx().clock.now().getTime() + 60 * 60_000).toISOString();
    const expiring = (await (
      await create(ctx(), accountId, engineer.id, ROLE.users, { exp_date: expiresAt })
    ).json()) as CreatedToken;
    assert.equal(expiring.exp_date, expiresAt);
    assert.equal((await withApiKey(ctx(), '/iam/clients/me', expiring.token)).status, 200);
    ctx().clock.advance(60 * 60_000);
    try {
      assert.equal((await withApiKey(ctx(), '/iam/clients/me', expiring.token)).status, 401);
      const listed = await ctx().request(`/iam/v2/clients/${accountId}/tokens/${expiring.id}`, {
        token: await ctx().tokenFor(engineer.id, accountId),
      });
      assert.equal(((await listed.json()) as Token).expired, true);
    } finally {
      ctx().clock.advance(-60 * 60_000);
    }

    const leaver = await ctx().fixtures.member(accountId, { role: ROLE.engineers });
    const orphan = (await (
      await create(ctx(), accountId, leaver.id, ROLE.engineers)
    ).json()) as CreatedToken;
    assert.equal((await withApiKey(ctx(), '/iam/clients/me', orphan.token)).status, 200);
    await ctx().db.deleteFrom('memberships').where('user_id', '=', leaver.id).execute();
    assert.equal((await withApiKey(ctx(), '/iam/clients/me', orphan.token)).status, 401);
  });

  it("caps a token's role at its issuer's current role", async () => {
    const issuer = await ctx().fixtures.member(accountId, { role: ROLE.engineers });
    const created = (await (
      await create(ctx(), accountId, issuer.id, ROLE.engineers)
    ).json()) as CreatedToken;
    // The role-change rule forbids this through the API; the cap holds even if it happens anyway.
    await ctx()
      .db.updateTable('memberships')
      .set({ role_id: ROLE.users })
      .where('user_id', '=', issuer.id)
      .execute();
    const me = await withApiKey(ctx(), '/iam/clients/me', created.token);
    assert.deepEqual((await me.json()).currentUserRole, { id: 2, name: 'Users' });
    const invite = await ctx().request('/iam/clients/invite_user', {
      method: 'POST',
      headers: { Authorization: `APIKey ${created.token}` },
      json: { client_id: accountId, email: 'nope@x.test', user_role: { id: 2 } },
    });
    assert.equal(invite.status, 403);
  });

  it('refuses an expiry in the past, a missing name and unknown fields', async () => {
    const past = await create(ctx(), accountId, engineer.id, ROLE.users, {
      exp_date: '2020-01-01T00:00:00Z',
    });
    assert.deepEqual((await past.json()).errors, {
      exp_date: ['The expiration must be in the future.'],
    });
    const noName = await create(ctx(), accountId, engineer.id, ROLE.users, { name: ' ' });
    assert.ok((await noName.json()).errors.name);
    const badDate = await create(ctx(), accountId, engineer.id, ROLE.users, {
      exp_date: 'tomorrow',
    });
    assert.ok((await badDate.json()).errors.exp_date);
    const extra = await create(ctx(), accountId, engineer.id, ROLE.users, { user_id: admin.id });
    assert.equal(extra.status, 400);
  });

  it('shows Administrators every token and others only their own, with filters', async () => {
    const mine = (await (
      await create(ctx(), accountId, engineer.id, ROLE.users)
    ).json()) as CreatedToken;
    const theirs = (await (
      await create(ctx(), accountId, admin.id, ROLE.administrators)
    ).json()) as CreatedToken;
    const list = async (callerId: number, query = '') =>
      (await (
        await ctx().request(`/iam/v2/clients/${accountId}/tokens${query}`, {
          token: await ctx().tokenFor(callerId, accountId),
        })
      ).json()) as Token[];
    const adminSees = (await list(admin.id)).map((t) => t.id);
    assert.ok(adminSees.includes(mine.id) && adminSees.includes(theirs.id));
    const engineerSees = await list(engineer.id);
    assert.ok(engineerSees.every((t) => t.client_user.user_id === engineer.id));
    assert.ok(engineerSees.some((t) => t.id === mine.id));

    /** Every listed token satisfies `check`, and the list is not empty (or it proves nothing). */
    const allOf = async (query: string, check: (t: Token) => boolean) => {
      const tokens = await list(admin.id, query);
      assert.ok(tokens.length > 0, `${query} lists something`);
      assert.ok(tokens.every(check), query);
    };
    await allOf(`?issued_by=${engineer.id}`, (t) => t.client_user.user_id === engineer.id);
    await allOf(`?not_issued_by=${engineer.id}`, (t) => t.client_user.user_id !== engineer.id);
    await allOf('?role=1', (t) => t.client_user.role.id === 1);
    await allOf('?deleted=true', (t) => t.deleted);
    await allOf('', (t) => !t.deleted);

    const engineerToken = await ctx().tokenFor(engineer.id, accountId);
    const peek = await ctx().request(`/iam/v2/clients/${accountId}/tokens/${theirs.id}`, {
      token: engineerToken,
    });
    assert.equal(peek.status, 404);
    const steal = await ctx().request(`/iam/v2/clients/${accountId}/tokens/${theirs.id}`, {
      method: 'DELETE',
      token: engineerToken,
    });
    assert.equal(steal.status, 404);
    assert.equal(
      (await withApiKey(ctx(), '/iam/clients/me', theirs.token)).status,
      200,
      'still alive',
    );
    const adminDelete = await ctx().request(`/iam/v2/clients/${accountId}/tokens/${mine.id}`, {
      method: 'DELETE',
      token: await ctx().tokenFor(admin.id, accountId),
    });
    assert.equal(adminDelete.status, 204);
    const otherAccount = await ctx().fixtures.account();
    const foreign = await ctx().request(`/iam/v2/clients/${otherAccount}/tokens`, {
      token: engineerToken,
    });
    assert.equal(foreign.status, 404);
  });

  it(`holds at most ${MAX_TOKENS_PER_ACCOUNT} live tokens per account`, async () => {
    const crowded = await ctx().fixtures.account();
    const owner = await ctx().fixtures.member(crowded, { role: ROLE.administrators });
    // Spread over members, each at their own limit, so that the account's limit is what refuses.
    const issuers = [owner.id];
    while (issuers.length * MAX_TOKENS_PER_MEMBER < MAX_TOKENS_PER_ACCOUNT) {
      issuers.push((await ctx().fixtures.member(crowded)).id);
    }
    await ctx()
      .db.insertInto('api_tokens')
      .values(
        Array.from({ length: MAX_TOKENS_PER_ACCOUNT }, (_, i) => ({
          account_id: crowded,
          user_id: issuers[i % issuers.length],
          name: `t${i}`,
          role_id: 2,
          secret_hash: Buffer.alloc(32, i),
        })),
      )
      .execute();
    const other = await ctx().fixtures.member(crowded);
    const refused = await create(ctx(), crowded, other.id, ROLE.users);
    assert.equal(refused.status, 400);
    const body = await refused.json();
    assert.equal(body.code, 'token_limit_reached');
    assert.match(body.message, new RegExp(`${MAX_TOKENS_PER_ACCOUNT} tokens`));
    await ctx()
      .db.updateTable('api_tokens')
      .set({ deleted_at: ctx().clock.now() })
      .where('name', '=', 't0')
      .where('account_id', '=', crowded)
      .execute();
    assert.equal(
      (await create(ctx(), crowded, owner.id, ROLE.users)).status,
      201,
      'deleted tokens do not count',
    );
  });

  it(`holds at most ${MAX_TOKENS_PER_MEMBER} live tokens per member, whatever their role`, async () => {
    const team = await ctx().fixtures.account();
    const viewer = await ctx().fixtures.member(team, { role: ROLE.users });
    const colleague = await ctx().fixtures.member(team, { role: ROLE.users });
    for (let i = 0; i < MAX_TOKENS_PER_MEMBER; i++) {
      assert.equal((await create(ctx(), team, viewer.id, ROLE.users)).status, 201, `token ${i}`);
    }
    const refused = await create(ctx(), team, viewer.id, ROLE.users);
    assert.equal(refused.status, 400);
    assert.deepEqual(await refused.json(), {
      message: `You can't have more than ${MAX_TOKENS_PER_MEMBER} active tokens in this account. Delete one to create another.`,
      code: 'token_limit_reached',
    });
    assert.equal(
      (await create(ctx(), team, colleague.id, ROLE.users)).status,
      201,
      'per member: the account still has room for others',
    );
    await ctx()
      .db.updateTable('api_tokens')
      .set({ deleted_at: ctx().clock.now() })
      .where('account_id', '=', team)
      .where('user_id', '=', viewer.id)
      .where('id', '=', (eb) =>
        eb
          .selectFrom('api_tokens')
          .select((e) => e.fn.min('id').as('id'))
          .where('account_id', '=', team)
          .where('user_id', '=', viewer.id),
      )
      .execute();
    assert.equal((await create(ctx(), team, viewer.id, ROLE.users)).status, 201);
  });

  it('shows the issuer deleted once removed from this account, while still a member of another', async () => {
    const here = await ctx().fixtures.account();
    const elsewhere = await ctx().fixtures.account();
    const boss = await ctx().fixtures.member(here, { role: ROLE.administrators });
    const issuer = await ctx().fixtures.member(here, { role: ROLE.users, name: 'Ivo Issuer' });
    await ctx().fixtures.join(elsewhere, issuer.id, ROLE.users);
    const created = (await (await create(ctx(), here, issuer.id, ROLE.users)).json()) as Token;
    const bossToken = await ctx().tokenFor(boss.id, here);
    const issuerOf = async () =>
      (
        (await (
          await ctx().request(`/iam/v2/clients/${here}/tokens/${created.id}`, { token: bossToken })
        ).json()) as Token
      ).client_user;
    assert.equal((await issuerOf()).deleted, false);
    const tokenGone = await ctx().request(`/iam/v2/clients/${here}/tokens/${created.id}`, {
      method: 'DELETE',
      token: bossToken,
    });
    assert.equal(tokenGone.status, 204);
    const removed = await ctx().request(`/iam/clients/${here}/client-users/${issuer.id}`, {
      method: 'DELETE',
      token: bossToken,
    });
    assert.deepEqual(await removed.json(), { status: 'removed', user_deleted: false });
    const shown = await issuerOf();
    assert.equal(shown.deleted, true, 'crossed out here');
    assert.equal(shown.user_name, 'Ivo Issuer');
    const listed = (await (
      await ctx().request(`/iam/v2/clients/${here}/tokens?deleted=true&issued_by=${issuer.id}`, {
        token: bossToken,
      })
    ).json()) as Token[];
    assert.deepEqual(
      listed.map((t) => t.client_user.deleted),
      [true],
    );
    // Elsewhere they are a member as before.
    const there = await ctx().request('/iam/clients/me', {
      token: await ctx().tokenFor(issuer.id, elsewhere),
    });
    assert.equal(there.status, 200);
  });

  it('refuses to lower a user below a token they issued', async () => {
    const issuer = await ctx().fixtures.member(accountId, { role: ROLE.engineers });
    await create(ctx(), accountId, issuer.id, ROLE.engineers);
    const response = await ctx().request(`/iam/clients/${accountId}/client-users/${issuer.id}`, {
      method: 'PUT',
      token: await ctx().tokenFor(admin.id, accountId),
      json: { user_role: { id: ROLE.users } },
    });
    assert.equal(response.status, 403);
    assert.equal(
      (await response.json()).message,
      'The specified user has issued a token with a higher role. Try using another role.',
    );
  });
});

eachDatabase('deleting users: DELETE /iam/clients/{clientId}/client-users/{userId}', (ctx) => {
  const remove = async (callerId: number, accountId: number, userId: number) =>
    ctx().request(`/iam/clients/${accountId}/client-users/${userId}`, {
      method: 'DELETE',
      token: await ctx().tokenFor(callerId, accountId),
    });
  const login = (email: string) =>
    ctx().request('/iam/auth/jwt/login', {
      method: 'POST',
      json: { username: email, password: Fixtures.PASSWORD },
    });

  it('refuses while the user holds a live token here, and allows it once the token is deleted', async () => {
    const accountId = await ctx().fixtures.account();
    const admin = await ctx().fixtures.member(accountId, { role: ROLE.administrators });
    const holder = await ctx().fixtures.member(accountId, { role: ROLE.engineers });
    const token = (await (
      await create(ctx(), accountId, holder.id, ROLE.users)
    ).json()) as CreatedToken;
    const refused = await remove(admin.id, accountId, holder.id);
    assert.equal(refused.status, 403);
    assert.deepEqual(await refused.json(), {
      message: "You can't remove the user as they have active tokens.",
      code: 'user_has_active_tokens',
    });
    const still = await ctx()
      .db.selectFrom('memberships')
      .select('id')
      .where('user_id', '=', holder.id)
      .executeTakeFirst();
    assert.ok(still, 'nothing changed');

    await ctx().request(`/iam/v2/clients/${accountId}/tokens/${token.id}`, {
      method: 'DELETE',
      token: await ctx().tokenFor(admin.id, accountId),
    });
    const removed = await remove(admin.id, accountId, holder.id);
    assert.equal(removed.status, 200);
    assert.deepEqual(await removed.json(), { status: 'removed', user_deleted: true });

    const tokens = (await (
      await ctx().request(
        `/iam/v2/clients/${accountId}/tokens?deleted=true&issued_by=${holder.id}`,
        {
          token: await ctx().tokenFor(admin.id, accountId),
        },
      )
    ).json()) as Token[];
    assert.equal(tokens.length, 1);
    assert.equal(tokens[0].client_user.deleted, true, 'the issuer is shown as deleted');
    assert.ok(tokens[0].client_user.user_email, 'with their email kept');
    assert.equal((await login(holder.email)).status, 400, 'a deleted user cannot sign in');
  });

  it('removes from one account only, with Cloud roles and the pending invitation there', async () => {
    const accountId = await ctx().fixtures.account();
    const other = await ctx().fixtures.account();
    const admin = await ctx().fixtures.member(accountId, { role: ROLE.administrators });
    const both = await ctx().fixtures.member(other);
    await ctx().fixtures.join(accountId, both.id, ROLE.users, 'not_activated');
    await ctx().fixtures.cloudRole(accountId, both.id, null, 'ClientAdministrator');
    const response = await remove(admin.id, accountId, both.id);
    assert.deepEqual(await response.json(), { status: 'removed', user_deleted: false });
    const leftovers = await ctx()
      .db.selectFrom('cloud_role_assignments')
      .select('id')
      .where('user_id', '=', both.id)
      .execute();
    assert.deepEqual(leftovers, []);
    const invitations = await ctx()
      .db.selectFrom('invitations')
      .select('id')
      .where('user_id', '=', both.id)
      .execute();
    assert.deepEqual(invitations, []);
    assert.equal((await login(both.email)).status, 200, 'still signs in to the other account');
  });

  it('refuses removing oneself, a non-administrator caller, and another account', async () => {
    const accountId = await ctx().fixtures.account();
    const admin = await ctx().fixtures.member(accountId, { role: ROLE.administrators });
    const self = await remove(admin.id, accountId, admin.id);
    assert.equal(self.status, 403);
    assert.equal((await self.json()).message, "You can't remove yourself from the account.");

    const second = await ctx().fixtures.member(accountId, { role: ROLE.administrators });
    const member = await ctx().fixtures.member(accountId, { role: ROLE.engineers });
    assert.equal((await remove(member.id, accountId, second.id)).status, 403);
    assert.equal((await remove(second.id, accountId, admin.id)).status, 200);
    // Second is now the only Administrator; removing them would need another Administrator, whom
    // the count would then include: the last-Administrator check guards the self-removal path too.
    const stranger = await ctx().fixtures.member(await ctx().fixtures.account());
    assert.equal(
      (await remove(second.id, accountId, stranger.id)).status,
      404,
      "another account's user",
    );
    const otherAccount = await ctx().fixtures.account();
    const foreign = await ctx().request(
      `/iam/clients/${otherAccount}/client-users/${stranger.id}`,
      {
        method: 'DELETE',
        token: await ctx().tokenFor(second.id, accountId),
      },
    );
    assert.equal(foreign.status, 404, 'another account id');
  });

  it('never lets a token be created for a user who is being removed at the same moment', async () => {
    const accountId = await ctx().fixtures.account();
    const admin = await ctx().fixtures.member(accountId, { role: ROLE.administrators });
    for (let round = 0; round < 6; round++) {
      const target = await ctx().fixtures.member(accountId, { role: ROLE.engineers });
      const [created, removed] = await Promise.all([
        create(ctx(), accountId, target.id, ROLE.users),
        remove(admin.id, accountId, target.id),
      ]);
      const live = await ctx()
        .db.selectFrom('api_tokens')
        .select('id')
        .where('user_id', '=', target.id)
        .where('deleted_at', 'is', null)
        .execute();
      const member = await ctx()
        .db.selectFrom('memberships')
        .select('id')
        .where('user_id', '=', target.id)
        .executeTakeFirst();
      assert.ok(!(created.status === 201 && removed.status === 200), `round ${round}: not both`);
      if (removed.status === 200)
        assert.deepEqual(live, [], `round ${round}: no live token of a removed user`);
      else
        assert.ok(
          member && live.length === 1,
          `round ${round}: refused because the token came first`,
        );
    }
  });
});
