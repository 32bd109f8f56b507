import assert from 'node:assert/strict';
import { it } from 'node:test';
import { eachDatabase, type TestContext } from '../../test/support/context.ts';
import { Fixtures } from '../../test/support/fixtures.ts';
import { passwordHashing } from './passwords.ts';
import { totpCode } from './totp.ts';

/**
 * Sign-in throttling (docs/decisions/012-sign-in-throttling.md): guesses slow down, the owner is
 * never locked out. Requests come through a trusted proxy, so each test picks the client's IP.
 */

interface Attempt {
  password: string;
  ip?: string;
  device?: string;
  code?: string;
}

function signInAs(ctx: () => TestContext) {
  return (username: string, { password, ip = '203.0.113.7', device, code }: Attempt) =>
    ctx().request('/iam/auth/jwt/login', {
      method: 'POST',
      json: { username, password, device_token: device, one_time_password: code },
      headers: { 'X-Forwarded-For': `198.51.100.1, ${ip}` },
    });
}

const retryAfter = (response: Response) => Number(response.headers.get('Retry-After'));

eachDatabase(
  'sign-in throttling',
  (ctx) => {
    const login = signInAs(ctx);
    let accountId: number;
    const newMember = async () => {
      accountId ??= await ctx().fixtures.account();
      return ctx().fixtures.member(accountId);
    };
    /** A device token: what the answer to a right password gives the client to keep. */
    const deviceOf = async (email: string, ip?: string) => {
      const response = await login(email, { password: Fixtures.PASSWORD, ip });
      assert.equal(response.status, 200);
      const { device_token } = (await response.json()) as { device_token: string };
      assert.equal(typeof device_token, 'string');
      return device_token;
    };

    it('lets the owner sign in from a device used before while an attacker keeps guessing', async () => {
      const owner = await newMember();
      const device = await deviceOf(owner.email);
      for (let i = 0; i < 30; i++) {
        const guess = await login(owner.email, { password: `guess ${i}`, ip: `192.0.2.${i}` });
        assert.ok([400, 429].includes(guess.status), String(guess.status));
        if (i % 10 === 9) {
          const signedIn = await login(owner.email, { password: Fixtures.PASSWORD, device });
          assert.equal(signedIn.status, 200, `the owner, after ${i + 1} guesses`);
          assert.equal((await signedIn.json()).device_token, device, 'the same device');
        }
      }
      const guess = await login(owner.email, { password: 'one more guess' });
      assert.equal(guess.status, 429, "the owner's sign-in did not reset the attacker's wait");
    });

    it('slows guesses at an address down with a growing wait, the same for unknown addresses', async () => {
      const member = await newMember();
      const unknown = `nobody-${Date.now()}@throttle.test`;
      const waits: Record<string, number[]> = { [member.email]: [], [unknown]: [] };
      for (const email of [member.email, unknown]) {
        for (let i = 0; i < 5; i++) {
          assert.equal((await login(email, { password: `wrong ${i}` })).status, 400);
        }
        for (let i = 0; i < 4; i++) {
          const refused = await login(email, { password: Fixtures.PASSWORD, ip: `192.0.2.${i}` });
          assert.equal(refused.status, 429, 'even the right password waits, from a new client');
          assert.equal((await refused.json()).code, 'rate_limited');
          waits[email].push(retryAfter(refused));
          ctx().clock.advance(retryAfter(refused) * 1000);
          assert.equal((await login(email, { password: `wrong again ${i}` })).status, 400);
        }
      }
      assert.deepEqual(waits[member.email], [1, 2, 4, 8]);
      assert.deepEqual(waits[unknown], waits[member.email], 'no hint of which addresses exist');
    });

    it('does not count refused attempts: the wait neither grows nor starts again', async () => {
      const member = await newMember();
      for (let i = 0; i < 8; i++) {
        await login(member.email, { password: `wrong ${i}` });
        ctx().clock.advance(60_000); // waits up to 8 s: every guess is checked
      }
      const first = await login(member.email, { password: 'wrong' });
      assert.equal(first.status, 400);
      const refused = await login(member.email, { password: 'wrong' });
      assert.equal(refused.status, 429);
      const wait = retryAfter(refused);
      assert.equal(wait, 16, 'after 9 failures');
      for (let i = 0; i < 20; i++) {
        const again = await login(member.email, { password: `refused ${i}` });
        assert.equal(again.status, 429);
        assert.equal(retryAfter(again), wait, 'refused attempts leave the wait alone');
      }
      ctx().clock.advance(wait * 1000);
      const owner = await login(member.email, { password: Fixtures.PASSWORD, ip: '192.0.2.77' });
      assert.equal(owner.status, 200, 'the wait is over, and the right password gets through');
      const afterSuccess = await login(member.email, { password: 'wrong' });
      assert.equal(afterSuccess.status, 400, 'a sign-in with the password clears the failures');
    });

    it('checks at most 5 of many wrong passwords sent at once', async () => {
      const member = await newMember();
      const answers = await Promise.all(
        Array.from({ length: 20 }, (_, i) =>
          login(member.email, { password: `wrong ${i}`, ip: `192.0.2.${i}` }),
        ),
      );
      const checked = answers.filter((a) => a.status === 400).length;
      // Past the password-hashing queue an attempt is refused at once (503, decision 023).
      const busy = answers.filter((a) => a.status === 503).length;
      assert.equal(answers.filter((a) => a.status === 429).length, 20 - checked - busy);
      assert.ok(checked <= 5, `${checked} wrong passwords were checked`);
      const history = await ctx()
        .db.selectFrom('login_events')
        .select('failure_reason')
        .where('email', '=', member.email)
        .execute();
      assert.equal(
        history.length,
        20 - busy,
        'every attempt that reached the throttle is in the history, refused ones too',
      );
      assert.ok(history.every((e) => e.failure_reason !== 'in_progress'));
    });

    it("gives a device its own count: its owner's typos there wait, another user's address does not open", async () => {
      const owner = await newMember();
      const other = await newMember();
      const device = await deviceOf(owner.email);
      for (let i = 0; i < 5; i++) {
        assert.equal((await login(owner.email, { password: `typo ${i}`, device })).status, 400);
      }
      assert.equal(
        (await login(owner.email, { password: Fixtures.PASSWORD, device })).status,
        429,
        'failures from the device slow the device down too',
      );
      assert.equal(
        (await login(owner.email, { password: Fixtures.PASSWORD })).status,
        200,
        'and leave the address alone',
      );
      ctx().clock.advance(1000);
      const back = await login(owner.email, { password: Fixtures.PASSWORD, device });
      assert.equal(back.status, 200, 'the wait is over; the right password clears its count');

      for (let i = 0; i < 5; i++) await login(other.email, { password: `guess ${i}` });
      for (const token of [device, `${device}x`, 'not-a-device-token']) {
        const response = await login(other.email, { password: Fixtures.PASSWORD, device: token });
        assert.equal(response.status, 429, `${token}: a token counts only for its own user`);
      }
      const tooLong = await login(other.email, {
        password: Fixtures.PASSWORD,
        device: 'x'.repeat(600),
      });
      assert.equal(tooLong.status, 400);
      assert.deepEqual(Object.keys((await tooLong.json()).errors), ['device_token']);
    });

    it('refuses new clients of an IP after 100 failures there, but not clients that signed in before', async () => {
      const ip = '203.0.113.99';
      const owner = await newMember();
      const device = await deviceOf(owner.email, ip);
      // One password tried at 100 addresses, several at a time as a spraying tool would (no more
      // than the password-hashing queue admits at once, so every one is checked and counted).
      const atOnce = Math.min(10, passwordHashing.capacity);
      for (let batch = 0; batch * atOnce < 100; batch++) {
        const sprayed = await Promise.all(
          Array.from({ length: Math.min(atOnce, 100 - batch * atOnce) }, (_, i) =>
            login(`spray-${batch}-${i}-${Date.now()}@throttle.test`, {
              password: 'Winter2026!',
              ip,
            }),
          ),
        );
        assert.deepEqual(
          sprayed.map((answer) => answer.status),
          Array(sprayed.length).fill(400),
        );
      }
      const newcomer = await newMember();
      const refused = await login(newcomer.email, { password: Fixtures.PASSWORD, ip });
      assert.equal(refused.status, 429, 'a new client of that IP waits');
      assert.ok(retryAfter(refused) > 0);
      const signedIn = await login(owner.email, { password: Fixtures.PASSWORD, device, ip });
      assert.equal(signedIn.status, 200, 'a device that signed in before does not');
      ctx().clock.advance(retryAfter(refused) * 1000);
      const sprayer = await newMember();
      const own = await login(sprayer.email, { password: Fixtures.PASSWORD, ip });
      assert.equal(own.status, 200, 'the wait is over');
      const next = await login(newcomer.email, { password: Fixtures.PASSWORD, ip });
      assert.equal(
        next.status,
        429,
        "signing into one's own account does not clear the IP's record",
      );
      const elsewhere = await login(newcomer.email, {
        password: Fixtures.PASSWORD,
        ip: '203.0.113.100',
      });
      assert.equal(elsewhere.status, 200, 'keyed by the address the trusted proxy saw');
      const event = await ctx()
        .db.selectFrom('login_events')
        .select('ip')
        .where('user_id', '=', newcomer.id)
        .where('success', '=', true)
        .executeTakeFirstOrThrow();
      assert.equal(event.ip, '203.0.113.100', 'the rightmost X-Forwarded-For entry');
    });

    it('keeps the two-factor code limit, device or not', async () => {
      const user = await ctx().fixtures.member(await ctx().fixtures.account(), { twoFa: true });
      const SECRET = 'JBSWY3DPEHPK3PXP'; // the fixtures' TOTP secret
      const code = () => totpCode(SECRET, ctx().clock.now());
      const device = (await (
        await login(user.email, { password: Fixtures.PASSWORD, code: code() })
      ).json()) as { device_token: string };
      ctx().clock.advance(30_000);
      const wrong = String((Number(code()) + 1) % 1_000_000).padStart(6, '0');
      for (let i = 0; i < 5; i++) {
        const refused = await login(user.email, {
          password: Fixtures.PASSWORD,
          code: wrong,
          device: device.device_token,
        });
        assert.equal(refused.status, 400);
      }
      const limited = await login(user.email, {
        password: Fixtures.PASSWORD,
        code: code(),
        device: device.device_token,
      });
      assert.equal(limited.status, 429);
      assert.equal((await limited.json()).message, 'Too many wrong codes. Try again later.');
    });

    it("does not let guesses at sign-in hold up the owner's password check in the settings", async () => {
      const member = await newMember();
      // 12 wrong passwords checked at sign-in within minutes: over the settings' own limit of 10.
      for (let checked = 0; checked < 12;) {
        const guess = await login(member.email, { password: `guess ${checked}` });
        if (guess.status === 400) checked++;
        else ctx().clock.advance(retryAfter(guess) * 1000);
      }
      // And more, refused while the wait runs.
      for (let i = 0; i < 20; i++) await login(member.email, { password: `refused ${i}` });
      const changed = await ctx().request(`/iam/users/${member.id}/email`, {
        method: 'PUT',
        token: await ctx().tokenFor(member.id, accountId),
        json: { new_email: `moved-${member.id}@throttle.test`, password: Fixtures.PASSWORD },
      });
      assert.equal(changed.status, 202);
    });
  },
  { TRUST_PROXY: 'true' },
);
