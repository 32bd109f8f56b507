import assert from 'node:assert/strict';
import { before, it } from 'node:test';
import { decodeJwt } from 'jose';
import type { TokenPair } from '../../shared/auth.ts';
import { ROLE } from '../../shared/roles.ts';
import { eachDatabase } from '../../test/support/context.ts';
import { Fixtures } from '../../test/support/fixtures.ts';
import { hashPassword } from './passwords.ts';
import { REFRESH_REUSE_GRACE_MS } from './sessions.ts';
import { issueTokens, openSession } from './tokens.ts';

eachDatabase('sessions', (ctx) => {
  let accountId: number;
  let otherAccountId: number;
  let adminToken: string;

  before(async () => {
    accountId = await ctx().fixtures.account('Session Co');
    otherAccountId = await ctx().fixtures.account('Other Session Co');
    const admin = await ctx().fixtures.member(accountId, { role: ROLE.administrators });
    adminToken = await ctx().tokenFor(admin.id, accountId);
  });

  const signIn = async (email: string, password = Fixtures.PASSWORD) => {
    const response = await ctx().request('/iam/auth/jwt/login', {
      method: 'POST',
      json: { username: email, password },
    });
    assert.equal(response.status, 200);
    return (await response.json()) as TokenPair;
  };
  const refresh = (token: string) =>
    ctx().request('/iam/auth/jwt/refresh', { method: 'POST', json: { refresh: token } });
  const renewed = async (token: string) => {
    const response = await refresh(token);
    assert.equal(response.status, 200);
    return (await response.json()) as TokenPair;
  };
  const accessStatus = async (access: string) =>
    (await ctx().request('/iam/clients/me', { token: access })).status;
  const reuseAudits = (userId: number) =>
    ctx()
      .db.selectFrom('audit_log')
      .select(['account_id', 'target_id', 'details'])
      .where('action', '=', 'auth.refresh_token_reused')
      .where('actor_user_id', '=', userId)
      .execute();
  const newMember = () => ctx().fixtures.member(accountId, { role: ROLE.engineers });
  const NEW_PASSWORD = 'another long passphrase';
  const changePassword = (userId: number, access: string) =>
    ctx().request(`/iam/users/${userId}/password`, {
      method: 'PUT',
      token: access,
      json: { old: Fixtures.PASSWORD, new: NEW_PASSWORD, double: NEW_PASSWORD },
    });

  it('names the session in the access token, and keeps it through renewals', async () => {
    const member = await newMember();
    const first = await signIn(member.email);
    const second = await renewed(first.refresh);
    assert.equal(typeof decodeJwt(first.access).sid, 'string');
    assert.equal(decodeJwt(second.access).sid, decodeJwt(first.access).sid);
    const another = await signIn(member.email);
    assert.notEqual(decodeJwt(another.access).sid, decodeJwt(first.access).sid);
  });

  it('a spent refresh token presented again ends the whole session, access tokens included', async () => {
    const member = await newMember();
    const stolen = await signIn(member.email);
    const elsewhere = await signIn(member.email);
    const owner = await renewed(stolen.refresh);
    ctx().clock.advance(REFRESH_REUSE_GRACE_MS + 1000);

    const thief = await refresh(stolen.refresh);
    assert.equal(thief.status, 401);
    assert.equal((await thief.json()).code, 'refresh_token_invalid');
    assert.equal((await refresh(owner.refresh)).status, 401, "the session's live token is dead");
    assert.equal(await accessStatus(owner.access), 401, 'and so is its access token');
    assert.equal(await accessStatus(elsewhere.access), 200, 'another sign-in stands');
    assert.equal((await refresh(elsewhere.refresh)).status, 200);

    // Told once: later presentations of the dead tokens change nothing and write nothing.
    assert.equal((await refresh(stolen.refresh)).status, 401);
    const audits = await reuseAudits(member.id);
    assert.equal(audits.length, 1);
    assert.equal(audits[0]!.account_id, accountId);
    assert.equal(audits[0]!.target_id, String(member.id));
    assert.doesNotMatch(JSON.stringify(audits), new RegExp(stolen.refresh));
  });

  it('within seconds of the spend is one client racing itself: refused, nothing ended', async () => {
    const member = await newMember();
    const tokens = await signIn(member.email);
    const next = await renewed(tokens.refresh);
    ctx().clock.advance(REFRESH_REUSE_GRACE_MS - 1000);
    assert.equal((await refresh(tokens.refresh)).status, 401);
    assert.equal(await accessStatus(next.access), 200);
    assert.equal((await refresh(next.refresh)).status, 200);
    assert.deepEqual(await reuseAudits(member.id), []);
  });

  it('two spent tokens of one session presented at once end it once, audited once', async () => {
    const member = await newMember();
    const first = await signIn(member.email);
    const second = await renewed(first.refresh);
    const live = await renewed(second.refresh);
    ctx().clock.advance(REFRESH_REUSE_GRACE_MS + 1000);
    const answers = await Promise.all([refresh(first.refresh), refresh(second.refresh)]);
    assert.deepEqual(
      answers.map((answer) => answer.status),
      [401, 401],
    );
    assert.equal(await accessStatus(live.access), 401);
    assert.equal((await reuseAudits(member.id)).length, 1);
  });

  // An end-to-end property: whatever the interleaving, no pair outlives the reuse. (Each use also
  // checks the session, so this holds even without the renewal's lock; the lock is what makes a
  // waiting renewal of the same token see it spent: see sign-in.test.ts, concurrent refreshes.)
  it('a renewal racing the reuse never leaves a pair alive', async () => {
    const member = await newMember();
    for (let round = 0; round < 8; round++) {
      const stolen = await signIn(member.email);
      const owner = await renewed(stolen.refresh);
      ctx().clock.advance(REFRESH_REUSE_GRACE_MS + 1000);
      const answers = await Promise.all([refresh(owner.refresh), refresh(stolen.refresh)]);
      for (const answer of answers.filter((one) => one.status === 200)) {
        const pair = (await answer.json()) as TokenPair;
        assert.equal(await accessStatus(pair.access), 401, `round ${round}: a live access token`);
        assert.equal((await refresh(pair.refresh)).status, 401, `round ${round}: a live refresh`);
      }
    }
  });

  it('an account switch goes on in the same session, so ending it ends both', async () => {
    const member = await newMember();
    await ctx().fixtures.join(otherAccountId, member.id, ROLE.users);
    const stolen = await signIn(member.email);
    const owner = await renewed(stolen.refresh);
    const switched = await ctx().request(`/iam/auth/jwt/clients/${otherAccountId}/login`, {
      token: owner.access,
    });
    assert.equal(switched.status, 200);
    const other = (await switched.json()) as TokenPair;
    assert.equal(decodeJwt(other.access).sid, decodeJwt(owner.access).sid);

    ctx().clock.advance(REFRESH_REUSE_GRACE_MS + 1000);
    assert.equal((await refresh(stolen.refresh)).status, 401);
    assert.equal(await accessStatus(other.access), 401);
    assert.equal((await refresh(other.refresh)).status, 401);
  });

  it('a password change ends every session at once, and is no reuse', async () => {
    const member = await newMember();
    const elsewhere = await signIn(member.email);
    const changer = await signIn(member.email);
    const changed = await changePassword(member.id, changer.access);
    assert.equal(changed.status, 200);
    const fresh = (await changed.json()) as TokenPair;
    assert.equal(await accessStatus(elsewhere.access), 401, 'no waiting for the hour to pass');
    assert.equal(await accessStatus(changer.access), 401, 'the old pair of the changer too');
    assert.equal(await accessStatus(fresh.access), 200, 'the changer goes on in a new session');
    ctx().clock.advance(REFRESH_REUSE_GRACE_MS + 1000);
    assert.equal((await refresh(elsewhere.refresh)).status, 401);
    assert.equal((await refresh(fresh.refresh)).status, 200);
    assert.deepEqual(await reuseAudits(member.id), []);
  });

  it('a sign-in that checked the old password while it changed opens a session born over', async () => {
    const member = await newMember();
    const before = await ctx()
      .db.selectFrom('users')
      .select('credentials_version')
      .where('id', '=', member.id)
      .executeTakeFirstOrThrow();
    const changer = await signIn(member.email);
    const changed = await changePassword(member.id, changer.access);
    assert.equal(changed.status, 200);
    // A sign-in that read the old password (and its version) before the change opens none after
    // it (and answers as for a wrong password).
    const now = ctx().clock.now();
    assert.equal(
      await openSession(ctx().db, member.id, now, before.credentials_version),
      undefined,
    );
    // Had one been opened at the old version anyway, nothing would take it.
    const [late] = await ctx()
      .db.insertInto('sessions')
      .values({
        user_id: member.id,
        credentials_version: before.credentials_version,
        created_at: now,
      })
      .returning('id')
      .execute();
    const pair = await issueTokens(ctx(), { userId: member.id, accountId }, late!.id);
    assert.equal(await accessStatus(pair.access), 401);
    assert.equal((await refresh(pair.refresh)).status, 401);
    assert.equal((await signIn(member.email, NEW_PASSWORD)).access.length > 0, true);
  });

  it("a deleted user's sessions stay over when they come back", async () => {
    const member = await newMember();
    const old = await signIn(member.email);
    const deleted = await ctx().request(`/iam/clients/${accountId}/client-users/${member.id}`, {
      method: 'DELETE',
      token: adminToken,
    });
    assert.equal(deleted.status, 200);
    // Back as an invitation's acceptance leaves them: not deleted, a new password, a member again.
    await ctx()
      .db.updateTable('users')
      .set({ deleted_at: null, password_hash: await hashPassword('a brand new passphrase') })
      .where('id', '=', member.id)
      .execute();
    await ctx().fixtures.join(accountId, member.id, ROLE.users);
    assert.equal(await accessStatus(old.access), 401);
    assert.equal((await refresh(old.refresh)).status, 401);
    assert.equal(
      await accessStatus((await signIn(member.email, 'a brand new passphrase')).access),
      200,
    );
  });

  it('sign-outs at the same moment end the session once, audited once', async () => {
    const member = await newMember();
    const tokens = await signIn(member.email);
    const answers = await Promise.all(
      [1, 2, 3].map(() =>
        ctx().request('/iam/auth/jwt/logout', {
          method: 'POST',
          json: { refresh: tokens.refresh },
        }),
      ),
    );
    assert.deepEqual(
      answers.map((answer) => answer.status),
      [204, 204, 204],
    );
    const audits = await ctx()
      .db.selectFrom('audit_log')
      .select('id')
      .where('action', '=', 'auth.signed_out')
      .where('actor_user_id', '=', member.id)
      .execute();
    assert.equal(audits.length, 1);
  });

  it('opens no session for a deleted user', async () => {
    const member = await newMember();
    await ctx()
      .db.updateTable('users')
      .set({ deleted_at: ctx().clock.now() })
      .where('id', '=', member.id)
      .execute();
    assert.equal(await openSession(ctx().db, member.id, ctx().clock.now()), undefined);
    assert.equal(await openSession(ctx().db, 2_000_000_000, ctx().clock.now()), undefined);
  });

  it('sign-out ends the session of the refresh token given, and tells nothing of others', async () => {
    const member = await newMember();
    const leaving = await signIn(member.email);
    const staying = await signIn(member.email);
    const logout = (refreshToken: unknown) =>
      ctx().request('/iam/auth/jwt/logout', { method: 'POST', json: { refresh: refreshToken } });

    const out = await logout(leaving.refresh);
    assert.equal(out.status, 204);
    assert.equal(await accessStatus(leaving.access), 401);
    assert.equal((await refresh(leaving.refresh)).status, 401);
    assert.equal(await accessStatus(staying.access), 200, 'another sign-in stands');
    assert.equal((await logout(leaving.refresh)).status, 204, 'again: nothing to end, same answer');
    assert.equal((await logout('A'.repeat(43))).status, 204, 'an unknown token: the same answer');
    const blank = await logout('');
    assert.equal(blank.status, 400);
    assert.deepEqual((await blank.json()).errors, { refresh: ['This field may not be blank.'] });
    ctx().clock.advance(REFRESH_REUSE_GRACE_MS + 1000);
    assert.equal((await refresh(leaving.refresh)).status, 401);
    assert.deepEqual(await reuseAudits(member.id), [], 'a signed-out token is no reuse');
    const audits = await ctx()
      .db.selectFrom('audit_log')
      .select('details')
      .where('action', '=', 'auth.signed_out')
      .where('actor_user_id', '=', member.id)
      .execute();
    assert.deepEqual(audits, [{ details: { session_id: decodeJwt(leaving.access).sid } }]);
  });

  it('sign-out with a refresh token already spent ends the session it belonged to', async () => {
    const member = await newMember();
    const first = await signIn(member.email);
    const current = await renewed(first.refresh); // another tab renewed; this one holds the old
    const out = await ctx().request('/iam/auth/jwt/logout', {
      method: 'POST',
      json: { refresh: first.refresh },
    });
    assert.equal(out.status, 204);
    assert.equal(await accessStatus(current.access), 401);
    assert.equal((await refresh(current.refresh)).status, 401);
    assert.deepEqual(await reuseAudits(member.id), []);
  });

  it('refuses a sign-out body without a usable refresh token, naming the field', async () => {
    const logout = (body: string) =>
      ctx().request('/iam/auth/jwt/logout', {
        method: 'POST',
        body,
        headers: { 'Content-Type': 'application/json' },
      });
    for (const body of [
      '{}',
      '{"refresh": 42}',
      '{"refresh": null}',
      JSON.stringify({ refresh: 'x'.repeat(513) }),
    ]) {
      const response = await logout(body);
      assert.equal(response.status, 400, body);
      assert.deepEqual(Object.keys((await response.json()).errors), ['refresh'], body);
    }
    const malformed = await logout('{"refresh": ');
    assert.equal(malformed.status, 400);
    assert.equal((await malformed.json()).code, 'malformed_json');
  });

  it('a removal from the account ends its refresh tokens there, and is no reuse', async () => {
    const member = await newMember();
    await ctx().fixtures.join(otherAccountId, member.id, ROLE.users);
    const here = await signIn(member.email); // signs into the earliest account: this one
    assert.equal(decodeJwt(here.access).client_id, accountId);
    const there = (await (
      await ctx().request(`/iam/auth/jwt/clients/${otherAccountId}/login`, { token: here.access })
    ).json()) as TokenPair;
    const removed = await ctx().request(`/iam/clients/${accountId}/client-users/${member.id}`, {
      method: 'DELETE',
      token: adminToken,
    });
    assert.equal(removed.status, 200);
    assert.equal((await refresh(here.refresh)).status, 401);
    assert.equal(await accessStatus(here.access), 401);
    assert.equal(await accessStatus(there.access), 200, 'the other account is not touched');
    assert.equal((await refresh(there.refresh)).status, 200);
    assert.deepEqual(await reuseAudits(member.id), []);
  });
});
