import assert from 'node:assert/strict';
import { before, it } from 'node:test';
import { sql } from 'kysely';
import { ROLE } from '../../shared/roles.ts';
import { USER_ORDERINGS, type User, type UsersPage } from '../../shared/users.ts';
import { eachDatabase } from '../../test/support/context.ts';
import { lastPageCursor } from '../../shared/users-cursor.ts';
import { walkBack as walkBackFrom, walkNext } from '../../test/support/users-pages.ts';
import { EXACT_COUNT_BOUND } from './list-query.ts';
import { readBatches } from '../db/connect.ts';
import { COUNT_EXACT_HEADER } from '../http/page-links.ts';

/**
 * Paging an account bigger than the exact-count bound and the stream's batch: keyset cursors,
 * offsets and the streamed list agree for every ordering; the count says when it is estimated
 * (docs/decisions/021, 022).
 */
const MEMBERS = 1151;
const DAY = 24 * 60 * 60 * 1000;

eachDatabase('GET /iam/users at scale', (ctx) => {
  let accountId: number;
  let token: string;

  before(async () => {
    const { fixtures, db, clock } = ctx();
    accountId = await fixtures.account('Paging Co');
    const admin = await fixtures.member(accountId, { role: ROLE.administrators, name: 'Admin' });
    token = await ctx().tokenFor(admin.id, accountId);
    const now = clock.now();
    // Names repeat (ties broken by id), some are missing; one in ten invitations is pending, half
    // of them expired by the test clock.
    await sql`
      insert into users (email, name, lang, two_fa_enabled_at)
      select 'p-' || lpad(i::text, 5, '0') || '@paging.test',
             case when i % 40 = 0 then null else 'Name ' || (i % 97) end,
             (array['en','de','zh','ru'])[1 + i % 4], case when i % 7 = 0 then ${now}::timestamptz end
      from generate_series(1, ${MEMBERS - 2}) as i`.execute(db);
    await sql`
      insert into memberships (account_id, user_id, role_id, invitation_expires_at, accepted_at, invited_name, invited_lang)
      select ${accountId}, u.id, (array[1,5,3009,3022,2])[1 + u.id % 5],
             case u.id % 10 when 3 then ${new Date(now.getTime() - DAY)}::timestamptz
                            when 7 then ${new Date(now.getTime() + DAY)}::timestamptz end,
             case when u.id % 10 not in (3, 7) then ${now}::timestamptz end,
             case when u.id % 10 in (3, 7) then 'Invited ' || (u.id % 13) end,
             case when u.id % 10 in (3, 7) then 'en' end
      from users u where u.email like '%@paging.test'`.execute(db);
    // Another account's members never show.
    const other = await fixtures.account('Elsewhere');
    for (let i = 0; i < 3; i++) await fixtures.member(other, { name: `Quasar Elsewhere ${i}` });
    await fixtures.member(accountId, { name: 'José Ñandú' });
  });

  const get = async (query: string) => {
    const response = await ctx().request(`/iam/users?${query}`, { token });
    return { response, body: await response.json() };
  };
  const page = async (query: string) => {
    const { response, body } = await get(query);
    assert.equal(response.status, 200, JSON.stringify(body));
    return { page: body as UsersPage, exact: response.headers.get(COUNT_EXACT_HEADER) };
  };
  const ids = (users: User[]) => users.map((user) => user.id);
  const pathOf = (link: string) => link.replace('http://um.test', '');

  const fetchPage = async (path: string) => (await page(path.replace('/iam/users?', ''))).page;
  const walk = (query: string, limit: number) => walkNext(fetchPage, query, limit);
  const walkBack = (query: string, ordering: string, limit: number) =>
    walkBackFrom(fetchPage, query, ordering, limit);

  const orderings = USER_ORDERINGS.flatMap((field) => [field, `-${field}`]);
  for (const ordering of orderings) {
    it(`ordering=${ordering}: the streamed list, the cursor pages and the offset pages agree`, async () => {
      const { response, body } = await get(`ordering=${ordering}`);
      assert.equal(response.status, 200);
      const all = ids(body as User[]);
      assert.equal(all.length, MEMBERS, 'the stream crosses a batch and ends with every member');
      assert.ok(MEMBERS > readBatches(ctx().db).size);
      assert.equal(new Set(all).size, MEMBERS, 'no member twice');
      assert.deepEqual(await walk(`ordering=${ordering}`, 400), all);
      const byOffset = [
        ...ids((await page(`ordering=${ordering}&limit=1000&offset=0`)).page.results),
        ...ids((await page(`ordering=${ordering}&limit=1000&offset=1000`)).page.results),
      ];
      assert.deepEqual(byOffset, all);
      assert.deepEqual(await walkBack(`ordering=${ordering}`, ordering, 400), all);
    });
  }

  it('links back from a deep page by cursor, to the rows the offset gives', async () => {
    for (const ordering of ['email', '-name', 'status', '-id']) {
      const deep = (await page(`limit=50&ordering=${ordering}&offset=700`)).page;
      assert.match(deep.previous!, /[?&]offset=650(&|$)/);
      assert.match(deep.previous!, /[?&]cursor=/);
      const back = (await page(pathOf(deep.previous!).replace('/iam/users?', ''))).page;
      const byOffset = (await page(`limit=50&ordering=${ordering}&offset=650`)).page;
      assert.deepEqual(ids(back.results), ids(byOffset.results), ordering);
      // And forward again from the page sought backwards: the deep page.
      const again = (await page(pathOf(back.next!).replace('/iam/users?', ''))).page;
      assert.deepEqual(ids(again.results), ids(deep.results), ordering);
      // Back to the first page: by offset alone, as before cursors.
      const second = (await page(`limit=50&ordering=${ordering}&offset=50`)).page;
      assert.equal(
        second.previous,
        `http://um.test/iam/users?limit=50&ordering=${ordering}&offset=0`,
      );
    }
  });

  it('the last page sought backwards is the last rows, filtered too', async () => {
    const query = 'status=active&lang=de,en&ordering=-name';
    const all = ids((await get(query)).body as User[]);
    const last = (await page(`${query}&limit=30&cursor=${lastPageCursor('-name')}`)).page;
    assert.deepEqual(ids(last.results), all.slice(-30));
    assert.equal(last.next, null);
    assert.deepEqual(await walkBack(query, '-name', 70), all);
  });

  it('2FA with a language or a role: the members the whole list holds, both ways, counted', async () => {
    // Counted and walked from the index of members with 2FA, which holds their language and role
    // (migration 0017); what it answers is what the whole list, filtered here, says. The fixture's
    // pending invitations have these two roles, and some of their people have 2FA: they are not
    // among the members with 2FA until they join.
    const everyone = (await get('ordering=-email')).body as User[];
    const withTwoFa = (user: User) => user.activated && user.two_fa;
    const cases: [string, (user: User) => boolean][] = [
      ['two_fa=true&lang=de', (user) => withTwoFa(user) && user.lang === 'de'],
      [
        `two_fa=true&role=${ROLE.purgeApiWeb},${ROLE.purgeApi}`,
        (user) =>
          withTwoFa(user) &&
          [ROLE.purgeApiWeb, ROLE.purgeApi].some((id) => id === user.groups[0]!.id),
      ],
    ];
    for (const [filters, keep] of cases) {
      const query = `${filters}&ordering=-email`;
      const expected = ids(everyone.filter(keep));
      assert.ok(expected.length > 20, query);
      assert.deepEqual(ids((await get(query)).body as User[]), expected, `${query}, streamed`);
      assert.deepEqual(await walk(query, 20), expected, `${query}, by next`);
      assert.deepEqual(await walkBack(query, '-email', 20), expected, `${query}, by previous`);
      const first = await page(`${query}&limit=20`);
      assert.deepEqual([first.page.count, first.exact], [expected.length, 'true'], query);
    }
  });

  it('orders by id numerically, both ways', async () => {
    const all = ids((await get('ordering=-id')).body as User[]);
    assert.deepEqual(
      all,
      [...all].sort((a, b) => b - a),
    );
  });

  it('pages a filtered list by cursor exactly as without paging', async () => {
    const query = 'status=active&lang=de,en&ordering=-name';
    const all = ids((await get(query)).body as User[]);
    assert.ok(all.length > 100);
    assert.deepEqual(await walk(query, 70), all);
  });

  it('the next link keeps the offset it stands at, so previous links still work', async () => {
    const first = (await page('limit=100&ordering=email')).page;
    assert.match(first.next!, /[?&]offset=100(&|$)/);
    assert.match(first.next!, /[?&]cursor=/);
    const second = (await page(pathOf(first.next!).replace('/iam/users?', ''))).page;
    assert.equal(second.previous, 'http://um.test/iam/users?limit=100&ordering=email&offset=0');
  });

  it('refuses a cursor that is garbled or made for another ordering (400 naming it)', async () => {
    const first = (await page('limit=10&ordering=email')).page;
    const cursor = new URL(first.next!).searchParams.get('cursor')!;
    const refused = async (query: string) => {
      const { response, body } = await get(query);
      assert.equal(response.status, 400, query);
      assert.ok((body as { errors: Record<string, string[]> }).errors.cursor, JSON.stringify(body));
    };
    await refused(`limit=10&ordering=name&cursor=${cursor}`);
    // Same shape, another ordering: only the ordering named in the cursor tells them apart.
    await refused(`limit=10&ordering=lang&cursor=${cursor}`);
    await refused(`limit=10&ordering=-email&cursor=${cursor}`);
    await refused(`limit=10&cursor=${cursor}`);
    await refused('limit=10&cursor=not!base64');
    await refused(`limit=10&cursor=${Buffer.from('{"id":1}').toString('base64url')}`);
    await refused(`limit=10&cursor=${Buffer.from('["id","x"]').toString('base64url')}`);
    await refused(
      `limit=10&ordering=email&cursor=${Buffer.from('["email",1,2]').toString('base64url')}`,
    );
    await refused(`limit=10&cursor=${Buffer.from('["id",-4]').toString('base64url')}`);
    // Backward cursors are checked alike; the list's end belongs to one ordering too.
    await refused(`limit=10&ordering=email&cursor=${lastPageCursor('name')}`);
    await refused(`limit=10&cursor=${Buffer.from('["<","id","x",3]').toString('base64url')}`);
    await refused(`limit=10&cursor=${Buffer.from('["<"]').toString('base64url')}`);
    await refused(
      `limit=10&ordering=status&cursor=${Buffer.from('["status",7,2]').toString('base64url')}`,
    );
  });

  // Rare texts take the search index (migration 0011), common ones walk the ordering's index,
  // texts shorter than a trigram the `like` alone: every path answers what a substring match of
  // the whole list does, in every ordering, by cursor pages, with the count.
  const searches: [field: 'email' | 'name', text: string][] = [
    ['email', 'p-0004'],
    ['email', 'p-00042@'],
    ['email', 'PAGING.test'],
    ['email', '01'],
    ['email', '_'],
    ['email', 'p-0%'],
    ['name', 'name 9'],
    ['name', 'ame 96'],
    ['name', 'invited 1'],
    ['name', 'josé'],
    ['name', 'q'],
    ['name', 'quasar'],
    ['name', 'no such name'],
  ];
  for (const [field, text] of searches) {
    it(`${field}=${text}: the same members as a substring match of the whole list`, async () => {
      const everyone = (await get('ordering=id')).body as User[];
      const expected = everyone.filter((user) =>
        (user[field] ?? '').toLowerCase().includes(text.toLowerCase()),
      );
      const filter = `${field}=${encodeURIComponent(text)}`;
      for (const ordering of ['id', '-email', 'name', 'status']) {
        const all = ids((await get(`${filter}&ordering=${ordering}`)).body as User[]);
        assert.deepEqual(
          [...all].sort((a, b) => a - b),
          ids(expected),
          `${filter} ordering=${ordering}`,
        );
        assert.deepEqual(await walk(`${filter}&ordering=${ordering}`, 7), all);
      }
      const first = await page(`${filter}&limit=5`);
      if (expected.length <= EXACT_COUNT_BOUND) {
        assert.equal(first.page.count, expected.length);
        assert.equal(first.exact, 'true');
      } else assert.equal(first.exact, 'false');
    });
  }

  it('counts exactly without filters and up to the bound with them, and says when it estimates', async () => {
    const unfiltered = await page('limit=5');
    assert.equal(unfiltered.page.count, MEMBERS);
    assert.equal(unfiltered.exact, 'true');

    const administrators = await page(`limit=5&role=${ROLE.administrators}`);
    const allAdministrators = (await get(`role=${ROLE.administrators}`)).body as User[];
    assert.ok(allAdministrators.length <= EXACT_COUNT_BOUND);
    assert.equal(administrators.page.count, allAdministrators.length);
    assert.equal(administrators.exact, 'true');

    // Past the bound: an estimate, flagged, never below what is known to be there.
    const active = await page('limit=5&email=paging');
    const allActive = ((await get('email=paging')).body as User[]).length;
    assert.ok(allActive > EXACT_COUNT_BOUND);
    assert.equal(active.exact, 'false');
    assert.ok(active.page.count > EXACT_COUNT_BOUND && active.page.count <= MEMBERS);
    assert.ok(
      Math.abs(active.page.count - allActive) <= allActive * 0.1,
      `${active.page.count} vs ${allActive}`,
    );
  });

  it('filters and orders by what the person changes later (email, name, second factor)', async () => {
    const { fixtures, db } = ctx();
    const person = await fixtures.member(accountId, { name: 'Before Change' });
    await sql`update users set email = 'zz-renamed@paging.test', name = 'Quinn Quartz',
      two_fa_enabled_at = now() where id = ${person.id}`.execute(db);
    const byName = (await page('limit=10&name=quinn qua')).page.results;
    assert.deepEqual(ids(byName), [person.id]);
    const byEmail = (await page('limit=1&ordering=-email')).page.results;
    assert.deepEqual(ids(byEmail), [person.id]);
    const withTwoFa = ids((await get('two_fa=true&email=zz-renamed')).body as User[]);
    assert.deepEqual(withTwoFa, [person.id]);
    await sql`update users set two_fa_enabled_at = null where id = ${person.id}`.execute(db);
    assert.deepEqual(ids((await get('two_fa=true&email=zz-renamed')).body as User[]), []);
    const removed = await ctx().request(`/iam/clients/${accountId}/client-users/${person.id}`, {
      method: 'DELETE',
      token,
    });
    assert.equal(removed.status, 200);
  });

  it('keeps the member count exact when members leave and people are deleted', async () => {
    const { fixtures } = ctx();
    const [first] = (await page('limit=1&ordering=-id')).page.results;
    const removed = await ctx().request(`/iam/clients/${accountId}/client-users/${first.id}`, {
      method: 'DELETE',
      token,
    });
    assert.equal(removed.status, 200, await removed.text());
    const joined = await fixtures.member(accountId);
    const deleted = await fixtures.member(accountId);
    await sql`update users set deleted_at = now() where id = ${deleted.id}`.execute(ctx().db);
    const all = (await get('')).body as User[];
    const counted = await page('limit=1');
    assert.equal(counted.page.count, all.length);
    assert.equal(counted.page.count, MEMBERS);
    assert.ok(ids(all).includes(joined.id) && !ids(all).includes(deleted.id));
  });
});
