import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, it } from 'node:test';
import { exportJWK, generateKeyPair, SignJWT } from 'jose';
import { ROLE } from '../../shared/roles.ts';
import { eachDatabase } from '../../test/support/context.ts';

/**
 * The host portal's identity provider: a JWKS server on 127.0.0.1 with its own RSA key, and JWTs
 * signed by it. The BFF must map the verified email to a user and the account claim to an account.
 */
const provider = await generateKeyPair('RS256', { extractable: true });
const providerJwk = {
  ...(await exportJWK(provider.publicKey)),
  kid: 'idp-key-1',
  alg: 'RS256',
  use: 'sig',
};
let jwksRequests = 0;
const jwksServer = createServer((request, response) => {
  jwksRequests++;
  response.writeHead(200, { 'Content-Type': 'application/json' });
  response.end(JSON.stringify({ keys: [providerJwk] }));
});
await new Promise<void>((resolve) => jwksServer.listen(0, '127.0.0.1', resolve));
after(() => new Promise<void>((resolve) => jwksServer.close(() => resolve())));

const ISSUER = 'https://idp.portal.test/';
const AUDIENCE = 'portal-user-management';
const env = {
  AUTH_JWKS_URL: `http://127.0.0.1:${(jwksServer.address() as AddressInfo).port}/jwks.json`,
  AUTH_ISSUER: ISSUER,
  AUTH_AUDIENCE: AUDIENCE,
  AUTH_ACCOUNT_CLAIM: 'portal_account',
};

eachDatabase(
  "the host portal's identity provider",
  (ctx) => {
    let accountId: number;
    let member: { id: number; email: string };

    before(async () => {
      accountId = await ctx().fixtures.account('Portal Customer');
      member = await ctx().fixtures.member(accountId, { role: ROLE.engineers });
    });

    const providerToken = async (
      claims: Record<string, unknown> = {},
      options: {
        key?: CryptoKey;
        alg?: string;
        kid?: string;
        issuer?: string;
        audience?: string;
        expiresIn?: number;
      } = {},
    ) => {
      const now = Math.floor(ctx().clock.now().getTime() / 1000);
      return new SignJWT({
        email: member.email.toUpperCase(),
        email_verified: true,
        portal_account: accountId,
        ...claims,
      })
        .setProtectedHeader({ alg: options.alg ?? 'RS256', kid: options.kid ?? 'idp-key-1' })
        .setSubject('portal-user-42')
        .setIssuer(options.issuer ?? ISSUER)
        .setAudience(options.audience ?? AUDIENCE)
        .setIssuedAt(now)
        .setExpirationTime(now + (options.expiresIn ?? 300))
        .sign(options.key ?? provider.privateKey);
    };
    const status = async (token: string) =>
      (await ctx().request('/iam/clients/me', { token })).status;

    it("accepts the provider's token, mapping its email and account claim to a member", async () => {
      const response = await ctx().request('/iam/clients/me', { token: await providerToken() });
      assert.equal(response.status, 200);
      const body = await response.json();
      assert.equal(body.currentUser, member.id);
      assert.equal(body.id, accountId);
      assert.ok(jwksRequests >= 1, 'the keys came from the JWKS server');
      const users = await ctx().request('/iam/users?limit=10', { token: await providerToken() });
      assert.equal(users.status, 200);
    });

    it('refuses a wrong issuer or audience, an expired token and an unverified email', async () => {
      assert.equal(await status(await providerToken({}, { issuer: 'https://evil.test/' })), 401);
      assert.equal(await status(await providerToken({}, { audience: 'another-app' })), 401);
      assert.equal(await status(await providerToken({}, { expiresIn: -60 })), 401);
      assert.equal(await status(await providerToken({ email_verified: false })), 401);
      assert.equal(
        await status(await providerToken({ email_verified: undefined })),
        401,
        'unverified unless said',
      );
    });

    it('refuses a key the provider does not publish, and HMAC tokens', async () => {
      const stranger = await generateKeyPair('RS256');
      assert.equal(await status(await providerToken({}, { key: stranger.privateKey })), 401);
      assert.equal(
        await status(await providerToken({}, { key: stranger.privateKey, kid: 'other-kid' })),
        401,
      );
      const hmac = await new SignJWT({ email: member.email, portal_account: accountId })
        .setProtectedHeader({ alg: 'HS256', kid: 'idp-key-1' })
        .setIssuer(ISSUER)
        .setAudience(AUDIENCE)
        .setExpirationTime('5m')
        .sign(new TextEncoder().encode(JSON.stringify(providerJwk)));
      assert.equal(await status(hmac), 401);
    });

    it('refuses an unknown email, an account the user is not in, and a missing account claim', async () => {
      assert.equal(await status(await providerToken({ email: 'stranger@example.test' })), 401);
      const otherAccount = await ctx().fixtures.account();
      assert.equal(await status(await providerToken({ portal_account: otherAccount })), 401);
      assert.equal(await status(await providerToken({ portal_account: undefined })), 401);
      assert.equal(await status(await providerToken({ portal_account: 'not-a-number' })), 401);
    });

    it('fetches the JWKS once and keeps it', async () => {
      const before = jwksRequests;
      for (let i = 0; i < 5; i++) assert.equal(await status(await providerToken()), 200);
      assert.equal(jwksRequests, before, 'no fetch per request once the keys are known');
      assert.ok(before >= 1);
    });

    it("still accepts the BFF's own tokens", async () => {
      assert.equal(await status(await ctx().tokenFor(member.id, accountId)), 200);
    });
  },
  env,
);
