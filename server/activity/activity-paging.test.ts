import assert from 'node:assert/strict';
import { before, it } from 'node:test';
import { sql } from 'kysely';
import { ACTIVITY_COUNT_BOUND } from '../../shared/activity-count.ts';
import type { ActivityPage } from '../../shared/activity.ts';
import { ROLE } from '../../shared/roles.ts';
import { encodeCursor } from '../../shared/users-cursor.ts';
import { eachDatabase } from '../../test/support/context.ts';
import { COUNT_EXACT_HEADER } from '../http/page-links.ts';

const PATH = '/iam/activity_log/actions';
/** Rows of the big trail: past the count's bound. */
const ROWS = ACTIVITY_COUNT_BOUND + 150;

/**
 * The audit trail at any size (docs/decisions/038): a count that stops at its bound, pages
 * reached by keyset cursors both ways, and cursors that cannot be forged into another place.
 */
eachDatabase('the audit trail: count bound and keyset paging', (ctx) => {
  let accountId: number;
  let token: string;
  let otherToken: string;

  const get = async (query: string, as = token) => {
    const response = await ctx().request(`${PATH}?${query}`, { token: as });
    assert.equal(response.status, 200, await response.clone().text());
    return {
      page: (await response.json()) as ActivityPage,
      exact: response.headers.get(COUNT_EXACT_HEADER),
    };
  };
  /** The query of a link, as a client follows it. */
  const follow = (link: string | null) => {
    assert.ok(link, 'a link');
    return new URL(link).search.slice(1);
  };
  const ids = (page: ActivityPage) => page.results.map((entry) => entry.details.n);

  before(async () => {
    const f = ctx().fixtures;
    accountId = await f.account('Long Trail Co');
    const admin = await f.member(accountId, { role: ROLE.administrators });
    token = await ctx().tokenFor(admin.id, accountId);
    const otherAccount = await f.account('Short Trail Ltd');
    const otherAdmin = await f.member(otherAccount, { role: ROLE.administrators });
    otherToken = await ctx().tokenFor(otherAdmin.id, otherAccount);
    // `n` 1 is the oldest. Rows come in threes of one instant (a transaction's rows share
    // theirs), so a cursor must tell rows apart by id, not by time alone. Every tenth is a role
    // change, by the Administrator.
    await sql`insert into audit_log (account_id, actor_user_id, action, occurred_at, details)
      select ${accountId}, ${admin.id},
             case when n % 10 = 0 then 'user.role_changed' else 'user.updated' end,
             timestamptz '2026-10-01 00:00:00+00' + (n / 3) * interval '1 second 123456 microseconds',
             jsonb_build_object('n', n)
      from generate_series(1, ${ROWS}) n`.execute(ctx().db);
  });

  it(`counts exactly up to ${ACTIVITY_COUNT_BOUND} matches, and says "more" past them`, async () => {
    const all = await get('limit=10&action=user.updated,user.role_changed');
    assert.equal(all.page.count, ACTIVITY_COUNT_BOUND + 1);
    assert.equal(all.exact, 'false');
    const few = await get('limit=10&action=user.role_changed');
    assert.equal(few.page.count, Math.floor(ROWS / 10));
    assert.equal(few.exact, 'true');
    const none = await get('limit=10&action=user.removed');
    assert.deepEqual([none.page.count, none.page.results, none.exact], [0, [], 'true']);
    assert.deepEqual([none.page.next, none.page.previous], [null, null]);
  });

  it('pages from the newest to the oldest by following `next`, as by offset, with no row twice', async () => {
    const limit = 100;
    const byOffset: unknown[] = [];
    for (let offset = 0; offset < ROWS; offset += limit) {
      byOffset.push(
        ...ids(
          (await get(`limit=${limit}&offset=${offset}&action=user.updated,user.role_changed`)).page,
        ),
      );
    }
    assert.equal(byOffset.length, ROWS);
    assert.deepEqual(
      byOffset,
      Array.from({ length: ROWS }, (_, i) => ROWS - i),
    );

    const byNext: unknown[] = [];
    let query = `limit=${limit}&action=user.updated,user.role_changed`;
    let pages = 0;
    for (;;) {
      const { page } = await get(query);
      pages++;
      byNext.push(...ids(page));
      if (!page.next) break;
      const next = new URL(page.next);
      // The link keeps the filters and carries the offset the page stands at.
      assert.equal(next.searchParams.get('action'), 'user.updated,user.role_changed');
      assert.equal(next.searchParams.get('offset'), String(pages * limit));
      assert.ok(next.searchParams.get('cursor'));
      query = follow(page.next);
    }
    assert.equal(pages, Math.ceil(ROWS / limit));
    assert.deepEqual(byNext, byOffset);
  });

  it('goes back by `previous` to exactly the page before, and to offset 0 from page 2', async () => {
    const first = (await get('limit=7')).page;
    assert.equal(first.previous, null);
    const second = (await get(follow(first.next))).page;
    // Back to page 1 is page 1 by offset, as before cursors.
    const toFirst = new URL(second.previous!);
    assert.equal(toFirst.searchParams.get('offset'), '0');
    assert.equal(toFirst.searchParams.get('cursor'), null);
    const third = (await get(follow(second.next))).page;
    const fourth = (await get(follow(third.next))).page;
    const back = (await get(follow(fourth.previous))).page;
    assert.deepEqual(ids(back), ids(third));
    assert.equal(new URL(fourth.previous!).searchParams.get('offset'), '14');
    // From a page reached backwards, both ways go on from it.
    assert.deepEqual(ids((await get(follow(back.next))).page), ids(fourth));
    assert.deepEqual(ids((await get(follow(back.previous))).page), ids(second));
  });

  it('at the oldest row, has no `next`; one row more would have one', async () => {
    const last = (await get(`limit=10&offset=${ROWS - 10}`)).page;
    assert.deepEqual(ids(last), [10, 9, 8, 7, 6, 5, 4, 3, 2, 1]);
    assert.equal(last.next, null);
    const beforeLast = (await get(`limit=10&offset=${ROWS - 11}`)).page;
    assert.deepEqual(ids((await get(follow(beforeLast.next))).page), [1]);
  });

  it("a cursor only says where to start: in another account it shows that account's rows", async () => {
    const mine = (await get('limit=5')).page;
    const cursor = new URL(mine.next!).searchParams.get('cursor')!;
    const theirs = (await get(`limit=5&cursor=${cursor}`, otherToken)).page;
    // A cursor made by hand is read as its moment: the rows of n 6-8 are at that moment (`id` 1
    // is before theirs), n 1-5 before it.
    const at = encodeCursor(['2026-10-01 00:00:02.246912+00', '1']);
    assert.deepEqual(ids((await get(`limit=3&cursor=${at}`)).page), [5, 4, 3]);
    assert.ok(theirs.results.every((entry) => entry.details.n === undefined));
  });

  it('refuses a garbled or foreign cursor with 400 naming `cursor`', async () => {
    const bad = [
      'not+base64',
      encodeCursor(['2026-10-01 00:00:00+00']),
      encodeCursor(['2026-10-01 00:00:00+00', 5]),
      encodeCursor(['yesterday', '5']),
      // Well formed, but no such day or hour, or an id past a bigint: the database would fail on
      // them. A time not in UTC to the microsecond is not one of ours.
      encodeCursor(['2026-02-30 00:00:00.000000+00', '5']),
      encodeCursor(['2026-10-01 24:00:00.000000+00', '5']),
      encodeCursor(['2026-10-01 00:00:00.000000+00', '9223372036854775808']),
      encodeCursor(['2026-10-01 00:00:00.1234567+00', '5']),
      encodeCursor(['2026-10-01 00:00:00+00', '5']),
      encodeCursor(['2026-10-01 02:00:00.000000+99', '5']),
      encodeCursor(['2026-10-01 00:00:00.000000+00', '0']),
      encodeCursor(['<', '2026-10-01 00:00:00+00']),
      // A Users list cursor.
      encodeCursor(['id', 5]),
      Buffer.from('{"at":1}').toString('base64url'),
      'x'.repeat(300),
    ];
    for (const cursor of bad) {
      const response = await ctx().request(`${PATH}?limit=5&cursor=${cursor}`, { token });
      assert.equal(response.status, 400, cursor);
      const body = (await response.json()) as { errors?: Record<string, unknown> };
      assert.ok(body.errors?.cursor, `${cursor}: ${JSON.stringify(body)}`);
    }
  });
});
