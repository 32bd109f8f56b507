// @ts-check
import { readlinkSync } from 'node:fs';
import { setPriority } from 'node:os';
import { parentPort, workerData } from 'node:worker_threads';
import { hashSync, verifySync } from '@node-rs/argon2';

/*
 * A thread that hashes passwords for the BFF (server/auth/hashing-thread.ts starts it), one at a
 * time, at a lower scheduling priority than the event loop: when the cores are busy (a flood of
 * sign-ins), the operating system runs the thread that answers every other request first, and
 * hashing gets what is left. Hashing here is synchronous on purpose: the asynchronous functions
 * would run on libuv's thread pool, shared by the whole process, whose priority must not change.
 *
 * Plain JavaScript: a worker thread does not inherit the TypeScript loader the BFF runs under.
 * The messages' types are in hashing-thread.ts.
 */
const { nice } = workerData;
const port = /** @type {import('node:worker_threads').MessagePort} */ (parentPort);

try {
  // Linux keeps a nice value per thread; /proc/thread-self names this thread's id.
  const threadId = Number(readlinkSync('/proc/thread-self').split('/').at(-1));
  setPriority(threadId, nice);
} catch {
  // Elsewhere (macOS, Windows) hashing runs at the process's priority; the queue still bounds it.
}

port.on('message', (message) => {
  try {
    const result =
      message.op === 'hash'
        ? hashSync(message.password)
        : verifySync(message.hash, message.password);
    port.postMessage({ id: message.id, result });
  } catch (error) {
    port.postMessage({ id: message.id, error: String(error) });
  }
});
