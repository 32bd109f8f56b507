import { AsyncLocalStorage } from 'node:async_hooks';
import type {
  CompiledQuery,
  DatabaseConnection,
  Dialect,
  Driver,
  QueryResult,
  TransactionSettings,
} from 'kysely';

/**
 * Statements and round trips to the database of one piece of work (a request), counted where
 * every query passes, transactions' begin and commit included: the test that keeps an
 * authenticated request at 2 round trips reads it (test/server/round-trips.test.ts). A round trip
 * is a wait: statements of the same work in flight together count once. Off unless the database
 * was opened with `countRoundTrips` (the bench counts on the wire instead, test/bench/wire.ts).
 */
export interface RoundTripCounts {
  statements: number;
  roundTrips: number;
}

interface Tally extends RoundTripCounts {
  inFlight: number;
}

const current = new AsyncLocalStorage<Tally>();

/** Runs `work` and answers what it cost the database. */
export async function countRoundTrips<T>(
  work: () => Promise<T>,
): Promise<{ result: T } & RoundTripCounts> {
  const tally: Tally = { statements: 0, roundTrips: 0, inFlight: 0 };
  const result = await current.run(tally, work);
  return { result, statements: tally.statements, roundTrips: tally.roundTrips };
}

async function counted<T>(send: () => Promise<T>): Promise<T> {
  const tally = current.getStore();
  if (!tally) return send();
  tally.statements++;
  if (tally.inFlight === 0) tally.roundTrips++;
  tally.inFlight++;
  try {
    return await send();
  } finally {
    tally.inFlight--;
  }
}

/** `dialect`, with every statement it sends counted for the work it runs in. */
export function countingDialect(dialect: Dialect): Dialect {
  return {
    createAdapter: () => dialect.createAdapter(),
    createIntrospector: (db) => dialect.createIntrospector(db),
    createQueryCompiler: () => dialect.createQueryCompiler(),
    createDriver: () => countingDriver(dialect.createDriver()),
  };
}

function countingDriver(driver: Driver): Driver {
  const inner = new WeakMap<DatabaseConnection, DatabaseConnection>();
  const unwrap = (connection: DatabaseConnection) => inner.get(connection) ?? connection;
  return {
    init: () => driver.init(),
    destroy: () => driver.destroy(),
    async acquireConnection() {
      const connection = await driver.acquireConnection();
      const wrapped: DatabaseConnection = {
        executeQuery: <R>(query: CompiledQuery): Promise<QueryResult<R>> =>
          counted(() => connection.executeQuery<R>(query)),
        streamQuery: <R>(query: CompiledQuery, chunkSize?: number) =>
          connection.streamQuery<R>(query, chunkSize),
      };
      inner.set(wrapped, connection);
      return wrapped;
    },
    releaseConnection: (connection) => driver.releaseConnection(unwrap(connection)),
    beginTransaction: (connection, settings: TransactionSettings) =>
      counted(() => driver.beginTransaction(unwrap(connection), settings)),
    commitTransaction: (connection) => counted(() => driver.commitTransaction(unwrap(connection))),
    rollbackTransaction: (connection) =>
      counted(() => driver.rollbackTransaction(unwrap(connection))),
    savepoint: driver.savepoint
      ? (connection, name, compile) =>
          counted(() => driver.savepoint!(unwrap(connection), name, compile))
      : undefined,
    rollbackToSavepoint: driver.rollbackToSavepoint
      ? (connection, name, compile) =>
          counted(() => driver.rollbackToSavepoint!(unwrap(connection), name, compile))
      : undefined,
    releaseSavepoint: driver.releaseSavepoint
      ? (connection, name, compile) =>
          counted(() => driver.releaseSavepoint!(unwrap(connection), name, compile))
      : undefined,
  };
}
