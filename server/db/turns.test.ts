import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { sql } from 'kysely';
import { openDatabase, type OpenDatabase } from './connect.ts';
import { asBulkRead } from './turns.ts';

/**
 * Turns at PGlite's one connection (server/db/turns.ts, decision 029). PGlite only: PostgreSQL has
 * a pool, and there the mark changes nothing (the streamed list's tests run on both).
 */
describe('turns at PGlite’s one connection', () => {
  let database: OpenDatabase;
  before(async () => {
    database = await openDatabase({ dataDir: 'memory://' });
  });
  after(() => database.close());

  /** Starts the statements in this order, one tick apart; answers the order they finished in. */
  async function finishingOrder(statements: { name: string; bulk: boolean }[]) {
    const finished: string[] = [];
    const running = statements.map(async ({ name, bulk }, i) => {
      await new Promise((resolve) => setTimeout(resolve, i * 5));
      const statement = () => sql`select pg_sleep(${i === 0 ? 0.1 : 0.01})`.execute(database.db);
      await (bulk ? asBulkRead(statement) : statement());
      finished.push(name);
    });
    await Promise.all(running);
    return finished;
  }

  it('lets a short statement go before the next batch of a long read', async () => {
    const order = await finishingOrder([
      { name: 'batch of A', bulk: true },
      { name: 'batch of B', bulk: true },
      { name: '/health', bulk: false },
    ]);
    assert.deepEqual(order, ['batch of A', '/health', 'batch of B']);
  });

  it('lets a batch go after one short statement, however many wait', async () => {
    const order = await finishingOrder([
      { name: 'batch of A', bulk: true },
      { name: 'batch of B', bulk: true },
      { name: 'short 1', bulk: false },
      { name: 'short 2', bulk: false },
      { name: 'short 3', bulk: false },
    ]);
    assert.deepEqual(order, ['batch of A', 'short 1', 'batch of B', 'short 2', 'short 3']);
  });

  it('keeps the order of arrival among short statements', async () => {
    const order = await finishingOrder([
      { name: 'first', bulk: false },
      { name: 'second', bulk: false },
      { name: 'third', bulk: false },
    ]);
    assert.deepEqual(order, ['first', 'second', 'third']);
  });
});
