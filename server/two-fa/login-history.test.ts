import assert from 'node:assert/strict';
import { before, it } from 'node:test';
import { ROLE } from '../../shared/roles.ts';
import type { BackupCodes, LoginEvent, LoginsPage, TwoFaSetup } from '../../shared/two-fa.ts';
import { eachDatabase } from '../../test/support/context.ts';
import { Fixtures } from '../../test/support/fixtures.ts';
import { totpCode } from '../auth/totp.ts';
import { FREE_FAILURES_PER_ADDRESS } from '../auth/throttle.ts';
import { MAX_CODE_FAILURES } from './codes.ts';
import { up as migrateLoginHistory } from '../db/migrations/0005_login_history.ts';
import { sql, type Kysely } from 'kysely';

/**
 * The login history (`GET /iam/activity_log/logins`, docs/decisions/018): one event per sign-in,
 * settings attempts kept out, a reason for each failure, filters, and what an Administrator sees
 * of a member. Requests come through a trusted proxy, so every attempt has an IP.
 */

const STEP = 30_000;
const SECRET = 'JBSWY3DPEHPK3PXP'; // the fixtures' 2FA secret
const AGENT = 'Mozilla/5.0 (X11; Linux x86_64) Firefox/128.0';

function wrongCode(code: string): string {
  return String((Number(code) + 1) % 1_000_000).padStart(6, '0');
}

eachDatabase(
  'the login history',
  (ctx) => {
    let accountId: number;
    let adminId: number;

    before(async () => {
      accountId = await ctx().fixtures.account('History Co');
      adminId = (await ctx().fixtures.member(accountId, { role: ROLE.administrators })).id;
    });
    // Tests move the clock by days: each request gets a fresh access token (one hour).
    const adminToken = () => ctx().tokenFor(adminId, accountId);

    const signIn = (
      username: string,
      o: { password?: string; code?: string; ip?: string } = {},
    ): Promise<Response> =>
      ctx().request('/iam/auth/jwt/login', {
        method: 'POST',
        json: {
          username,
          password: o.password ?? Fixtures.PASSWORD,
          one_time_password: o.code,
        },
        headers: { 'X-Forwarded-For': o.ip ?? '203.0.113.9', 'User-Agent': AGENT },
      });

    const history = async (token: string | Promise<string>, query = ''): Promise<LoginsPage> => {
      const response = await ctx().request(`/iam/activity_log/logins?limit=100${query}`, {
        token: await token,
      });
      assert.equal(response.status, 200, await response.clone().text());
      return (await response.json()) as LoginsPage;
    };
    const outcomes = (page: LoginsPage) =>
      page.results.map((e) => [e.success, e.method, e.failure_reason]);

    const member = async (twoFa = false) => {
      const user = await ctx().fixtures.member(accountId, { twoFa });
      return {
        ...user,
        get token() {
          return ctx().tokenFor(user.id, accountId);
        },
      };
    };

    it('logs a 2FA sign-in once: the step that asks for the code is no event', async () => {
      const user = await member(true);
      ctx().clock.advance(STEP);
      const asked = await signIn(user.email);
      assert.equal(asked.status, 400);
      assert.equal((await asked.json()).code, 'two_fa_required');
      assert.deepEqual((await history(user.token)).results, [], 'nothing logged yet');

      const signedIn = await signIn(user.email, { code: totpCode(SECRET, ctx().clock.now()) });
      assert.equal(signedIn.status, 200);
      const page = await history(user.token);
      assert.deepEqual(outcomes(page), [[true, 'totp', null]]);
      const [event] = page.results;
      assert.equal(event.ip, '203.0.113.9');
      assert.equal(event.user_agent, AGENT);
      const audit = await ctx()
        .db.selectFrom('audit_log')
        .select('action')
        .where('actor_user_id', '=', user.id)
        .where('action', 'like', 'auth.sign%')
        .execute();
      assert.deepEqual(
        audit.map((row) => row.action),
        ['auth.signed_in'],
        'the audit log agrees',
      );
    });

    it('logs a failed 2FA sign-in once, with the IP and browser of the request', async () => {
      const user = await member(true);
      ctx().clock.advance(STEP);
      await signIn(user.email);
      const refused = await signIn(user.email, {
        code: wrongCode(totpCode(SECRET, ctx().clock.now())),
        ip: '198.51.100.23',
      });
      assert.equal(refused.status, 400);
      const page = await history(user.token);
      assert.deepEqual(outcomes(page), [[false, 'totp', 'wrong_code']]);
      assert.equal(page.results[0].ip, '198.51.100.23');
      assert.equal(page.results[0].user_agent, AGENT);
    });

    it('keeps 2FA setup mistakes and settings passwords out of the history, under the code limit', async () => {
      const user = await member();
      const setup = (await (
        await ctx().request('/iam/users/me/2fa/setup', { method: 'POST', token: await user.token })
      ).json()) as TwoFaSetup;
      const enable = async (code: string, password = Fixtures.PASSWORD) =>
        ctx().request('/iam/users/me/2fa/enable', {
          method: 'POST',
          token: await user.token,
          json: { code, password },
        });
      const wrong = () => wrongCode(totpCode(setup.secret, ctx().clock.now()));
      assert.equal(
        (await enable(totpCode(setup.secret, ctx().clock.now()), 'not mine')).status,
        400,
      );
      for (let i = 0; i < MAX_CODE_FAILURES; i++) assert.equal((await enable(wrong())).status, 400);
      assert.deepEqual((await history(user.token)).results, [], 'no sign-in happened');

      const limited = await enable(totpCode(setup.secret, ctx().clock.now()));
      assert.equal(limited.status, 429, 'the mistakes still count for the code limit');
      assert.deepEqual((await history(user.token)).results, []);
      ctx().clock.advance(16 * 60_000);
      const enabled = await enable(totpCode(setup.secret, ctx().clock.now()));
      assert.equal(enabled.status, 200);
      const { backup_codes } = (await enabled.json()) as BackupCodes;
      const replaced = await ctx().request('/iam/users/me/2fa/backup_codes', {
        method: 'POST',
        token: await user.token,
        json: { code: wrongCode(totpCode(setup.secret, ctx().clock.now())) },
      });
      assert.equal(replaced.status, 400);
      assert.equal(backup_codes.length, 5);
      assert.deepEqual((await history(user.token)).results, []);
    });

    it('gives each failure its reason', async () => {
      const user = await member(true);
      const reasons = async () =>
        (await history(user.token)).results.map((e) => e.failure_reason).reverse();
      ctx().clock.advance(STEP);
      assert.equal((await signIn(user.email, { password: 'wrong' })).status, 400);
      const now = () => ctx().clock.now();
      assert.equal(
        (await signIn(user.email, { code: wrongCode(totpCode(SECRET, now())) })).status,
        400,
      );
      const code = totpCode(SECRET, now());
      assert.equal((await signIn(user.email, { code })).status, 200);
      assert.equal((await signIn(user.email, { code })).status, 400, 'used');
      const old = totpCode(SECRET, new Date(now().getTime() - 4 * STEP));
      assert.equal((await signIn(user.email, { code: old })).status, 400, 'two minutes old');
      assert.deepEqual(await reasons(), [
        'wrong_password',
        'wrong_code',
        null,
        'used_code',
        'expired_code',
      ]);

      // Backup codes: a used one is told from a wrong one.
      await ctx()
        .db.updateTable('users')
        .set({ two_fa_last_step: null })
        .where('id', '=', user.id)
        .execute();
      const codes = (await (
        await ctx().request('/iam/users/me/2fa/backup_codes', {
          method: 'POST',
          token: await user.token,
          json: { code: totpCode(SECRET, now()) },
        })
      ).json()) as BackupCodes;
      assert.equal((await signIn(user.email, { code: codes.backup_codes[0] })).status, 200);
      assert.equal((await signIn(user.email, { code: codes.backup_codes[0] })).status, 400);
      assert.equal((await signIn(user.email, { code: 'abcd-efgh' })).status, 400);
      assert.deepEqual((await reasons()).slice(-3), [null, 'used_code', 'wrong_code']);
      assert.deepEqual(
        (await history(user.token)).results.slice(0, 3).map((e) => e.method),
        ['backup_code', 'backup_code', 'backup_code'],
      );

      // Too many codes: refused unchecked, even a right one.
      for (let i = 0; i < MAX_CODE_FAILURES; i++) {
        await signIn(user.email, { code: wrongCode(totpCode(SECRET, now())) });
      }
      ctx().clock.advance(STEP);
      assert.equal((await signIn(user.email, { code: totpCode(SECRET, now()) })).status, 429);
      assert.equal((await reasons()).at(-1), 'too_many_codes');
    });

    it('says when the password was right but the person has no account, or too many guesses came first', async () => {
      const loner = await ctx().fixtures.user();
      await ctx().fixtures.join(accountId, loner.id, ROLE.users, 'not_activated');
      assert.equal((await signIn(loner.email)).status, 400);
      const guessed = await member();
      for (let i = 0; i < FREE_FAILURES_PER_ADDRESS; i++) {
        assert.equal((await signIn(guessed.email, { password: `guess ${i}` })).status, 400);
      }
      assert.equal((await signIn(guessed.email)).status, 429);
      assert.deepEqual(
        (await history(guessed.token)).results.map((e) => e.failure_reason),
        ['too_many_attempts', ...Array<string>(FREE_FAILURES_PER_ADDRESS).fill('wrong_password')],
      );
      const lonerEvents = await ctx()
        .db.selectFrom('login_events')
        .select('failure_reason')
        .where('user_id', '=', loner.id)
        .execute();
      assert.deepEqual(lonerEvents, [{ failure_reason: 'no_access' }]);
    });

    it('answers an unknown email exactly like a wrong password, and logs it against no one', async () => {
      const user = await member();
      const wrong = await signIn(user.email, { password: 'wrong' });
      const unknown = await signIn('nobody-here@history.test', { password: 'wrong' });
      assert.deepEqual(await wrong.json(), await unknown.json());
      const rows = await ctx()
        .db.selectFrom('login_events')
        .select(['user_id', 'failure_reason'])
        .where('email', '=', 'nobody-here@history.test')
        .execute();
      assert.deepEqual(rows, [{ user_id: null, failure_reason: 'unknown_email' }]);
    });

    it('filters by date range, IP and result', async () => {
      const user = await member();
      const start = ctx().clock.now();
      await signIn(user.email, { password: 'wrong', ip: '192.0.2.1' });
      ctx().clock.advance(24 * 60 * 60_000);
      await signIn(user.email, { ip: '192.0.2.2' });
      ctx().clock.advance(24 * 60 * 60_000);
      await signIn(user.email, { ip: '2001:db8::7' });
      const ips = async (query: string) =>
        (await history(user.token, query)).results.map((e: LoginEvent) => e.ip);

      assert.deepEqual(await ips(''), ['2001:db8::7', '192.0.2.2', '192.0.2.1']);
      const day = (offset: number) =>
        new Date(start.getTime() + offset * 24 * 60 * 60_000).toISOString().slice(0, 10);
      assert.deepEqual(await ips(`&from=${day(1)}`), ['2001:db8::7', '192.0.2.2']);
      assert.deepEqual(await ips(`&to=${day(1)}`), ['192.0.2.2', '192.0.2.1'], 'the whole day');
      assert.deepEqual(await ips(`&from=${day(1)}&to=${day(1)}`), ['192.0.2.2']);
      const instant = encodeURIComponent(new Date(start.getTime() + 1000).toISOString());
      assert.deepEqual(await ips(`&to=${instant}`), ['192.0.2.1'], 'a date and time');
      const offset = encodeURIComponent(`${day(2)}T00:00:00+14:00`);
      assert.deepEqual(await ips(`&from=${offset}`), ['2001:db8::7', '192.0.2.2'], 'an offset');
      assert.deepEqual(await ips('&ip=192.0.2.2'), ['192.0.2.2']);
      assert.deepEqual(await ips('&ip=2001:DB8::7'), ['2001:db8::7'], 'IPv6 in any case');
      assert.deepEqual(await ips('&ip=192.0.2.9'), []);
      assert.deepEqual(await ips('&success=false'), ['192.0.2.1']);
      assert.deepEqual(await ips('&success=true&ip=192.0.2.1'), []);
      const page = await history(user.token, `&success=true&from=${day(1)}`);
      assert.equal(page.count, 2, 'the count is of the filtered list');

      // An IPv4 address as a dual-stack socket reports it.
      await ctx()
        .db.updateTable('login_events')
        .set({ ip: '::ffff:192.0.2.1' })
        .where('user_id', '=', user.id)
        .where('ip', '=', '192.0.2.1')
        .execute();
      assert.deepEqual(await ips('&ip=192.0.2.1'), ['::ffff:192.0.2.1']);
    });

    it('refuses bad filters with 400 naming the field', async () => {
      const user = await member();
      const refusal = async (query: string) => {
        const response = await ctx().request(`/iam/activity_log/logins?${query}`, {
          token: await user.token,
        });
        assert.equal(response.status, 400, query);
        const body = await response.json();
        assert.equal(body.code, 'validation_failed');
        return Object.keys(body.errors);
      };
      assert.deepEqual(await refusal('from=yesterday'), ['from']);
      assert.deepEqual(await refusal('to=2026-02-30'), ['to']);
      assert.deepEqual(await refusal('from=2026-12-06T10:00:00'), ['from'], 'no offset');
      assert.deepEqual(await refusal('from=2026-12-06&to=2026-12-05'), ['to']);
      assert.deepEqual(await refusal('ip=192.0.2'), ['ip']);
      assert.deepEqual(await refusal('ip=example.com'), ['ip']);
      assert.deepEqual(await refusal('success=yes'), ['success']);
    });

    it("shows an Administrator a member's sign-ins and failures since they joined, when the member belongs to this account alone", async () => {
      const person = await ctx().fixtures.user();
      await signIn(person.email, { password: 'before joining' });
      ctx().clock.advance(2 * 60 * 60_000);
      await ctx().fixtures.join(accountId, person.id);
      await signIn(person.email, { password: 'wrong' });
      await signIn(person.email);
      const seen = await history(adminToken(), `&user_id=${person.id}`);
      assert.deepEqual(outcomes(seen), [
        [true, 'password', null],
        [false, 'password', 'wrong_password'],
      ]);
      const own = await history(await ctx().tokenFor(person.id, accountId));
      assert.equal(own.count, 3, 'the person sees all of theirs');
    });

    it('shows an Administrator only the sign-ins into this account of a person another account shares', async () => {
      const other = await ctx().fixtures.account('Elsewhere Ltd');
      const otherAdmin = await ctx().fixtures.member(other, { role: ROLE.administrators });
      const otherAdminToken = await ctx().tokenFor(otherAdmin.id, other);
      const shared = await ctx().fixtures.member(accountId);
      ctx().clock.advance(60_000);
      await ctx().fixtures.join(other, shared.id); // joined later: sign-ins land here first
      await signIn(shared.email, { password: 'wrong' });
      await signIn(shared.email);

      const here = await history(adminToken(), `&user_id=${shared.id}`);
      assert.deepEqual(outcomes(here), [[true, 'password', null]], 'not the failure');
      const there = await history(otherAdminToken, `&user_id=${shared.id}`);
      assert.deepEqual(there.results, [], 'neither the sign-in into the first account');
      const own = await history(await ctx().tokenFor(shared.id, other));
      assert.equal(own.count, 2, 'the person sees both, from either account');
      const failures = await history(adminToken(), `&user_id=${shared.id}&success=false`);
      assert.equal(failures.count, 0, 'no filter brings them back');
    });

    it("refuses another account's person (404), an invitee (404) and a non-administrator (403)", async () => {
      const stranger = await ctx().fixtures.member(await ctx().fixtures.account());
      const invitee = await ctx().fixtures.member(accountId, { status: 'not_activated' });
      const plain = await member();
      const ask = (token: string, userId: number) =>
        ctx().request(`/iam/activity_log/logins?user_id=${userId}`, { token });
      assert.equal((await ask(await adminToken(), stranger.id)).status, 404);
      assert.equal((await ask(await adminToken(), invitee.id)).status, 404);
      const peek = await ask(await plain.token, invitee.id);
      assert.equal(peek.status, 403);
      assert.equal((await peek.json()).code, 'forbidden');
    });

    // Last: it runs migration 0005 again over rows written the way the BFF wrote them before.
    it('converts the history written before migration 0005', async () => {
      const user = await member();
      const db = ctx().db;
      await sql`alter table login_events drop column kind`.execute(db);
      const at = (minutes: number) => new Date(ctx().clock.now().getTime() + minutes * 60_000);
      const old = (
        minutes: number,
        row: {
          success?: boolean;
          method?: 'password' | 'totp';
          reason?: string;
          account?: boolean;
        },
      ) => ({
        user_id: user.id,
        account_id: row.account ? accountId : null,
        email: user.email,
        occurred_at: at(minutes),
        ip: row.account && !row.success ? null : '192.0.2.50',
        user_agent: AGENT,
        success: row.success ?? false,
        method: row.method ?? 'password',
        failure_reason: row.reason ?? null,
      });
      const rows = [
        old(1, { reason: 'wrong_password_in_settings', account: true }),
        old(2, { method: 'totp', reason: 'wrong_code_in_settings', account: true }),
        old(3, { method: 'totp', reason: 'rate_limited', account: true }),
        old(4, { reason: 'code_required' }),
        old(5, { success: true, method: 'totp', account: true }),
        old(6, { reason: 'rate_limited' }),
        old(7, { method: 'totp', reason: 'rate_limited' }),
        old(8, { method: 'totp', reason: 'wrong_or_used_code' }),
        old(9, { reason: 'no_active_account' }),
      ];
      // Typed as before 0005 (no `kind`): the table's type here is the new one.
      await db
        .insertInto('login_events' as never)
        .values(rows as never)
        .execute();
      await migrateLoginHistory(db as unknown as Kysely<unknown>);

      const page = await history(user.token);
      assert.deepEqual(outcomes(page), [
        [false, 'password', 'no_access'],
        [false, 'totp', 'wrong_code'],
        [false, 'totp', 'too_many_codes'],
        [false, 'password', 'too_many_attempts'],
        [true, 'totp', null],
      ]);
      const settings = await db
        .selectFrom('login_events')
        .select('failure_reason')
        .where('user_id', '=', user.id)
        .where('kind', '=', 'settings')
        .orderBy('occurred_at')
        .execute();
      assert.deepEqual(
        settings.map((row) => row.failure_reason),
        ['wrong_password_in_settings', 'wrong_code_in_settings', 'rate_limited'],
        'kept for the limits, out of the history',
      );
    });
  },
  { TRUST_PROXY: 'true' },
);
