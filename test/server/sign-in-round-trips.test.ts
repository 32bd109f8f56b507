import assert from 'node:assert/strict';
import { before, it } from 'node:test';
import { sql } from 'kysely';
import { countRoundTrips } from '../../server/db/round-trips.ts';
import { eachDatabase } from '../support/context.ts';
import { Fixtures } from '../support/fixtures.ts';

/**
 * What a sign-in costs the database, counted where every statement passes (server/db/round-trips.ts,
 * begin and commit included): each kind of attempt at most its budget, so a statement added on the
 * way fails here. The rules it keeps are tested elsewhere (sign-in.test.ts,
 * sign-in-throttling.test.ts); this file only counts. Round trips are counted on PostgreSQL, whose
 * pool runs statements sent together at once; PGlite, one connection, runs them one by one.
 *
 * Before session 18 (issue 13): 19, 15, 12 and 12 statements, each its own round trip.
 */
const BUDGET = {
  // the attempt and who it names (1), the throttles (4), taking the failure back (1), the session
  // (1), then its refresh token beside the new device (2), the history (2)
  'a right password from a new device': { statements: 11, roundTrips: 9 },
  // … the known device's last use instead of a new one
  'a right password from a known device': { statements: 11, roundTrips: 9 },
  // the attempt and who it names (1), the throttles (4), the history (2)
  'a wrong password': { statements: 7, roundTrips: 6 },
  'an address nobody has': { statements: 7, roundTrips: 6 },
};

eachDatabase(
  'statements and round trips of a sign-in',
  (ctx, dialect) => {
    let email: string;
    let deviceToken: string;

    before(async () => {
      const accountId = await ctx().fixtures.account();
      email = (await ctx().fixtures.member(accountId)).email;
      await ctx().keys.current(); // the app's first signing key is made once, not per sign-in
      // Connections open in the pool, as in a running BFF: statements sent together then run
      // together, rather than one waiting for a connection to be made.
      await Promise.all(Array.from({ length: 4 }, () => sql`select 1`.execute(ctx().db)));
    });

    async function costOf(
      kind: keyof typeof BUDGET,
      body: Record<string, string>,
      expectedStatus: number,
    ) {
      const { result, statements, roundTrips } = await countRoundTrips(async () => {
        const response = await ctx().request('/iam/auth/jwt/login', {
          method: 'POST',
          json: body,
          headers: { 'X-Forwarded-For': '198.51.100.20' },
        });
        return { status: response.status, body: await response.json() };
      });
      assert.equal(result.status, expectedStatus, JSON.stringify(result.body));
      assert.ok(statements <= BUDGET[kind].statements, `${kind}: ${statements} statements`);
      if (dialect === 'postgres') {
        assert.ok(roundTrips <= BUDGET[kind].roundTrips, `${kind}: ${roundTrips} round trips`);
      }
      return result.body as { device_token?: string };
    }

    it('a right password from a new device, then from the device it was given', async () => {
      const first = await costOf(
        'a right password from a new device',
        { username: email, password: Fixtures.PASSWORD },
        200,
      );
      deviceToken = first.device_token!;
      await costOf(
        'a right password from a known device',
        { username: email, password: Fixtures.PASSWORD, device_token: deviceToken },
        200,
      );
    });

    it('a wrong password, and an address nobody has', async () => {
      await costOf('a wrong password', { username: email, password: 'not the password' }, 400);
      await costOf(
        'an address nobody has',
        { username: 'nobody@example.test', password: 'whatever it is' },
        400,
      );
    });
  },
  { TRUST_PROXY: 'true' }, // the client's IP is known, so the per-IP limit counts too
);
