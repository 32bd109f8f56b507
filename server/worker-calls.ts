import type { Worker } from 'node:worker_threads';

/**
 * Calls to a worker thread that answers each message with one carrying the same `id`: the one
 * mechanism under PGlite's thread (server/db/pglite-thread.ts) and the hashing thread
 * (server/auth/hashing-thread.ts).
 * - The thread keeps the process alive only while a call is in flight: a script that forgets to
 *   close it still ends, and one that awaits a call is not cut short.
 * - A thread that ends (an uncaught error, or an exit) fails every call in flight and every later
 *   call with the error `endedError` makes of the reason. What that means is the owner's: PGlite's
 *   database stays lost, while the hashing thread's owner starts a new thread.
 */
export class WorkerCalls<Question extends object, Answer extends { id: number }> {
  private readonly pending = new Map<
    number,
    { resolve(answer: Answer): void; reject(error: Error): void }
  >();
  private nextId = 1;
  /** Set once the thread has ended. */
  ended: Error | undefined;

  constructor(
    readonly worker: Worker,
    endedError: (reason: string) => Error,
  ) {
    worker.unref();
    worker.on('message', (answer: Answer) => {
      this.pending.get(answer.id)?.resolve(answer);
      this.pending.delete(answer.id);
      if (this.pending.size === 0) worker.unref();
    });
    const end = (reason: string) => {
      if (this.ended) return; // an 'error' is followed by an 'exit': the first one says why
      this.ended = endedError(reason);
      for (const call of this.pending.values()) call.reject(this.ended);
      this.pending.clear();
    };
    worker.on('error', (error) => end(error.message));
    worker.on('exit', (code) => end(`exit code ${code}`));
  }

  /** Calls sent and not yet answered. */
  get inFlight(): number {
    return this.pending.size;
  }

  call(question: Question): Promise<Answer> {
    if (this.ended) return Promise.reject(this.ended);
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      this.pending.set(id, { resolve, reject });
      this.worker.ref();
      this.worker.postMessage({ id, ...question });
    });
  }
}
