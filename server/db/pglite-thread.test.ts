import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { PGliteThread } from './pglite-thread.ts';

/** PGlite in its worker thread (server/db/pglite-thread.ts, decision 023). */
describe('PGlite in a worker thread', () => {
  let thread: PGliteThread;
  before(async () => {
    thread = await PGliteThread.start('memory://');
  });
  after(() => thread.close());

  it('answers rows with their types, and the affected row count', async () => {
    await thread.query(
      'create table t (id int8 primary key, at timestamptz, data bytea, doc jsonb)',
    );
    const inserted = await thread.query(
      'insert into t values ($1, $2, $3, $4), (2, null, null, null)',
      [1, new Date('2026-12-06T10:00:00Z'), new Uint8Array([1, 2, 3]), JSON.stringify({ a: [1] })],
    );
    assert.equal(inserted.affectedRows, 2);
    const { rows } = await thread.query<{ at: Date; data: Uint8Array; doc: unknown }>(
      'select at, data, doc from t order by id',
    );
    assert.ok(rows[0].at instanceof Date);
    assert.equal(rows[0].at.toISOString(), '2026-12-06T10:00:00.000Z');
    assert.deepEqual([...rows[0].data], [1, 2, 3]);
    assert.deepEqual(rows[0].doc, { a: [1] });
    assert.equal(rows[1].at, null);
  });

  it("passes PostgreSQL's error fields on, as pg does", async () => {
    await thread.query('create table u (email text constraint u_email_key unique)');
    await thread.query("insert into u values ('a@example.test')");
    await assert.rejects(thread.query("insert into u values ('a@example.test')"), {
      code: '23505',
      constraint: 'u_email_key',
      message: /duplicate key/,
    });
  });

  it('leaves the event loop free while a long query runs', async () => {
    let ticks = 0;
    let running = true;
    const tick = () => {
      ticks++;
      if (running) setImmediate(tick);
    };
    setImmediate(tick);
    await thread.query('select count(*) from generate_series(1, 3000000)');
    running = false;
    // On the calling thread PGlite would run the whole query between two turns of the loop.
    assert.ok(ticks > 10, `${ticks} turns of the event loop during the query`);
  });
});

describe('a PGlite thread that has ended', () => {
  it('fails its queries as a lost connection (the BFF answers 503)', async () => {
    const thread = await PGliteThread.start('memory://');
    await (
      thread as unknown as { calls: { worker: { terminate(): Promise<number> } } }
    ).calls.worker.terminate();
    await assert.rejects(thread.query('select 1'), { code: '08006' });
    await thread.close();
  });
});
