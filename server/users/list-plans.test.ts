import assert from 'node:assert/strict';
import { before, it } from 'node:test';
import { sql } from 'kysely';
import { USER_ORDERINGS } from '../../shared/users.ts';
import { eachDatabase } from '../../test/support/context.ts';
import type { Db } from '../db/connect.ts';
import { listMembers } from './repository.ts';

/**
 * On PostgreSQL a page of the Users list without filters is planned once per connection, not on
 * every request: planning its statement took 1–1.4 ms against 0.3–0.6 ms of running it, on the
 * bench's 100,000-member account (docs/decisions/033). PostgreSQL plans a named statement with
 * its values five times, then keeps the generic plan when that is estimated no dearer; what is
 * checked here is that it is, for a big account and a small one alike, for the first page in
 * every ordering but status (derived from the clock) and for deep pages. PGlite takes every
 * statement unnamed: no plan is kept.
 */
const BIG = 10_000;

eachDatabase('Users list plans', (ctx, dialect) => {
  const skip = dialect !== 'postgres' && 'PGlite plans every statement: nothing is kept';
  let big: number;
  let small: number;

  before(async () => {
    if (skip) return;
    const { fixtures, db } = ctx();
    big = await fixtures.account('Big plans');
    small = await fixtures.account('Small plans');
    await sql`
      insert into users (email, name, lang)
      select 'plan-' || i || '@plans.test', 'Name ' || (i % 97), (array['en','de','zh','ru'])[1 + i % 4]
      from generate_series(1, ${BIG + 40}) as i`.execute(db);
    await sql`
      insert into memberships (account_id, user_id, role_id, accepted_at)
      select case when row_number() over (order by u.id) <= ${BIG} then ${big}::int else ${small}::int end,
             u.id, (array[1,5,3009,3022,2])[1 + u.id % 5], now()
      from users u where u.email like '%@plans.test'`.execute(db);
    await sql`analyze`.execute(db);
  });

  /** How the list's statements run by `run`, on one connection, were planned: generic or custom. */
  async function plansOf(run: (db: Db) => Promise<unknown>) {
    return ctx()
      .db.connection()
      .execute(async (db) => {
        const counts = async () => {
          const { rows } = await sql<{ name: string; generic: string; custom: string }>`
            select name, generic_plans as generic, custom_plans as custom
            from pg_prepared_statements
            where statement like '%page as materialized%' and statement not like '%pg_prepared%'`.execute(
            db,
          );
          return new Map(rows.map((row) => [row.name, row]));
        };
        const before = await counts();
        await run(db);
        return [...(await counts()).values()]
          .map((row) => ({
            generic: Number(row.generic) - Number(before.get(row.name)?.generic ?? 0),
            custom: Number(row.custom) - Number(before.get(row.name)?.custom ?? 0),
          }))
          .filter((row) => row.generic + row.custom > 0);
      });
  }

  const page = (db: Db, accountId: number, query: Parameters<typeof listMembers>[3]) =>
    listMembers(db, accountId, 0, query, new Date());

  it('keeps one plan of a first page, whatever the account size', { skip }, async () => {
    const plans = await plansOf(async (db) => {
      for (let i = 0; i < 8; i++) await page(db, i % 2 ? small : big, { limit: 10 });
    });
    assert.equal(plans.length, 1);
    assert.ok(plans[0].generic > 0, JSON.stringify(plans));
  });

  it('keeps one plan of the first page in every ordering but status', { skip }, async () => {
    const fields = USER_ORDERINGS.filter((field) => field !== 'status');
    for (const ordering of fields.flatMap((field) => [field, `-${field}` as const])) {
      const plans = await plansOf(async (db) => {
        for (let i = 0; i < 8; i++) await page(db, big, { limit: 10, ordering });
      });
      assert.ok(plans[0].generic > 0, `${ordering}: ${JSON.stringify(plans)}`);
    }
  });

  it('keeps one plan of a deep page, by cursor (either way) and by offset', { skip }, async () => {
    const { nextCursor, previousCursor } = await page(ctx().db, big, {
      limit: 10,
      offset: BIG - 100,
    });
    for (const query of [
      { limit: 10, cursor: nextCursor },
      { limit: 10, cursor: previousCursor },
      { limit: 10, offset: BIG - 100 },
    ]) {
      const plans = await plansOf(async (db) => {
        for (let i = 0; i < 8; i++) await page(db, big, query);
      });
      assert.ok(plans[0].generic > 0, `${JSON.stringify(query)}: ${JSON.stringify(plans)}`);
    }
  });
});
