// @ts-check
import { parentPort, workerData } from 'node:worker_threads';
import { PGlite } from '@electric-sql/pglite';
import { pg_trgm } from '@electric-sql/pglite/contrib/pg_trgm';

/*
 * The worker thread that owns the embedded PGlite database (server/db/pglite-thread.ts starts it).
 * PGlite runs PostgreSQL compiled to WebAssembly on the thread that calls it, so a query over many
 * rows would otherwise hold the event loop that answers every other request. Here it holds only
 * this thread. Queries arrive one at a time in order (the Kysely driver lends its one connection
 * to one caller at a time), and each answer goes back with the query's id.
 *
 * Plain JavaScript: a worker thread does not inherit the TypeScript loader the BFF runs under.
 * The messages' types are in pglite-thread.ts.
 */
const { dataDir } = workerData;
const port = /** @type {import('node:worker_threads').MessagePort} */ (parentPort);

try {
  const pglite = await PGlite.create(dataDir, { extensions: { pg_trgm } });
  port.on('message', async (message) => {
    if (message === 'close') {
      await pglite.close();
      port.close();
      return;
    }
    try {
      const result = await pglite.query(message.sql, message.params);
      port.postMessage({ id: message.id, rows: result.rows, affectedRows: result.affectedRows });
    } catch (error) {
      // PostgreSQL's fields (code, constraint, detail, …) travel with the message, so the BFF's
      // error handling (a unique violation is a 409, a timeout a 503) reads them as from pg.
      const { message: text, ...fields } = /** @type {any} */ (error);
      port.postMessage({ id: message.id, error: { ...fields, message: text ?? String(error) } });
    }
  });
  port.postMessage('ready');
} catch (error) {
  port.postMessage({ failed: String(error) });
}
