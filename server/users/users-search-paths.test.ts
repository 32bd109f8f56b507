import assert from 'node:assert/strict';
import { before, it } from 'node:test';
import { sql } from 'kysely';
import { ROLE } from '../../shared/roles.ts';
import type { User, UsersPage } from '../../shared/users.ts';
import { eachDatabase } from '../../test/support/context.ts';
import { walkBack as walkBackFrom, walkNext } from '../../test/support/users-pages.ts';
import { BIG_ACCOUNT_MEMBERS, EXACT_COUNT_BOUND } from './list-query.ts';
import { COUNT_EXACT_HEADER } from '../http/page-links.ts';

/**
 * A search takes one of three paths, chosen in the statement by how many of the account's first
 * 500 members match (list-query.ts): common, the ordering's index is walked; rare, the search index
 * finds every match up to the bound and the page is sought among them; rare in the first members
 * yet past the bound in all, the ordering's index is walked after all. A walk that meets too few
 * matches before its bound (they lie elsewhere in the order) gives way to every match found by the
 * search index, the page sought among them. The account here puts its
 * matches where each path is taken, and every path must answer what a substring match of the whole
 * list does: the same members, in order, page after page, with the count. A second account of the
 * same members says it has BIG_ACCOUNT_MEMBERS: its searches run as a big account's own statements
 * (its id in their text, the text hidden from the planner, decision 040), and must answer the same.
 */
const EARLY = 500;
const LATE = EXACT_COUNT_BOUND + 100;

eachDatabase('GET /iam/users: the paths of a search', (ctx) => {
  let token: string;
  let bigToken: string;

  before(async () => {
    const { fixtures, db, clock } = ctx();
    const accountId = await fixtures.account('Search Paths Co');
    const admin = await fixtures.member(accountId, { role: ROLE.administrators, name: 'Admin' });
    token = await ctx().tokenFor(admin.id, accountId);
    const bigId = await fixtures.account('Search Paths Big');
    // In id order: EARLY members "early-…", then LATE members "late-…"; one in fifty has "mid-".
    // One in four is an Administrator.
    await sql`
      insert into users (email, name, lang)
      select (case when i <= ${EARLY} then 'early-' else 'late-' end)
               || (case when i % 50 = 0 then 'mid-' else '' end) || i || '@paths.test',
             'Person ' || i, 'en'
      from generate_series(1, ${EARLY + LATE}) as i order by i`.execute(db);
    await sql`
      insert into memberships (account_id, user_id, role_id, accepted_at)
      select ${accountId}, u.id,
             case when u.id % 4 = 0 then ${ROLE.administrators}::int else ${ROLE.users}::int end,
             ${clock.now()}::timestamptz
      from users u where u.email like '%@paths.test' order by u.id`.execute(db);
    await sql`
      insert into memberships (account_id, user_id, role_id, accepted_at)
      select ${bigId}, m.user_id, m.role_id, m.accepted_at from memberships m
      where m.account_id = ${accountId} order by m.user_id`.execute(db);
    await sql`update accounts set member_count = ${BIG_ACCOUNT_MEMBERS} where id = ${bigId}`.execute(
      db,
    );
    bigToken = await ctx().tokenFor(admin.id, bigId);
  });

  /** Whose requests: the first account's Administrator, or the big account's. */
  let asker = () => token;
  const get = async (path: string, bearer = asker()) => {
    const response = await ctx().request(path, { token: bearer });
    const body = await response.json();
    assert.equal(response.status, 200, JSON.stringify(body));
    return { body, exact: response.headers.get(COUNT_EXACT_HEADER) };
  };

  // The whole list of the first account, which the big one's members are.
  const wholeLists = new Map<string, Promise<User[]>>();
  const everyone = (ordering: string) => {
    if (!wholeLists.has(ordering)) {
      wholeLists.set(
        ordering,
        get(`/iam/users?ordering=${ordering}`, token).then((r) => r.body as User[]),
      );
    }
    return wholeLists.get(ordering)!;
  };

  const fetchPage = async (path: string) => (await get(path)).body as UsersPage;
  const walk = (query: string, limit: number) => walkNext(fetchPage, query, limit);
  const walkBack = (query: string, ordering: string, limit: number) =>
    walkBackFrom(fetchPage, query, ordering, limit);

  const cases = [
    // 10 of the first 500 match (2%): the page walks the ordering's index, the count is found.
    { text: 'mid-', path: 'common in the first members' },
    // None of the first 500: every match found by the search index, the page sought among them.
    { text: 'late-1555', path: 'rare' },
    { text: 'late-7', path: 'rare, a few matches' },
    // None of the first 500, yet more than the bound in all: the ordering's index after all.
    { text: 'late-', path: 'rare in the first members, past the bound in all' },
  ];
  for (const [big, { text, path }] of [false, true].flatMap((big) =>
    cases.map((c) => [big, c] as const),
  )) {
    const whose = big ? ", a big account's statement" : '';
    it(`email=${text} (${path}${whose}): the members a substring match gives, in order, counted`, async () => {
      asker = () => (big ? bigToken : token);
      let expected: User[] = [];
      for (const ordering of ['id', '-email', 'name', 'status']) {
        // The whole list in this ordering, narrowed here: the members and the order to expect.
        expected = (await everyone(ordering)).filter((user) => user.email.includes(text));
        assert.ok(expected.length > 0);
        const all = (await get(`/iam/users?email=${text}&ordering=${ordering}`)).body as User[];
        const ids = all.map((user) => user.id);
        // Ten pages or so: enough to cross pages, few enough requests.
        const pageSize = Math.max(7, Math.ceil(ids.length / 10));
        assert.deepEqual(
          ids,
          expected.map((user) => user.id),
          `ordering=${ordering}`,
        );
        assert.deepEqual(await walk(`email=${text}&ordering=${ordering}`, pageSize), ids);
      }
      const first = await get(`/iam/users?email=${text}&limit=5`);
      const page = first.body as UsersPage;
      if (expected.length <= EXACT_COUNT_BOUND) {
        assert.equal(page.count, expected.length);
        assert.equal(first.exact, 'true');
      } else {
        assert.equal(first.exact, 'false');
        assert.ok(page.count > EXACT_COUNT_BOUND, `${page.count}`);
      }
    });
  }

  it('email=early-1, common but far from where the walk starts: every page, both ways', async () => {
    // 109 of the first 500 match, so the page walks the ordering's index; but by `-email` and by
    // `-status` (newest first) the walk meets the 1,100 `late-…` members first, and its bound (a
    // hundred rows per row of the page) ends it before a match: the page comes from every match.
    // By `status` the same happens to pages sought backwards from the end, and by `name` and
    // `-name` matches and others alternate.
    const text = 'early-1';
    for (const bearer of [token, bigToken]) {
      asker = () => bearer;
      for (const ordering of ['-email', '-status', 'status', 'name', '-name']) {
        const expected = (await everyone(ordering))
          .filter((user) => user.email.includes(text))
          .map((user) => user.id);
        assert.ok(expected.length > 100, `${expected.length}`);
        const query = `email=${text}&ordering=${ordering}`;
        // Without `limit`: streamed in batches, uncounted (their walk's bound is far bigger).
        const streamed = (await get(`/iam/users?${query}`)).body as User[];
        assert.deepEqual(
          streamed.map((user) => user.id),
          expected,
          `ordering=${ordering}, streamed`,
        );
        assert.deepEqual(await walk(query, 5), expected, `ordering=${ordering}, by next`);
        assert.deepEqual(await walkBack(query, ordering, 5), expected, `${ordering}, by previous`);
        // Counted from the matches the page was sought among (when the walk was cut): exactly.
        const first = await get(`/iam/users?${query}&limit=5`);
        assert.deepEqual([(first.body as UsersPage).count, first.exact], [expected.length, 'true']);
        const deep = (await get(`/iam/users?${query}&limit=5&offset=5`)).body as UsersPage;
        assert.deepEqual(
          deep.results.map((user) => user.id),
          expected.slice(5, 10),
          `${ordering}, offset=5`,
        );
      }
    }
  });

  it('id=2001, common but far from where the walk starts by -id: every page, both ways, counted', async () => {
    // An account of 1,600 people with ids 200000 to 201599 (beside a twin that says it is big):
    // `2001` is in 100 of its first 500 ids, so the page walks the ordering's index; by `-id` the
    // walk meets the 1,100 ids above them first, is cut, and the id's trigram index finds them.
    const { fixtures, db, clock } = ctx();
    const [small, big] = [await fixtures.account('Ids Co'), await fixtures.account('Ids Big')];
    const admin = await fixtures.member(small, { role: ROLE.administrators });
    await sql`
      insert into users (id, email, name, lang) overriding system value
      select 200000 + i, 'ids-' || i || '@ids.test', 'Id ' || i, 'en'
      from generate_series(0, 1599) as i`.execute(db);
    for (const account of [small, big]) {
      await sql`
        insert into memberships (account_id, user_id, role_id, accepted_at)
        select ${account}::int, u.id, ${ROLE.users}::int, ${clock.now()}::timestamptz
        from users u where u.email like '%@ids.test' order by u.id`.execute(db);
    }
    await sql`update accounts set member_count = ${BIG_ACCOUNT_MEMBERS} where id = ${big}`.execute(
      db,
    );
    await sql`insert into memberships (account_id, user_id, role_id, accepted_at)
      values (${big}, ${admin.id}, ${ROLE.administrators}, ${clock.now()})`.execute(db);
    for (const account of [small, big]) {
      const bearer = await ctx().tokenFor(admin.id, account);
      asker = () => bearer;
      for (const ordering of ['-id', 'id', '-email', 'status']) {
        const whole = (await get(`/iam/users?ordering=${ordering}`)).body as User[];
        const expected = whole
          .filter((user) => String(user.id).includes('2001'))
          .map((user) => user.id);
        assert.equal(expected.length, 100);
        const query = `id=2001&ordering=${ordering}`;
        const streamed = (await get(`/iam/users?${query}`)).body as User[];
        assert.deepEqual(
          streamed.map((user) => user.id),
          expected,
          `${query}, streamed`,
        );
        assert.deepEqual(await walk(query, 7), expected, `${query}, by next`);
        assert.deepEqual(await walkBack(query, ordering, 7), expected, `${query}, by previous`);
        const first = await get(`/iam/users?${query}&limit=7`);
        assert.deepEqual([(first.body as UsersPage).count, first.exact], [100, 'true']);
      }
    }
  });

  it("id=…: the members whose id holds the text, found by the id's trigram index, both forms", async () => {
    const all = await everyone('id');
    const newest = String(all.at(-1)!.id);
    // The newest member's id (one match), its first and its last three digits (a few), a text no
    // id holds, and an id's text beside an email's (the search index's keys find them then).
    const queries: { id: string; email?: string }[] = [
      { id: newest },
      { id: newest.slice(0, 3) },
      { id: newest.slice(-3) },
      { id: '0000' },
      { id: newest.slice(0, 3), email: 'late-' },
    ];
    for (const bearer of [token, bigToken]) {
      asker = () => bearer;
      for (const filters of queries) {
        const expected = all.filter(
          (user) =>
            String(user.id).includes(filters.id) && user.email.includes(filters.email ?? ''),
        );
        const query = new URLSearchParams(filters as Record<string, string>).toString();
        for (const ordering of ['id', '-id', '-email', 'status']) {
          const byOrdering = (await everyone(ordering))
            .filter((user) => expected.some((match) => match.id === user.id))
            .map((user) => user.id);
          const streamed = (await get(`/iam/users?${query}&ordering=${ordering}`)).body as User[];
          assert.deepEqual(
            streamed.map((user) => user.id),
            byOrdering,
            `${query} ordering=${ordering}`,
          );
          assert.deepEqual(await walk(`${query}&ordering=${ordering}`, 2), byOrdering);
        }
        const first = await get(`/iam/users?${query}&limit=2`);
        assert.deepEqual([(first.body as UsersPage).count, first.exact], [expected.length, 'true']);
      }
    }
  });

  it('takes `%`, `_` and `\\` in a text as themselves, in both forms of the statement', async () => {
    // Every member's address holds `early-1` or `late-1`; taken as patterns, these would match.
    for (const bearer of [token, bigToken]) {
      for (const text of ['early_1', 'late%1', '%', '_', 'late\\']) {
        const page = (await get(`/iam/users?limit=10&email=${encodeURIComponent(text)}`, bearer))
          .body as UsersPage;
        assert.deepEqual([page.count, page.results.length], [0, 0], `${text}`);
      }
    }
  });

  it('estimates a count past the bound from the share of the members that matched', async () => {
    asker = () => token;
    const users = (await everyone('id')).filter((user) => user.groups[0]?.id === ROLE.users);
    assert.ok(users.length > EXACT_COUNT_BOUND && users.length < EARLY + LATE);
    const first = await get(`/iam/users?role=${ROLE.users}&limit=5`);
    assert.equal(first.exact, 'false');
    const { count } = first.body as UsersPage;
    assert.ok(Math.abs(count - users.length) <= users.length * 0.1, `${count} vs ${users.length}`);
  });
});
