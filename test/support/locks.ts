import { sql, type Transaction } from 'kysely';
import type { Db } from '../../server/db/connect.ts';
import type { Database } from '../../server/db/schema.ts';

/**
 * For tests of two requests at the same moment on PostgreSQL: a transaction of the test's own,
 * holding its locks where one request would be, and a wait until the other has come to wait for
 * them. (PGlite runs one transaction at a time: these are for PostgreSQL.)
 */

type Trx = Transaction<Database>;

/**
 * A transaction of the test's own, open (its locks held) until `commit()`; `write` adds to it.
 * A `write` that fails (the victim of a deadlock) rolls it back and throws: nothing stays open.
 */
export async function holdOpen(db: Db, work: (trx: Trx) => Promise<void>) {
  let end!: (rollback: boolean) => void;
  const ended = new Promise<boolean>((resolve) => (end = resolve));
  let ready!: () => void;
  const holding = new Promise<void>((resolve) => (ready = resolve));
  let open!: Trx;
  const done = db.transaction().execute(async (trx) => {
    open = trx;
    await work(trx);
    ready();
    if (await ended) throw new Error('rolled back by the test');
  });
  await Promise.race([holding, done]);
  return {
    async write(more: (trx: Trx) => Promise<void>) {
      try {
        await more(open);
      } catch (error) {
        end(true);
        await done.catch(() => undefined);
        throw error;
      }
    },
    async commit() {
      end(false);
      await done;
    },
  };
}

/** The member's membership, held as a token's creation and `lockAdministrators` take it first. */
export function holdMembership(db: Db, accountId: number, userId: number) {
  return holdOpen(db, async (trx) => {
    await trx
      .selectFrom('memberships')
      .select('id')
      .where('account_id', '=', accountId)
      .where('user_id', '=', userId)
      .forUpdate()
      .execute();
  });
}

/**
 * The accounts' rows, held: a membership's insertion or deletion then waits where the member
 * count's trigger (migration 0007) updates them, after the row itself has changed.
 */
export function holdAccounts(db: Db, accountIds: number[]) {
  return holdOpen(db, async (trx) => {
    await trx
      .selectFrom('accounts')
      .select('id')
      .where('id', 'in', accountIds)
      .forUpdate()
      .execute();
  });
}

/**
 * Until `count` statements of this database wait for a lock, or `settled` (the request finished
 * without waiting, as code without the lock under test does). Neither within 5 s: an error, not a
 * test that goes on untested.
 */
export async function waiters(db: Db, count: number, settled: Promise<unknown>) {
  let over = false;
  const mark = () => (over = true);
  void settled.then(mark, mark);
  for (let tries = 0; tries < 500 && !over; tries++) {
    const { rows } = await sql<{ waiting: number }>`select count(*)::int as waiting
      from pg_stat_activity where wait_event_type = 'Lock' and datname = current_database()`.execute(
      db,
    );
    if (rows[0]!.waiting >= count) return;
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
  if (!over) throw new Error(`no ${count} statement(s) waiting for a lock within 5 s`);
}
