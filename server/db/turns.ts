import { AsyncLocalStorage } from 'node:async_hooks';
import type { DatabaseConnection, Dialect, Driver } from 'kysely';

/**
 * Turns at PGlite's one connection (docs/decisions/029). Kysely's PGlite driver lends the
 * connection to one caller at a time, first come first served. Two clients streaming the Users
 * list keep a batch running and the other one's next batch waiting, so a short statement arriving
 * then (`/health`'s `select 1`, a page, a sign-in) waited for both. Here a batch of a long read
 * (marked with `asBulkRead`) is followed by the oldest waiting short statement, if any; otherwise
 * the turns go in order of arrival. A short statement waits for at most the batch in progress, and
 * a batch waits for at most one short statement more than in arrival order: neither starves.
 *
 * On PostgreSQL (a pool of connections) there are no turns; the mark only changes how pg is called
 * (connect.ts `readWithoutLateCallback`).
 */
const bulk = new AsyncLocalStorage<true>();

/** Run `work` as a long read's batch: it lets a short statement waiting meanwhile go next. */
export function asBulkRead<T>(work: () => Promise<T>): Promise<T> {
  return bulk.run(true, work);
}

/** Whether the work running now is a long read's batch (`asBulkRead`). */
export function isBulkRead(): boolean {
  return bulk.getStore() === true;
}

interface Waiter {
  bulk: boolean;
  start(): void;
}

/** `dialect`, with its one connection handed out in the turns above. */
export function takingTurns(dialect: Dialect): Dialect {
  return {
    createAdapter: () => dialect.createAdapter(),
    createIntrospector: (db) => dialect.createIntrospector(db),
    createQueryCompiler: () => dialect.createQueryCompiler(),
    createDriver: () => turnsDriver(dialect.createDriver()),
  };
}

function turnsDriver(driver: Driver): Driver {
  const waiting: Waiter[] = [];
  let busy = false;
  let holderIsBulk = false;

  const next = () => {
    const shortOne = holderIsBulk ? waiting.findIndex((waiter) => !waiter.bulk) : -1;
    const [waiter] = waiting.splice(shortOne >= 0 ? shortOne : 0, 1);
    busy = waiter !== undefined;
    waiter?.start();
  };

  return {
    init: () => driver.init(),
    destroy: () => driver.destroy(),
    async acquireConnection(): Promise<DatabaseConnection> {
      const isBulk = isBulkRead();
      if (busy) {
        await new Promise<void>((start) => waiting.push({ bulk: isBulk, start }));
      }
      busy = true;
      holderIsBulk = isBulk;
      return driver.acquireConnection();
    },
    async releaseConnection(connection) {
      await driver.releaseConnection(connection);
      next();
    },
    beginTransaction: (connection, settings) => driver.beginTransaction(connection, settings),
    commitTransaction: (connection) => driver.commitTransaction(connection),
    rollbackTransaction: (connection) => driver.rollbackTransaction(connection),
    savepoint: driver.savepoint?.bind(driver),
    rollbackToSavepoint: driver.rollbackToSavepoint?.bind(driver),
    releaseSavepoint: driver.releaseSavepoint?.bind(driver),
  };
}
