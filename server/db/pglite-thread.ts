import { Worker } from 'node:worker_threads';
import { WorkerCalls } from '../worker-calls.ts';

/** A query for the worker, and its answer (server/db/pglite-worker.mjs). */
interface QueryMessage {
  sql: string;
  params: unknown[];
}

type AnswerMessage =
  | { id: number; rows: unknown[]; affectedRows?: number }
  | { id: number; error: { message: string; [field: string]: unknown } };

/**
 * The embedded PGlite database, kept in a worker thread (server/db/pglite-worker.mjs) so that the
 * demo's event loop stays free while a query runs (issue 13: `/health` p95 250 ms while two big
 * lists ran on the main thread). It offers the two methods kysely-pglite-dialect calls, `query`
 * and `close`, so the Kysely dialect is unchanged. A worker that dies fails every query in flight
 * and every later one as a lost connection (08006), which the BFF answers with 503.
 */
export class PGliteThread {
  private readonly calls: WorkerCalls<QueryMessage, AnswerMessage>;

  private constructor(worker: Worker) {
    this.calls = new WorkerCalls(worker, (reason) =>
      Object.assign(new Error(`PGlite's thread ended: ${reason}`), { code: '08006' }),
    );
  }

  /** Start the thread and open (or create) the database in `dataDir` (`memory://` for none). */
  static async start(dataDir: string): Promise<PGliteThread> {
    const worker = new Worker(new URL('./pglite-worker.mjs', import.meta.url), {
      workerData: { dataDir },
    });
    await new Promise<void>((resolve, reject) => {
      const onMessage = (message: unknown) => {
        if (message === 'ready') resolve();
        else reject(new Error(`PGlite did not open: ${(message as { failed: string }).failed}`));
      };
      worker.once('message', onMessage);
      worker.once('error', reject);
    });
    return new PGliteThread(worker);
  }

  async query<Row>(sql: string, params: readonly unknown[] = []) {
    const answer = await this.calls.call({ sql, params: [...params] });
    if ('error' in answer) {
      const { message, ...fields } = answer.error;
      throw Object.assign(new Error(message), fields);
    }
    return { rows: answer.rows as Row[], affectedRows: answer.affectedRows };
  }

  /** Close the database cleanly (PGlite writes its files), then end the thread. */
  async close(): Promise<void> {
    if (this.calls.ended) return;
    const { worker } = this.calls;
    worker.ref();
    const exited = new Promise((resolve) => worker.once('exit', resolve));
    worker.postMessage('close');
    await exited;
  }
}
