import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { eachDatabase } from '../../test/support/context.ts';
import { Fixtures } from '../../test/support/fixtures.ts';
import { AppError } from '../errors.ts';
import { HashingThread, HashingThreadEnded } from './hashing-thread.ts';
import {
  HashQueue,
  hashPassword,
  hashPasswords,
  passwordHashing,
  type Admission,
} from './passwords.ts';

/** The bounded queue in front of password hashing (server/auth/passwords.ts, decision 023). */

/** Work that runs until `finish` is called, counting how many such pieces run at once. */
function gate() {
  let running = 0;
  let most = 0;
  const finishers: Array<() => void> = [];
  return {
    work: () => {
      running++;
      most = Math.max(most, running);
      return new Promise<void>((resolve) =>
        finishers.push(() => {
          running--;
          resolve();
        }),
      );
    },
    finishOne: () => finishers.shift()?.(),
    get most() {
      return most;
    },
    get started() {
      return finishers.length;
    },
  };
}

const settle = () => new Promise((resolve) => setImmediate(resolve));

describe('the password-hashing queue', () => {
  it('runs at most `atOnce` hashes and refuses at once past `capacity`', async () => {
    const queue = new HashQueue(2, 3);
    const g = gate();
    const runs = [queue.admit(), queue.admit(), queue.admit()].map((a) => a.run(g.work));
    await settle();
    assert.equal(g.started, 2, 'two run, the third waits');
    assert.throws(
      () => queue.admit(),
      (error: unknown) =>
        error instanceof AppError &&
        error.status === 503 &&
        error.code === 'service_unavailable' &&
        error.headers?.['Retry-After'] === '1',
    );
    g.finishOne();
    await settle();
    assert.equal(g.started, 2, 'the waiting one took the freed slot');
    const fourth = queue.admit().run(g.work); // a place is free again
    while (g.started > 0) {
      g.finishOne();
      await settle();
    }
    await Promise.all([...runs, fourth]);
    assert.equal(g.most, 2);
  });

  it('gets back a place that was released unused, once', async () => {
    const queue = new HashQueue(1, 1);
    const admission = queue.admit();
    assert.throws(() => queue.admit(), AppError);
    admission.release();
    admission.release(); // a second release gives back nothing more
    const again = queue.admit();
    assert.throws(() => queue.admit(), AppError);
    again.release();
  });
});

eachDatabase('sign-in while password hashing is full', (ctx) => {
  const counts = async () => ({
    events: (await ctx().db.selectFrom('login_events').select('id').execute()).length,
    throttles: (await ctx().db.selectFrom('sign_in_throttles').select('key').execute()).length,
    audit: (await ctx().db.selectFrom('audit_log').select('id').execute()).length,
  });

  /** Runs `refused` while every place in the queue is taken. */
  async function whileFull(refused: () => Promise<void>) {
    const held: Admission[] = [];
    for (let i = 0; i < passwordHashing.capacity; i++) held.push(passwordHashing.admit());
    try {
      await refused();
    } finally {
      for (const admission of held) admission.release();
    }
  }

  async function assertBusy(response: Response) {
    assert.equal(response.status, 503);
    assert.equal(response.headers.get('Retry-After'), '1');
    assert.deepEqual(await response.json(), {
      message: 'Too many sign-ins at once. Try again in a moment.',
      code: 'service_unavailable',
    });
  }

  it('is refused at once with 503 and Retry-After, writing nothing, and works once there is room', async () => {
    const accountId = await ctx().fixtures.account();
    const member = await ctx().fixtures.member(accountId);
    const before = await counts();
    await whileFull(async () => {
      const refused = await ctx().request('/iam/auth/jwt/login', {
        method: 'POST',
        json: { username: member.email, password: Fixtures.PASSWORD },
      });
      await assertBusy(refused);
      assert.deepEqual(await counts(), before, 'no login event, no throttle row, no audit row');
    });
    const signedIn = await ctx().request('/iam/auth/jwt/login', {
      method: 'POST',
      json: { username: member.email, password: Fixtures.PASSWORD },
    });
    assert.equal(signedIn.status, 200);
  });

  it('is refused before its body is read or validated', { timeout: 10_000 }, async () => {
    const before = await counts();
    await whileFull(async () => {
      // Not JSON at all: had the body been parsed, this would be a 400.
      await assertBusy(
        await ctx().request('/iam/auth/jwt/login', {
          method: 'POST',
          headers: { 'Content-Type': 'application/json' },
          body: '{"username": ',
        }),
      );
      // A body that never ends (no Content-Length): had anything read it, no answer would come.
      const endless = new ReadableStream({ pull: () => new Promise(() => {}) });
      await assertBusy(
        await ctx().request('/iam/auth/jwt/login', {
          method: 'POST',
          headers: { 'Content-Type': 'application/json' },
          body: endless,
          duplex: 'half',
        } as RequestInit),
      );
      assert.equal(endless.locked, false, 'nothing took a reader of the body');
      assert.deepEqual(await counts(), before);
    });
  });
});

describe('the hashing threads', () => {
  it('fail the hashes in flight as a thread that ended, never as an answer, and start anew', async () => {
    const thread = new HashingThread();
    const hashed = await thread.hash('the password');
    const inFlight = thread.verify(hashed, 'a guess'); // ~70 ms of the thread's time
    // The thread ends under it (as an out-of-memory thread would).
    await (
      thread as unknown as { calls: { worker: { terminate(): Promise<number> } } }
    ).calls.worker.terminate();
    await assert.rejects(inFlight, HashingThreadEnded);
    assert.equal(await thread.verify(await thread.hash('again'), 'again'), true);
  });

  it(
    'hash at the lowest scheduling priority, while the event loop keeps its own',
    {
      skip: process.platform !== 'linux' && 'thread priorities are read from /proc',
    },
    async () => {
      await hashPassword('a password to hash'); // the thread is started by then
      const niceOf = (tid: string) => {
        const stat = readFileSync(`/proc/self/task/${tid}/stat`, 'utf8');
        return Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[16]);
      };
      const threads = readdirSync('/proc/self/task');
      assert.equal(niceOf(String(process.pid)), 0, 'the event loop');
      assert.ok(
        threads.some((tid) => niceOf(tid) === 19),
        'a hashing thread at nice 19',
      );
    },
  );
});

describe('a new set of backup codes', () => {
  it('takes one place in the queue, however many codes it hashes', async () => {
    const held: Admission[] = [];
    for (let i = 0; i < passwordHashing.capacity - 1; i++) held.push(passwordHashing.admit());
    try {
      const hashes = await hashPasswords(['code-one', 'code-two', 'code-three']);
      assert.equal(hashes.length, 3);
      assert.equal(new Set(hashes).size, 3);
    } finally {
      for (const admission of held) admission.release();
    }
  });
});
