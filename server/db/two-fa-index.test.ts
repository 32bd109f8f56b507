import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { Migrator, sql, type Kysely } from 'kysely';
import pg from 'pg';
import { createPostgresDatabase } from '../../test/support/databases.ts';
import { MIGRATIONS, migrate, openDatabase, type Db } from './connect.ts';

/**
 * Migration 0017 on a database of the version before it: the index of members with 2FA is built
 * again with their language and role (`memberships_two_fa_with_filters`) and 0016's is dropped.
 * On PostgreSQL, two ways an upgrade goes wrong are checked: an index of the new name left invalid
 * by a failed concurrent build (docs/deploy.md builds it beforehand that way) is built again, not
 * taken as done; and the drop, which must wait for every reader of memberships while later readers
 * wait behind it, gives up after a few seconds instead of stalling the API behind a long
 * transaction.
 */
const migrateTo0016 = (db: Db) => migrate(db, '0016_members_with_two_fa');

/** The indexes of members with 2FA: name, whether valid, definition. */
async function twoFaIndexes(db: Db) {
  const { rows } = await sql<{ name: string; valid: boolean; definition: string }>`
    select c.relname as name, i.indisvalid as valid, pg_get_indexdef(c.oid) as definition
    from pg_index i join pg_class c on c.oid = i.indexrelid
    where c.relname like 'memberships_two_fa%' order by c.relname`.execute(db);
  return rows;
}

function assertBuilt(indexes: Awaited<ReturnType<typeof twoFaIndexes>>) {
  assert.equal(indexes.length, 1, JSON.stringify(indexes));
  assert.equal(indexes[0]!.name, 'memberships_two_fa_with_filters');
  assert.equal(indexes[0]!.valid, true);
  assert.match(indexes[0]!.definition, /INCLUDE \(sort_lang, role_id\)/);
  assert.match(indexes[0]!.definition, /WHERE \(\(accepted_at IS NOT NULL\) AND two_fa\)/);
}

describe('migration 0017: the index of members with 2FA, with their language and role', () => {
  it('replaces the index of 0016 [pglite]', async () => {
    const { db, close } = await openDatabase({ dataDir: 'memory://' });
    try {
      await migrateTo0016(db);
      assert.deepEqual(
        (await twoFaIndexes(db)).map((index) => index.name),
        ['memberships_two_fa_by_id'],
      );
      await migrate(db);
      assertBuilt(await twoFaIndexes(db));
    } finally {
      await close();
    }
  });

  it('leaves the lock timeout as it was for the migrations after it [pglite]', async () => {
    // Pending migrations run in one transaction: a later one (here a probe) sees what 0017 set.
    const { db, close } = await openDatabase({ dataDir: 'memory://' });
    try {
      let seen: string | undefined;
      const probe = {
        async up(tx: Kysely<unknown>) {
          const { rows } = await sql<{ value: string }>`
            select current_setting('lock_timeout') as value`.execute(tx);
          seen = rows[0]!.value;
        },
      };
      const getMigrations = async () => ({ ...MIGRATIONS, '9999_probe': probe });
      const { error } = await new Migrator({ db, provider: { getMigrations } }).migrateToLatest();
      assert.equal(error, undefined);
      assert.equal(seen, '0');
    } finally {
      await close();
    }
  });

  const serverUrl = process.env.DATABASE_URL;
  const skip = !serverUrl && 'PostgreSQL only (set DATABASE_URL)';

  /** A PostgreSQL database at migration 0016, and a second connection to it. */
  async function at0016(work: (db: Db, other: pg.Client) => Promise<void>) {
    const created = await createPostgresDatabase(serverUrl!);
    const database = await openDatabase({ databaseUrl: created.url });
    const other = new pg.Client({ connectionString: created.url });
    await other.connect();
    try {
      await migrateTo0016(database.db);
      await work(database.db, other);
    } finally {
      await other.end();
      await database.close();
      await created.drop();
    }
  }

  it('replaces the index of 0016 [postgres]', { skip }, () =>
    at0016(async (db) => {
      await migrate(db);
      assertBuilt(await twoFaIndexes(db));
    }),
  );

  it(
    'builds again an index of its name that a failed concurrent build left invalid',
    { skip },
    () =>
      at0016(async (db, other) => {
        await sql`insert into accounts (company_name) values ('Two factors')`.execute(db);
        await sql`insert into users (email, name, lang, two_fa_enabled_at)
        values ('one@2fa.test', 'One', 'de', now()), ('two@2fa.test', 'Two', 'en', now())`.execute(
          db,
        );
        await sql`insert into memberships (account_id, user_id, role_id, accepted_at)
        select a.id, u.id, 2, now() from accounts a, users u`.execute(db);
        // Unique over the account, which two members share: the build fails and leaves the index.
        await assert.rejects(
          other.query(`create unique index concurrently memberships_two_fa_with_filters
          on memberships (account_id) where accepted_at is not null and two_fa`),
          /could not create unique index/,
        );
        assert.equal(
          (await twoFaIndexes(db)).find((i) => i.name.endsWith('filters'))?.valid,
          false,
        );
        await migrate(db);
        assertBuilt(await twoFaIndexes(db));
      }),
  );

  it(
    'gives up dropping the old index while a transaction reads memberships, then drops it later',
    { skip, timeout: 60_000 },
    () =>
      at0016(async (db, other) => {
        await other.query('begin');
        await other.query('select count(*) from memberships');
        const started = Date.now();
        await assert.rejects(migrate(db), /lock timeout/);
        assert.ok(Date.now() - started < 20_000);
        // Nothing of it stayed: the old index is there, the new one is not.
        assert.deepEqual(
          (await twoFaIndexes(db)).map((index) => index.name),
          ['memberships_two_fa_by_id'],
        );
        await other.query('rollback');
        await migrate(db);
        assertBuilt(await twoFaIndexes(db));
      }),
  );
});
