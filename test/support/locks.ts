import { sql } from 'kysely';
import type { Db } from '../../server/db/connect.ts';

/**
 * For tests of two requests at the same moment on PostgreSQL: a transaction of the test's own,
 * holding its locks where one request would be, and a wait until the other has come to wait for
 * them. (PGlite runs one transaction at a time: these are for PostgreSQL.)
 */

/** A transaction of the test's own, open (its locks held) until `commit()`; `write` adds to it. */
export async function holdOpen(db: Db, work: (trx: Db) => Promise<void>) {
  let commit!: () => void;
  const released = new Promise<void>((resolve) => (commit = resolve));
  let ready!: () => void;
  const holding = new Promise<void>((resolve) => (ready = resolve));
  let open!: Db;
  const done = db.transaction().execute(async (trx) => {
    open = trx;
    await work(trx);
    ready();
    await released;
  });
  await Promise.race([holding, done]);
  return {
    write: (more: (trx: Db) => Promise<void>) => more(open),
    async commit() {
      commit();
      await done;
    },
  };
}

/** Until `count` statements of this database wait for a lock, or `settled` (they never will). */
export async function waiters(db: Db, count: number, settled: Promise<unknown>) {
  let over = false;
  void settled.finally(() => (over = true));
  for (let tries = 0; tries < 200 && !over; tries++) {
    const { rows } = await sql<{ waiting: number }>`select count(*)::int as waiting
      from pg_stat_activity where wait_event_type = 'Lock' and datname = current_database()`.execute(
      db,
    );
    if (rows[0]!.waiting >= count) return;
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}
