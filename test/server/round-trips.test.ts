import assert from 'node:assert/strict';
import { before, it } from 'node:test';
import { countRoundTrips } from '../../server/db/round-trips.ts';
import { ROLE } from '../../shared/roles.ts';
import type { UsersPage } from '../../shared/users.ts';
import { eachDatabase } from '../support/context.ts';

/**
 * An authenticated read costs at most 2 round trips to the database: who is calling (with their
 * role, read anew), then the answer (docs/decisions/022). Counted where every statement passes
 * (server/db/round-trips.ts), begin and commit included, so a new query on the way fails here.
 */
const MAX_ROUND_TRIPS = 2;

eachDatabase('round trips per request', (ctx) => {
  let accountId: number;
  let adminId: number;
  let bearer: string;
  let apiKey: string;
  let memberId: number;

  before(async () => {
    const { fixtures } = ctx();
    accountId = await fixtures.account('Round Trips Co');
    adminId = (await fixtures.member(accountId, { role: ROLE.administrators })).id;
    bearer = await ctx().tokenFor(adminId, accountId);
    const other = await fixtures.account('Other');
    await fixtures.join(other, adminId, ROLE.users, 'active');
    memberId = (await fixtures.member(accountId, { name: 'Mia Member', lang: 'de' })).id;
    await fixtures.member(accountId, { status: 'not_activated' });
    await fixtures.member(accountId, { status: 'invitation_expired' });
    const project = await fixtures.project(accountId);
    await fixtures.cloudRole(accountId, memberId, project, 'User');
    const created = await ctx().request(`/iam/v2/clients/${accountId}/tokens`, {
      method: 'POST',
      token: bearer,
      json: {
        name: 'round trips',
        exp_date: null,
        client_user: { role: { id: ROLE.administrators } },
      },
    });
    assert.equal(created.status, 201, await created.clone().text());
    apiKey = ((await created.json()) as { token: string }).token;
  });

  async function costOf(path: string, authorization: string) {
    const { result, roundTrips, statements } = await countRoundTrips(async () => {
      const response = await ctx().request(path, { headers: { Authorization: authorization } });
      return { status: response.status, body: await response.text() };
    });
    assert.equal(result.status, 200, `${path}: ${result.body}`);
    return { roundTrips, statements, body: result.body };
  }

  const lists = [
    'limit=10',
    'limit=10&offset=2',
    'limit=10&ordering=-email',
    'limit=10&ordering=name',
    'limit=10&ordering=role',
    'limit=10&ordering=-lang',
    'limit=10&ordering=status',
    'limit=10&email=member&name=mia',
    'limit=10&id=1',
    'limit=10&role=1,2&lang=de,en',
    'limit=10&status=active,invitation_expired&two_fa=false',
    '',
    'ordering=-status',
  ];

  for (const query of lists) {
    it(`GET /iam/users?${query}: at most ${MAX_ROUND_TRIPS} round trips, with a Bearer token or an API token`, async () => {
      for (const authorization of [`Bearer ${bearer}`, `APIKey ${apiKey}`]) {
        const cost = await costOf(`/iam/users?${query}`, authorization);
        assert.ok(cost.statements > 0, 'the counter sees the statements');
        assert.ok(
          cost.roundTrips <= MAX_ROUND_TRIPS,
          `${query} via ${authorization.split(' ')[0]}: ${cost.roundTrips}`,
        );
      }
    });
  }

  it('a page followed by its cursor: at most 2 round trips', async () => {
    const first = JSON.parse(
      (await costOf('/iam/users?limit=1', `Bearer ${bearer}`)).body,
    ) as UsersPage;
    const next = first.next!.replace('http://um.test', '');
    assert.ok((await costOf(next, `Bearer ${bearer}`)).roundTrips <= MAX_ROUND_TRIPS);
    // A `previous` link with nothing before its row any more: the first page, in the same statement.
    const nothingBefore = Buffer.from(JSON.stringify(['<', 'id', 1, 1])).toString('base64url');
    const restarted = await costOf(
      `/iam/users?limit=1&cursor=${nothingBefore}`,
      `Bearer ${bearer}`,
    );
    assert.equal((JSON.parse(restarted.body) as UsersPage).results.length, 1);
    assert.ok(restarted.roundTrips <= MAX_ROUND_TRIPS, String(restarted.roundTrips));
  });

  it('GET /iam/users/{id}, of a member and of the caller: at most 2 round trips', async () => {
    for (const id of [memberId, adminId]) {
      for (const authorization of [`Bearer ${bearer}`, `APIKey ${apiKey}`]) {
        const cost = await costOf(`/iam/users/${id}`, authorization);
        assert.ok(cost.roundTrips <= MAX_ROUND_TRIPS, `user ${id}: ${cost.roundTrips}`);
      }
    }
  });

  it('the token list: at most 2 round trips', async () => {
    const cost = await costOf(`/iam/v2/clients/${accountId}/tokens`, `Bearer ${bearer}`);
    assert.ok(cost.roundTrips <= MAX_ROUND_TRIPS, String(cost.roundTrips));
  });
});
