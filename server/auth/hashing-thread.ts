import { Worker } from 'node:worker_threads';
import { WorkerCalls } from '../worker-calls.ts';

/** What the thread is asked (server/auth/hashing-worker.mjs), and its answer. */
type HashingQuestion =
  { op: 'hash'; password: string } | { op: 'verify'; hash: string; password: string };

type HashingAnswer = { id: number; result: string | boolean } | { id: number; error: string };

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
  private calls: WorkerCalls<HashingQuestion, HashingAnswer> | undefined;

  /** Hashes sent and not yet answered. */
  get inFlight(): number {
    return this.calls?.inFlight ?? 0;
  }

  hash(password: string): Promise<string> {
    return this.ask({ op: 'hash', password }) as Promise<string>;
  }

  verify(hash: string, password: string): Promise<boolean> {
    return this.ask({ op: 'verify', hash, password }) as Promise<boolean>;
  }

  private async ask(question: HashingQuestion): Promise<string | boolean> {
    const answer = await this.started().call(question);
    if ('error' in answer) throw new Error(answer.error);
    return answer.result;
  }

  private started(): WorkerCalls<HashingQuestion, HashingAnswer> {
    if (this.calls && !this.calls.ended) return this.calls;
    const worker = new Worker(new URL('./hashing-worker.mjs', import.meta.url), {
      workerData: { nice: HASHING_NICE },
    });
    this.calls = new WorkerCalls(
      worker,
      (reason) => new HashingThreadEnded(`hashing thread: ${reason}`),
    );
    return this.calls;
  }
}
