import { Worker } from 'node:worker_threads';

/** What the thread is asked (server/auth/hashing-worker.mjs), and its answer. */
type HashingMessage =
  | { id: number; op: 'hash'; password: string }
  | { id: number; op: 'verify'; hash: string; password: string };

type HashingAnswer =
  | { id: number; result: string | boolean }
  | { id: number; error: string }
  | { id: number; ended: string };

/** The thread ended with hashes in flight: no answer about them (never "the password is wrong"). */
export class HashingThreadEnded extends Error {}

/**
 * Nice value of the hashing threads: the lowest priority (19). The event loop and the database
 * come first whenever they want a core; hashing takes the time they leave, all of it when they are
 * idle. A hash that waits still holds its place in the queue, so waiting for a core never lets more
 * hashes in (passwords.ts).
 */
const HASHING_NICE = 19;

/**
 * A worker thread that computes Argon2id hashes one after another at a low scheduling priority
 * (issue 13: a flood of sign-ins must not slow the rest of the API). Started on first use; it
 * keeps the process alive only while a hash is in flight. A thread that dies fails what it had
 * and the next hash starts a new one.
 */
export class HashingThread {
  private worker: Worker | undefined;
  private readonly pending = new Map<number, (answer: HashingAnswer) => void>();
  private nextId = 1;

  /** Hashes sent and not yet answered. */
  get inFlight(): number {
    return this.pending.size;
  }

  hash(password: string): Promise<string> {
    return this.ask({ op: 'hash', password }) as Promise<string>;
  }

  verify(hash: string, password: string): Promise<boolean> {
    return this.ask({ op: 'verify', hash, password }) as Promise<boolean>;
  }

  private ask(
    question: { op: 'hash'; password: string } | { op: 'verify'; hash: string; password: string },
  ): Promise<string | boolean> {
    const worker = this.started();
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      this.pending.set(id, (answer) => {
        if ('ended' in answer) reject(new HashingThreadEnded(answer.ended));
        else if ('error' in answer) reject(new Error(answer.error));
        else resolve(answer.result);
      });
      worker.ref();
      worker.postMessage({ id, ...question } satisfies HashingMessage);
    });
  }

  private started(): Worker {
    if (this.worker) return this.worker;
    const worker = new Worker(new URL('./hashing-worker.mjs', import.meta.url), {
      workerData: { nice: HASHING_NICE },
    });
    worker.unref();
    worker.on('message', (answer: HashingAnswer) => {
      this.pending.get(answer.id)?.(answer);
      this.pending.delete(answer.id);
      if (this.pending.size === 0) worker.unref();
    });
    const fail = (reason: string) => {
      if (this.worker !== worker) return; // its 'error' came first and failed what it had
      this.worker = undefined;
      for (const [id, settle] of this.pending) settle({ id, ended: `hashing thread: ${reason}` });
      this.pending.clear();
    };
    worker.on('error', (error) => fail(error.message));
    worker.on('exit', (code) => fail(`exit code ${code}`));
    this.worker = worker;
    return worker;
  }
}
