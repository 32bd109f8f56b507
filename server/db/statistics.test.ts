import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { sql } from 'kysely';
import { startBff, type RunningBff } from '../start.ts';
import { DIALECTS } from '../../test/support/databases.ts';
import { analyzeStaleTables, type OpenDatabase } from './connect.ts';

/**
 * The planner's statistics on PGlite, which has no autovacuum (decision 029): gathered for tables
 * never analysed and for tables of which many rows changed since; left to autovacuum on PostgreSQL.
 */
const reltuples = async (database: OpenDatabase, table: string) =>
  Number(
    (
      await sql<{
        n: number;
      }>`select reltuples as n from pg_class where relname = ${table}`.execute(database.db)
    ).rows[0].n,
  );

for (const dialect of DIALECTS) {
  describe(`statistics for the planner [${dialect.name}]`, () => {
    let database: OpenDatabase;
    before(async () => {
      database = await dialect.open();
    });
    after(() => database.close());

    it('keeps a thousand of the accounts of memberships in the statistics (migration 0015)', async () => {
      // So that every big account's size is known to the planner (docs/decisions/040).
      const { rows } = await sql<{ target: number }>`select attstattarget::int as target
        from pg_attribute where attrelid = 'memberships'::regclass and attname = 'account_id'`.execute(
        database.db,
      );
      assert.equal(rows[0]?.target, 1000);
    });

    it('analyses the tables that never were, then those of which many rows changed', async () => {
      const first = await analyzeStaleTables(database.db);
      if (dialect.name === 'postgres') {
        assert.deepEqual(first, [], 'autovacuum does it on PostgreSQL');
        return;
      }
      // Migration 0007 analyses users and memberships itself; the rest never were.
      assert.ok(first.includes('accounts') && first.includes('sessions'), String(first));
      assert.deepEqual(await analyzeStaleTables(database.db), [], 'nothing changed since');

      await sql`insert into users (email, lang) select 'a-' || i || '@stats.test', 'en'
        from generate_series(1, 40) as i`.execute(database.db);
      assert.deepEqual(await analyzeStaleTables(database.db), [], '40 changed rows: not yet');
      await sql`insert into users (email, lang) select 'b-' || i || '@stats.test', 'en'
        from generate_series(1, 500) as i`.execute(database.db);
      assert.deepEqual(await analyzeStaleTables(database.db), ['users']);
      assert.equal(await reltuples(database, 'users'), 540);
    });
  });
}

describe('the demo on PGlite starts with statistics for the planner', () => {
  let bff: RunningBff;
  before(async () => {
    bff = await startBff({ PORT: '0', DATA_DIR: 'memory://', DEMO_SEED: 'true' });
  });
  after(() => bff.close());

  it('has analysed every table before it answers', async () => {
    const never = await sql<{ name: string }>`
      select c.relname as name from pg_class c join pg_stat_user_tables s on s.relid = c.oid
      where c.reltuples < 0`.execute(bff.database.db);
    assert.deepEqual(never.rows, []);
  });
});
