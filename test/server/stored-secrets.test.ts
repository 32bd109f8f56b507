import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { before, it } from 'node:test';
import { sql } from 'kysely';
import type { TokenPair } from '../../shared/auth.ts';
import { LINK_PARAMS, type LinkKind } from '../../shared/links.ts';
import { ROLE } from '../../shared/roles.ts';
import type { CreatedToken } from '../../shared/tokens.ts';
import type { TwoFaSetup } from '../../shared/two-fa.ts';
import { totpCode } from '../../server/auth/totp.ts';
import { OutboxSender } from '../../server/mail/outbox.ts';
import { eachDatabase, type TestContext } from '../support/context.ts';
import { Fixtures } from '../support/fixtures.ts';

/**
 * The five secrets the BFF hands out (API token, refresh token, invitation, email change, 2FA
 * disable) are stored as their SHA-256 only. Each check compares the stored bytes with a hash the
 * test computes itself, then looks for the secret anywhere in the database: as text, and as the
 * hex of its characters or of the bytes it encodes (how a bytea column would hold it).
 */

const sha256 = (secret: string) => createHash('sha256').update(secret).digest();

/** Where `secret` appears in any table, as text or as bytes; empty when nowhere. */
async function whereInDatabase(ctx: TestContext, secret: string): Promise<string[]> {
  const tables = await sql<{ name: string }>`
    select table_name as name from information_schema.tables
    where table_schema = 'public' and table_type = 'BASE TABLE'`.execute(ctx.db);
  const needles = [
    secret,
    Buffer.from(secret).toString('hex'),
    Buffer.from(secret, 'base64url').toString('hex'),
  ];
  const found: string[] = [];
  for (const { name } of tables.rows) {
    for (const needle of needles) {
      const { rows } = await sql<{ count: string | number }>`
        select count(*) as count from ${sql.table(name)} as x
        where position(${needle} in lower(x::text)) > 0`.execute(ctx.db);
      if (Number(rows[0].count) > 0) found.push(`${name} (${needle.slice(0, 12)}…)`);
    }
  }
  return found;
}

/** The outbox sends (to nowhere) and forgets the links, as it does once an email is out. */
const sendEverything = (ctx: TestContext) =>
  new OutboxSender(ctx.db, { send: async () => {} }, ctx.clock, 1000).runOnce();

async function emailedSecret(ctx: TestContext, to: string, kind: LinkKind): Promise<string> {
  const row = await ctx.db
    .selectFrom('email_outbox')
    .select('payload')
    .where('recipient', '=', to)
    .orderBy('id', 'desc')
    .executeTakeFirstOrThrow();
  const link = new URL((row.payload as { link: string }).link);
  const secret = link.searchParams.get(LINK_PARAMS[kind]);
  assert.ok(secret, link.href);
  await sendEverything(ctx);
  return secret;
}

eachDatabase(
  'stored secrets',
  (ctx) => {
    let accountId: number;
    let admin: { id: number; email: string };
    let adminToken: string;

    before(async () => {
      accountId = await ctx().fixtures.account('Secret Co');
      admin = await ctx().fixtures.member(accountId, { role: ROLE.administrators });
      adminToken = await ctx().tokenFor(admin.id, accountId);
    });

    const assertHashedOnly = async (stored: Uint8Array, secret: string) => {
      assert.deepEqual(Buffer.from(stored), sha256(secret), 'the stored bytes are its SHA-256');
      assert.deepEqual(await whereInDatabase(ctx(), secret), [], 'the secret is nowhere');
    };

    it('keeps an API token as the hash of its secret', async () => {
      const response = await ctx().request(`/iam/v2/clients/${accountId}/tokens`, {
        method: 'POST',
        token: adminToken,
        json: { name: 'ci', exp_date: null, client_user: { role: { id: ROLE.users } } },
      });
      assert.equal(response.status, 201);
      const created = (await response.json()) as CreatedToken;
      const secret = created.token.slice(`${created.id}_`.length);
      const row = await ctx()
        .db.selectFrom('api_tokens')
        .select('secret_hash')
        .where('id', '=', created.id)
        .executeTakeFirstOrThrow();
      await assertHashedOnly(row.secret_hash, secret);
    });

    it('keeps a refresh token as its hash', async () => {
      const response = await ctx().request('/iam/auth/jwt/login', {
        method: 'POST',
        json: { username: admin.email, password: Fixtures.PASSWORD },
      });
      assert.equal(response.status, 200);
      const { refresh } = (await response.json()) as TokenPair;
      const row = await ctx()
        .db.selectFrom('refresh_tokens')
        .select('token_hash')
        .where('token_hash', '=', sha256(refresh))
        .executeTakeFirst();
      assert.ok(row, 'a row holds its hash');
      await assertHashedOnly(row.token_hash, refresh);
    });

    it('keeps an invitation link as its hash', async () => {
      const email = `secret-${Date.now().toString(36)}@secrets.test`;
      const response = await ctx().request('/iam/clients/invite_user', {
        method: 'POST',
        token: adminToken,
        json: { client_id: accountId, email, user_role: { id: ROLE.users } },
      });
      assert.equal(response.status, 200);
      const { user_id } = await response.json();
      const secret = await emailedSecret(ctx(), email, 'invitation');
      const row = await ctx()
        .db.selectFrom('invitations')
        .select('token_hash')
        .where('user_id', '=', user_id)
        .executeTakeFirstOrThrow();
      await assertHashedOnly(row.token_hash, secret);
    });

    it('keeps an email change link as its hash', async () => {
      const member = await ctx().fixtures.member(accountId);
      const newEmail = `changed-${Date.now().toString(36)}@secrets.test`;
      const response = await ctx().request(`/iam/users/${member.id}/email`, {
        method: 'PUT',
        token: await ctx().tokenFor(member.id, accountId),
        json: { new_email: newEmail, password: Fixtures.PASSWORD },
      });
      assert.equal(response.status, 202);
      const secret = await emailedSecret(ctx(), newEmail, 'confirmEmail');
      const row = await ctx()
        .db.selectFrom('email_change_requests')
        .select('token_hash')
        .where('user_id', '=', member.id)
        .executeTakeFirstOrThrow();
      await assertHashedOnly(row.token_hash, secret);
    });

    it('keeps a link that turns 2FA off as its hash', async () => {
      const member = await ctx().fixtures.member(accountId);
      const token = await ctx().tokenFor(member.id, accountId);
      const setup = (await (
        await ctx().request('/iam/users/me/2fa/setup', { method: 'POST', token })
      ).json()) as TwoFaSetup;
      const enabled = await ctx().request('/iam/users/me/2fa/enable', {
        method: 'POST',
        token,
        json: { code: totpCode(setup.secret, ctx().clock.now()), password: Fixtures.PASSWORD },
      });
      assert.equal(enabled.status, 200);
      const asked = await ctx().request('/iam/users/me/2fa/disable', { method: 'POST', token });
      assert.equal(asked.status, 202);
      const secret = await emailedSecret(ctx(), member.email, 'disable2fa');
      const row = await ctx()
        .db.selectFrom('two_fa_disable_requests')
        .select('token_hash')
        .where('user_id', '=', member.id)
        .executeTakeFirstOrThrow();
      await assertHashedOnly(row.token_hash, secret);
    });
  },
  { INVITES_PER_DAY: '1000' },
);
