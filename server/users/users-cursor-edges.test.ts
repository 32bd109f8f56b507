import assert from 'node:assert/strict';
import { before, it } from 'node:test';
import { ROLE } from '../../shared/roles.ts';
import type { UsersPage } from '../../shared/users.ts';
import { eachDatabase } from '../../test/support/context.ts';

/**
 * Cursors at their edges (docs/decisions/022 and 028): the links the BFF makes always work, and a
 * cursor it did not make is refused as one (400 naming `cursor`), never sent to the database.
 */
const encode = (parts: unknown[]) => Buffer.from(JSON.stringify(parts)).toString('base64url');

eachDatabase('GET /iam/users: cursors at their edges', (ctx) => {
  let token: string;
  let longName: { id: number };

  before(async () => {
    const { fixtures } = ctx();
    const accountId = await fixtures.account('Cursor Edges');
    const admin = await fixtures.member(accountId, { role: ROLE.administrators, name: 'Admin' });
    token = await ctx().tokenFor(admin.id, accountId);
    await fixtures.member(accountId, { name: 'Aaron' });
    // The longest name a person may give themself, in three-byte characters: its cursor is the
    // longest the BFF makes.
    longName = await fixtures.member(accountId, { name: '名'.repeat(255) });
    await fixtures.member(accountId, { name: 'Zed' });
  });

  const get = (path: string) => ctx().request(path, { token });

  it('follows its own links across a member with the longest name, both ways', async () => {
    for (const ordering of ['name', '-name']) {
      const seen: number[] = [];
      let path: string | null = `/iam/users?limit=1&ordering=${ordering}`;
      let last: UsersPage | undefined;
      while (path) {
        const response = await get(path);
        const body = (await response.json()) as UsersPage;
        assert.equal(response.status, 200, `${ordering}: ${JSON.stringify(body)}`);
        seen.push(...body.results.map((user) => user.id));
        last = body;
        path = body.next && body.next.replace('http://um.test', '');
      }
      assert.equal(seen.length, 4, ordering);
      assert.ok(seen.includes(longName.id));
      // And back from the last page by its `previous` links.
      path = last!.previous && last!.previous.replace('http://um.test', '');
      while (path) {
        const response = await get(path);
        const body = (await response.json()) as UsersPage;
        assert.equal(response.status, 200, `${ordering} back: ${JSON.stringify(body)}`);
        path = body.previous && body.previous.replace('http://um.test', '');
      }
    }
  });

  it('answers a `previous` link with nothing before its row any more with the first page', async () => {
    // What a link made before the rows ahead of its row were removed looks like: a page that ends
    // before `a`, in name order.
    const before = encode(['<', 'name', false, 'a', 1]);
    const response = await get(`/iam/users?limit=2&ordering=name&offset=2&cursor=${before}`);
    const body = (await response.json()) as UsersPage;
    assert.equal(response.status, 200, JSON.stringify(body));
    const first = (await (await get('/iam/users?limit=2&ordering=name')).json()) as UsersPage;
    assert.deepEqual(body, first);
    assert.equal(body.results.length, 2);
    assert.equal(body.previous, null);
    assert.match(body.next!, /[?&]offset=2&/);
    // The same with a search, whose page is walked (list-query.ts `pageOf`) twice in one statement.
    const searched = await get(`/iam/users?limit=2&ordering=name&email=example&cursor=${before}`);
    const firstFound = await get('/iam/users?limit=2&ordering=name&email=example');
    assert.equal(searched.status, 200);
    const [restarted, found] = [await searched.json(), await firstFound.json()] as UsersPage[];
    assert.deepEqual(
      [restarted!.results, restarted!.count, restarted!.previous],
      [found!.results, found!.count, null],
    );
    assert.equal(restarted!.results.length, 2);
  });

  it('refuses a cursor whose values the database cannot compare, naming it', async () => {
    const crafted: [ordering: string, parts: unknown[]][] = [
      ['id', ['id', 1.5, 3]],
      ['id', ['id', 1e300, 3]],
      ['-id', ['<', '-id', -1e20, 3]],
      ['email', ['email', 'a\u0000b', 3]],
      ['name', ['name', false, '\u0000', 3]],
      ['role', ['role', 'Users\u0000', 3]],
    ];
    for (const [ordering, parts] of crafted) {
      const response = await get(`/iam/users?limit=2&ordering=${ordering}&cursor=${encode(parts)}`);
      const body = (await response.json()) as { errors?: Record<string, string[]> };
      assert.equal(response.status, 400, JSON.stringify(parts));
      assert.ok(body.errors?.cursor, `${JSON.stringify(parts)}: ${JSON.stringify(body)}`);
    }
  });
});
