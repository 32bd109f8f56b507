import { Worker } from 'node:worker_threads';

/** A query for the worker, and its answer (server/db/pglite-worker.mjs). */
interface QueryMessage {
  id: number;
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
  private readonly pending = new Map<number, (answer: AnswerMessage) => void>();
  private nextId = 1;
  private lost: Error | undefined;

  private constructor(private readonly worker: Worker) {
    // The thread keeps the process alive only while a query is in flight: a script that forgets
    // to close the database still ends, and one that awaits a query is not cut short.
    worker.unref();
    worker.on('message', (answer: AnswerMessage) => {
      this.pending.get(answer.id)?.(answer);
      this.pending.delete(answer.id);
      if (this.pending.size === 0) worker.unref();
    });
    const fail = (reason: string) => {
      this.lost = Object.assign(new Error(`PGlite's thread ended: ${reason}`), { code: '08006' });
      for (const [id, settle] of this.pending) settle({ id, error: { ...this.lost } as never });
      this.pending.clear();
    };
    worker.on('error', (error) => fail(error.message));
    worker.on('exit', (code) => fail(`exit code ${code}`));
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

  query<Row>(sql: string, params: readonly unknown[] = []) {
    if (this.lost) return Promise.reject(this.lost);
    const id = this.nextId++;
    return new Promise<{ rows: Row[]; affectedRows?: number }>((resolve, reject) => {
      this.pending.set(id, (answer) => {
        if ('error' in answer) {
          const { message, ...fields } = answer.error;
          reject(Object.assign(new Error(message), fields));
        } else {
          resolve({ rows: answer.rows as Row[], affectedRows: answer.affectedRows });
        }
      });
      this.worker.ref();
      this.worker.postMessage({ id, sql, params: [...params] } satisfies QueryMessage);
    });
  }

  /** Close the database cleanly (PGlite writes its files), then end the thread. */
  async close(): Promise<void> {
    if (this.lost) return;
    this.worker.ref();
    const exited = new Promise((resolve) => this.worker.once('exit', resolve));
    this.worker.postMessage('close');
    await exited;
  }
}
