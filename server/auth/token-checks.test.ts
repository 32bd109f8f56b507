import assert from 'node:assert/strict';
import { before, it } from 'node:test';
import { decodeJwt, decodeProtectedHeader, exportJWK, generateKeyPair, SignJWT } from 'jose';
import { ROLE } from '../../shared/roles.ts';
import { eachDatabase } from '../../test/support/context.ts';
import { createApp } from '../app.ts';
import { SigningKeys } from './keys.ts';
import {
  issueTokens,
  openSession,
  signAccessToken,
  verifyAccessToken,
  VERIFIED_TOKENS_MAX,
} from './tokens.ts';

const b64 = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');

eachDatabase('access token checks', (ctx) => {
  let accountId: number;
  let member: { id: number; email: string };
  let token: string;

  before(async () => {
    accountId = await ctx().fixtures.account();
    member = await ctx().fixtures.member(accountId, { role: ROLE.engineers });
    token = await ctx().tokenFor(member.id, accountId);
  });

  const statusWith = async (credential: string, scheme = 'Bearer') =>
    (
      await ctx().request('/iam/clients/me', {
        headers: { Authorization: `${scheme} ${credential}` },
      })
    ).status;

  /** A token signed with the BFF's real current key, with whatever claims a test wants. */
  const signedByUs = async (
    claims: Record<string, unknown>,
    build?: (jwt: SignJWT) => SignJWT,
    subject = String(member.id),
    header: Record<string, unknown> = { typ: 'at+jwt' },
  ) => {
    const key = await ctx().keys.current();
    const now = Math.floor(ctx().clock.now().getTime() / 1000);
    // The session of the member's real token, so that only the claims a test changes differ.
    const sid = decodeJwt(token).sid;
    let jwt = new SignJWT({ client_id: accountId, token_type: 'access', sid, ...claims })
      .setProtectedHeader({ alg: 'ES256', kid: key.kid, ...header })
      .setSubject(subject)
      .setIssuedAt(now);
    jwt = build
      ? build(jwt)
      : jwt
          .setIssuer(ctx().config.jwt.issuer)
          .setAudience(ctx().config.jwt.audience)
          .setExpirationTime(now + 600);
    return jwt.sign(key.privateKey);
  };

  it('accepts a valid token, with the scheme in any case', async () => {
    assert.equal(await statusWith(token), 200);
    assert.equal(await statusWith(token, 'bearer'), 200);
  });

  it('refuses a missing, malformed or unknown-scheme credential', async () => {
    assert.equal((await ctx().request('/iam/clients/me')).status, 401);
    assert.equal(await statusWith('', 'Bearer'), 401);
    assert.equal(await statusWith('not.a.jwt'), 401);
    assert.equal(await statusWith('garbage'), 401);
    assert.equal(await statusWith(token, 'Basic'), 401);
  });

  it('refuses alg "none"', async () => {
    const [header, payload] = token.split('.');
    const original = JSON.parse(Buffer.from(header, 'base64url').toString());
    assert.equal(await statusWith(`${b64({ ...original, alg: 'none' })}.${payload}.`), 401);
    assert.equal(await statusWith(`${b64({ ...original, alg: 'none' })}.${payload}`), 401);
  });

  it('refuses an HS256 token whose secret is our public key (algorithm confusion)', async () => {
    const jwks = await (await ctx().request('/.well-known/jwks.json')).json();
    const kid = decodeProtectedHeader(token).kid;
    const publicJwk = jwks.keys.find((k: { kid: string }) => k.kid === kid);
    const [, payload] = token.split('.');
    for (const secret of [JSON.stringify(publicJwk), publicJwk.x]) {
      const forged = await new SignJWT(JSON.parse(Buffer.from(payload, 'base64url').toString()))
        .setProtectedHeader({ alg: 'HS256', kid })
        .sign(new TextEncoder().encode(secret));
      assert.equal(await statusWith(forged), 401);
    }
  });

  it('refuses a token signed by a foreign key under our kid', async () => {
    const foreign = await generateKeyPair('ES256');
    const kid = decodeProtectedHeader(token).kid!;
    const now = Math.floor(ctx().clock.now().getTime() / 1000);
    const forged = await new SignJWT({ client_id: accountId, token_type: 'access' })
      .setProtectedHeader({ alg: 'ES256', kid })
      .setSubject(String(member.id))
      .setIssuer(ctx().config.jwt.issuer)
      .setAudience(ctx().config.jwt.audience)
      .setIssuedAt(now)
      .setExpirationTime(now + 600)
      .sign(foreign.privateKey);
    assert.equal(await statusWith(forged), 401);
    assert.equal(
      await statusWith(forged.replace(/^[^.]+/, b64({ alg: 'ES256', kid: 'unknown-kid' }))),
      401,
    );
  });

  it('refuses tampered claims', async () => {
    const [header, payload, signature] = token.split('.');
    const claims = JSON.parse(Buffer.from(payload, 'base64url').toString());
    const other = await ctx().fixtures.member(accountId, { role: ROLE.administrators });
    assert.equal(
      await statusWith(`${header}.${b64({ ...claims, sub: String(other.id) })}.${signature}`),
      401,
    );
    assert.equal(
      await statusWith(`${header}.${b64({ ...claims, exp: claims.exp + 86400 })}.${signature}`),
      401,
    );
  });

  it('refuses a wrong issuer, a wrong audience, a missing expiry and a token that is not an access token', async () => {
    const now = Math.floor(ctx().clock.now().getTime() / 1000);
    const base = (jwt: SignJWT) => jwt.setExpirationTime(now + 600);
    assert.equal(await statusWith(await signedByUs({})), 200, 'the control case is accepted');
    assert.equal(
      await statusWith(
        await signedByUs({}, (j) =>
          base(j).setIssuer('someone-else').setAudience(ctx().config.jwt.audience),
        ),
      ),
      401,
    );
    assert.equal(
      await statusWith(
        await signedByUs({}, (j) =>
          base(j).setIssuer(ctx().config.jwt.issuer).setAudience('other-api'),
        ),
      ),
      401,
    );
    assert.equal(
      await statusWith(
        await signedByUs({}, (j) =>
          j.setIssuer(ctx().config.jwt.issuer).setAudience(ctx().config.jwt.audience),
        ),
      ),
      401,
    );
    assert.equal(await statusWith(await signedByUs({ token_type: 'refresh' })), 401);
    assert.equal(await statusWith(await signedByUs({ client_id: 'one' })), 401);
  });

  it('refuses a token of another type, issued in the future or too long ago, or with a loose subject', async () => {
    const now = Math.floor(ctx().clock.now().getTime() / 1000);
    const withHeader = (header: Record<string, unknown>) =>
      signedByUs({}, undefined, undefined, header);
    assert.equal(await statusWith(await withHeader({ typ: 'at+jwt' })), 200, 'the control case');
    assert.equal(await statusWith(await withHeader({})), 401, 'no typ');
    assert.equal(await statusWith(await withHeader({ typ: 'JWT' })), 401, 'a generic JWT');
    assert.equal(await statusWith(await withHeader({ typ: 'id+jwt' })), 401);

    const issuedAt = (iat: number) =>
      signedByUs({}, (j) =>
        j
          .setIssuedAt(iat)
          .setIssuer(ctx().config.jwt.issuer)
          .setAudience(ctx().config.jwt.audience)
          .setExpirationTime(now + 600),
      );
    assert.equal(await statusWith(await issuedAt(now + 3)), 200, 'within the clock tolerance');
    assert.equal(await statusWith(await issuedAt(now + 120)), 401, 'issued in the future');
    assert.equal(
      await statusWith(await issuedAt(now - 2 * 3600)),
      401,
      'older than an access token lives, whatever its exp says',
    );

    for (const sub of [
      `0x${member.id.toString(16)}`,
      `${member.id}.0`,
      `+${member.id}`,
      `0${member.id}`,
      ` ${member.id}`,
      `${member.id}e0`,
    ]) {
      assert.equal(
        await statusWith(await signedByUs({}, undefined, sub)),
        401,
        JSON.stringify(sub),
      );
    }
    assert.equal(await statusWith(await signedByUs({}, undefined, String(member.id))), 200);
  });

  it('refuses a token that names no session, an unknown one, or a revoked one', async () => {
    assert.equal(await statusWith(await signedByUs({ sid: undefined })), 401);
    assert.equal(await statusWith(await signedByUs({ sid: crypto.randomUUID() })), 401);
    const other = await ctx().fixtures.member(accountId, { role: ROLE.users });
    const otherToken = await ctx().tokenFor(other.id, accountId);
    // Another person's session does not vouch for this member.
    assert.equal(await statusWith(await signedByUs({ sid: decodeJwt(otherToken).sid })), 401);
    const own = await ctx().tokenFor(member.id, accountId);
    assert.equal(await statusWith(own), 200);
    await ctx()
      .db.updateTable('sessions')
      .set({ revoked_at: ctx().clock.now() })
      .where('id', '=', String(decodeJwt(own).sid))
      .execute();
    assert.equal(await statusWith(own), 401, 'refused on the very next request');
    assert.equal(await statusWith(token), 200, "the member's other session stands");
  });

  it('refuses an expired token, with a few seconds of clock tolerance', async () => {
    const fresh = await ctx().tokenFor(member.id, accountId);
    ctx().clock.advance(3600 * 1000 + 3000);
    try {
      assert.equal(await statusWith(fresh), 200, 'within tolerance');
      ctx().clock.advance(10_000);
      assert.equal(await statusWith(fresh), 401);
    } finally {
      ctx().clock.advance(-(3600 * 1000 + 13_000));
    }
  });

  /**
   * Runs `work` while counting the signatures checked (each looks up its verification key);
   * `checks.count` can be reset in between.
   */
  async function countingSignatureChecks(work: (checks: { count: number }) => Promise<void>) {
    const keys = ctx().keys;
    const lookUp = keys.verificationKey;
    const checks = { count: 0 };
    keys.verificationKey = (kid) => {
      checks.count++;
      return lookUp.call(keys, kid);
    };
    try {
      await work(checks);
    } finally {
      keys.verificationKey = lookUp;
    }
  }

  it('checks a signature once per token, and its times on every request', async () => {
    const fresh = await ctx().tokenFor(member.id, accountId);
    await countingSignatureChecks(async (checks) => {
      try {
        assert.equal(await statusWith(fresh), 200);
        assert.equal(await statusWith(fresh), 200);
        assert.equal(checks.count, 1, 'verified once');
        ctx().clock.advance(-60_000);
        assert.equal(await statusWith(fresh), 401, 'issued in the future');
        ctx().clock.advance(60_000 + 3600 * 1000 + 10_000);
        assert.equal(await statusWith(fresh), 401, 'expired');
      } finally {
        ctx().clock.advance(-(3600 * 1000 + 10_000));
      }
    });
  });

  it(`keeps the last ${VERIFIED_TOKENS_MAX} tokens verified, the oldest making room`, async () => {
    const { db, keys, clock, config } = ctx();
    const deps = { db, keys, clock, config };
    const claims = { userId: member.id, accountId, sessionId: String(decodeJwt(token).sid) };
    await countingSignatureChecks(async (checks) => {
      const oldest = await signAccessToken(deps, claims);
      await verifyAccessToken(deps, oldest);
      let newest = oldest;
      for (let i = 0; i < VERIFIED_TOKENS_MAX; i++) {
        newest = await signAccessToken(deps, claims);
        await verifyAccessToken(deps, newest);
      }
      checks.count = 0;
      await verifyAccessToken(deps, newest);
      assert.equal(checks.count, 0, 'the newest is still known');
      await verifyAccessToken(deps, oldest);
      assert.equal(checks.count, 1, 'the oldest made room: verified again');
    });
  });

  it('takes a token that one set of keys verified for nothing under another', async () => {
    const fresh = await ctx().tokenFor(member.id, accountId);
    assert.equal(await statusWith(fresh), 200);
    const { privateKey } = await generateKeyPair('ES256', { extractable: true });
    const { db, clock, config } = ctx();
    const otherKeys = new SigningKeys(
      db,
      clock,
      config.jwt.accessTtlSeconds,
      JSON.stringify(await exportJWK(privateKey)),
    );
    const other = createApp({ db, config, clock, keys: otherKeys });
    const answer = await other.request('/iam/clients/me', {
      headers: { Authorization: `Bearer ${fresh}` },
    });
    assert.equal(answer.status, 401);
  });

  it("refuses a deleted user's and a removed member's unexpired token; a demoted one gets the new role", async () => {
    const { fixtures, db } = ctx();
    const deleted = await fixtures.member(accountId);
    const deletedToken = await ctx().tokenFor(deleted.id, accountId);
    await db
      .updateTable('users')
      .set({ deleted_at: ctx().clock.now() })
      .where('id', '=', deleted.id)
      .execute();
    assert.equal(await statusWith(deletedToken), 401);

    const removed = await fixtures.member(accountId);
    const removedToken = await ctx().tokenFor(removed.id, accountId);
    await db.deleteFrom('memberships').where('user_id', '=', removed.id).execute();
    assert.equal(await statusWith(removedToken), 401);

    const demoted = await fixtures.member(accountId, { role: ROLE.administrators });
    const demotedToken = await ctx().tokenFor(demoted.id, accountId);
    await db
      .updateTable('memberships')
      .set({ role_id: ROLE.users })
      .where('user_id', '=', demoted.id)
      .execute();
    const me = await ctx().request('/iam/clients/me', { token: demotedToken });
    assert.deepEqual((await me.json()).currentUserRole, { id: 2, name: 'Users' });
  });

  it('keeps tokens of a rotated key valid until they expire, and then unpublishes the key', async () => {
    const before = await ctx().tokenFor(member.id, accountId);
    const oldKid = decodeProtectedHeader(before).kid;
    const newKid = await ctx().keys.rotate();
    const after = await ctx().tokenFor(member.id, accountId);
    assert.equal(decodeProtectedHeader(after).kid, newKid);
    assert.notEqual(newKid, oldKid);
    assert.equal(await statusWith(before), 200);
    assert.equal(await statusWith(after), 200);
    const published = async () =>
      (
        (await (await ctx().request('/.well-known/jwks.json')).json()).keys as { kid: string }[]
      ).map((k) => k.kid);
    assert.deepEqual((await published()).sort(), [oldKid, newKid].sort());

    ctx().clock.advance((3600 + 120) * 1000);
    try {
      assert.deepEqual(await published(), [newKid]);
      assert.equal(await statusWith(before), 401);
    } finally {
      ctx().clock.advance(-(3600 + 120) * 1000);
    }
  });
});

eachDatabase(
  'a signing key given in JWT_PRIVATE_KEY',
  (ctx) => {
    it('signs with that key and publishes only it', async () => {
      const accountId = await ctx().fixtures.account();
      const member = await ctx().fixtures.member(accountId);
      const token = await ctx().tokenFor(member.id, accountId);
      assert.equal(decodeProtectedHeader(token).kid, 'configured-key-1');
      const { keys } = await (await ctx().request('/.well-known/jwks.json')).json();
      assert.deepEqual(
        keys.map((k: { kid: string }) => k.kid),
        ['configured-key-1'],
      );
      assert.equal((await ctx().request('/iam/clients/me', { token })).status, 200);
      const stored = await ctx().db.selectFrom('signing_keys').select('kid').execute();
      assert.deepEqual(stored, [], 'a configured key is never written to the database');
    });
  },
  {
    JWT_PRIVATE_KEY: JSON.stringify({
      ...(await exportJWK((await generateKeyPair('ES256', { extractable: true })).privateKey)),
      kid: 'configured-key-1',
    }),
  },
);

eachDatabase('signing keys at first use', (ctx) => {
  it('makes one key when the first requests come at one moment, and verifies what it signs', async () => {
    const { db, clock, config } = ctx();
    await db.deleteFrom('signing_keys').execute();
    const keys = new SigningKeys(db, clock, config.jwt.accessTtlSeconds);
    const signers = await Promise.all(Array.from({ length: 8 }, () => keys.current()));
    const verifying = (await keys.verificationKeys()).map((key) => key.kid);
    for (const { kid } of signers) assert.ok(verifying.includes(kid), kid);
    const stored = await db.selectFrom('signing_keys').select('kid').execute();
    assert.deepEqual(
      stored.map((row) => row.kid),
      [signers[0]!.kid],
    );
  });
});

eachDatabase('signing keys across replicas', (ctx) => {
  it('accepts a key another replica rotated to, reading the database again for it', async () => {
    const other = new SigningKeys(ctx().db, ctx().clock, ctx().config.jwt.accessTtlSeconds);
    const accountId = await ctx().fixtures.account();
    const member = await ctx().fixtures.member(accountId);
    const status = async (token: string) =>
      (await ctx().request('/iam/clients/me', { token })).status;
    assert.equal(await status(await ctx().tokenFor(member.id, accountId)), 200); // keys read
    const newKid = await other.rotate();
    const fromOther = await issueTokens(
      { db: ctx().db, keys: other, clock: ctx().clock, config: ctx().config },
      { userId: member.id, accountId },
      (await openSession(ctx().db, member.id, ctx().clock.now()))!,
    );
    assert.equal(decodeProtectedHeader(fromOther.access).kid, newKid);
    ctx().clock.advance(1_001); // unknown kids re-read the database at most once a second
    try {
      assert.equal(await status(fromOther.access), 200);
    } finally {
      ctx().clock.advance(-1_001);
    }
  });
});
