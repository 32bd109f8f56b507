import assert from 'node:assert/strict';
import { before, it } from 'node:test';
import { sql } from 'kysely';
import type { ActivityPage } from '../../shared/activity.ts';
import { ROLE } from '../../shared/roles.ts';
import { eachDatabase } from '../../test/support/context.ts';
import { backfill } from '../db/migrations/0013_audit_names.ts';

const PATH = '/iam/activity_log/actions';

/**
 * The text filters read the rows of the actors and targets whose names match (migration 0013):
 * the names come from the rows themselves, written by a trigger, so a person renamed is found
 * by each name on the rows that carry it, and nothing else changes what a filter answers.
 */
eachDatabase('the audit trail: actor and target names', (ctx) => {
  let accountId: number;
  let otherAccountId: number;
  let adminId: number;
  let token: string;

  /** Audit rows as any writer makes them (the trigger sees every insert). */
  const write = (rows: string) =>
    sql
      .raw(
        `insert into audit_log (account_id, actor_user_id, actor_name, actor_email, action,
           target_type, target_id, target_name, target_email, details) values ${rows}`,
      )
      .execute(ctx().db);
  const list = async (query: string) => {
    const response = await ctx().request(`${PATH}?limit=50&${query}`, { token });
    assert.equal(response.status, 200, await response.clone().text());
    return ((await response.json()) as ActivityPage).results.map((entry) => entry.details.n);
  };

  before(async () => {
    const f = ctx().fixtures;
    accountId = await f.account('Names Co');
    otherAccountId = await f.account('Other Names Ltd');
    const admin = await f.member(accountId, { role: ROLE.administrators });
    adminId = admin.id;
    token = await ctx().tokenFor(admin.id, accountId);
    const [a, o] = [accountId, otherAccountId];
    // Ada acts as "Ada Lovelace", then renamed "Ada King"; her rows name her as she was.
    await write(`
      (${a}, ${adminId}, 'Ada Lovelace', 'ada@names.test', 'user.updated', 'user', '77', 'Zed Old', 'zed@names.test', '{"n":1}'),
      (${a}, ${adminId}, 'Ada Lovelace', 'ada@names.test', 'user.updated', 'user', '77', 'Zed Old', 'zed@names.test', '{"n":2}'),
      (${a}, ${adminId}, 'Ada King', 'ada@names.test', 'user.updated', 'user', '77', 'Zed New', 'zed@names.test', '{"n":3}'),
      (${a}, ${adminId}, 'Ada King', 'ada@names.test', 'token.created', 'token', '9', null, null, '{"n":4}'),
      (${a}, null, null, null, 'auth.sign_in_failed', 'user', '77', null, null, '{"n":5}'),
      (${o}, ${adminId}, 'Ada Lovelace', 'ada@names.test', 'user.updated', 'user', '77', 'Zed Old', 'zed@names.test', '{"n":6}')`);
  });

  it('finds each name on the rows that carry it, and only in the caller account', async () => {
    assert.deepEqual(await list('actor=lovelace'), [2, 1]);
    assert.deepEqual(await list('actor=ada king'), [4, 3]);
    // Two characters: no search keys, the names' `like` alone.
    assert.deepEqual(await list('actor=da'), [4, 3, 2, 1]);
    assert.deepEqual(await list('actor=ADA@NAMES'), [4, 3, 2, 1]);
    assert.deepEqual(await list('target=zed old'), [2, 1]);
    assert.deepEqual(await list('target=zed@'), [3, 2, 1]);
    // Both texts: the actor's names choose the rows, the target's text still filters them.
    assert.deepEqual(await list('actor=ada&target=zed old'), [2, 1]);
    assert.deepEqual(await list('actor=lovelace&target=zed new'), []);
    // A target's id, of any type, and an id that is also in a name.
    assert.deepEqual(await list('target=9'), [4]);
    assert.deepEqual(await list('target=77'), [5, 3, 2, 1]);
    assert.deepEqual(await list('actor=nobody'), []);
    assert.deepEqual(await list('actor=%25'), []);
  });

  it('pages a text filter by its links both ways, and exports it as CSV', async () => {
    // The rows share one instant (one statement wrote them): the ids order them.
    const page = async (query: string) => {
      const response = await ctx().request(`${PATH}?${query}`, { token });
      assert.equal(response.status, 200, await response.clone().text());
      return (await response.json()) as ActivityPage;
    };
    const next = (link: string | null) => new URL(link!).search.slice(1);
    const ids = (answer: ActivityPage) => answer.results.map((entry) => entry.details.n);
    // By the names (a few of them), with search keys and without (`da`): the same pages.
    for (const text of ['actor=ada', 'actor=da']) {
      const first = await page(`limit=1&${text}`);
      assert.deepEqual([ids(first), first.count], [[4], 4], text);
      const second = await page(next(first.next));
      const third = await page(next(second.next));
      assert.deepEqual([ids(second), ids(third)], [[3], [2]], text);
      const back = await page(next(third.previous));
      assert.deepEqual(ids(back), [3], text);
      const last = await page(next((await page(next(third.next))).previous));
      assert.deepEqual(ids(last), [2], text);
    }
    // By the walk: a text naming more than 200 people (201 walkers, a row each).
    const { db } = ctx();
    await sql`insert into users (email, name, lang)
      select 'walker-' || i || '@names.test', 'Walker ' || i, 'en' from generate_series(1, 201) i`.execute(
      db,
    );
    await sql`insert into audit_log (account_id, actor_user_id, actor_name, actor_email, action, details)
      select ${accountId}, u.id, u.name, u.email, 'user.updated',
             jsonb_build_object('n', 100 + row_number() over (order by u.id))
      from users u where u.email like 'walker-%' order by u.id`.execute(db);
    const walked = await page('limit=100&actor=walker');
    assert.equal(walked.count, 201);
    const walkedNext = await page(next(walked.next));
    const walkedLast = await page(next(walkedNext.next));
    assert.deepEqual(
      [walked, walkedNext, walkedLast].map((answer) => answer.results.length),
      [100, 100, 1],
    );
    const all = [walked, walkedNext, walkedLast].flatMap(ids);
    assert.equal(new Set(all).size, 201);
    assert.deepEqual(ids(await page(next(walkedLast.previous))), ids(walkedNext));
    const csv = await ctx().request(`${PATH}?format=csv&actor=lovelace`, { token });
    assert.equal(csv.status, 200);
    const lines = (await csv.text())
      .replace(/^\uFEFF/, '')
      .trim()
      .split('\r\n');
    assert.equal(lines.length, 3, lines.join('\n'));
    assert.ok(
      lines.slice(1).every((line) => line.includes('Ada Lovelace')),
      lines.join('\n'),
    );
  });

  it('keeps one name of a person once, however many rows carry it', async () => {
    const { rows } = await sql<{ name: string; copies: string | number }>`
      select name, count(*) as copies from audit_actor_names
      where account_id = ${accountId} and user_id = ${adminId} group by name order by name`.execute(
      ctx().db,
    );
    assert.deepEqual(
      rows.map((row) => [row.name, Number(row.copies)]),
      [
        ['Ada King', 1],
        ['Ada Lovelace', 1],
      ],
    );
    const targets = await sql<{ target_id: string; name: string | null }>`
      select target_id, name from audit_target_names where account_id = ${accountId}
      order by target_id, name`.execute(ctx().db);
    assert.deepEqual(
      targets.rows.map((row) => [row.target_id, row.name]),
      [
        ['77', 'Zed New'],
        ['77', 'Zed Old'],
        ['77', null],
        ['9', null],
      ],
    );
  });

  it('names the trail written before the trigger, as the migration does', async () => {
    const { db } = ctx();
    await sql`alter table audit_log disable trigger audit_log_names`.execute(db);
    try {
      await write(`(${accountId}, ${adminId}, 'Grace Before', 'ada@names.test', 'user.updated',
        'project', '501', null, null, '{"n":7}')`);
    } finally {
      await sql`alter table audit_log enable trigger audit_log_names`.execute(db);
    }
    // Unnamed, the row is not found by its actor's name: the filter reads the names.
    assert.deepEqual(await list('actor=grace before'), []);
    assert.deepEqual(await list('target=501'), []);
    for (const statement of backfill) await sql.raw(statement).execute(db);
    assert.deepEqual(await list('actor=grace before'), [7]);
    assert.deepEqual(await list('target=501'), [7]);
  });
});
