import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import { connect, type AddressInfo } from 'node:net';
import { after, before, describe, it } from 'node:test';
import * as routes from '../../shared/routes.ts';
import type { Answered } from '../http/metrics.ts';
import {
  REFUSED_CONNECTION_HOLD_MS,
  refusedConnectionHoldMs,
  refuseSignInsEarly,
} from './early-refusal.ts';
import { passwordHashing, type Admission } from './passwords.ts';

/**
 * The sign-ins refused in node's `request` listener, ahead of the app (decision 032). The app
 * here is a listener that answers "the app", so a test sees who answered; test/server/
 * listening-server.test.ts compares the early answer with the real app's.
 */
describe('refusing sign-ins ahead of the app', () => {
  let server: Server;
  let base: string;
  const asked: string[] = [];
  const recorded: Answered[] = [];
  const written: Array<{ atOnce: boolean; byTurnEnd: boolean }> = [];

  before(async () => {
    // No hold here: these tests use fetch's pool of connections (the holds are tested below).
    const refusingEarly = await refuseSignInsEarly(
      ['https://host.example'],
      (answered) => recorded.push(answered),
      0,
    );
    const listener = refusingEarly((request, response) => {
      asked.push(`${request.method} ${request.url}`);
      response.writeHead(200, { 'Content-Type': 'text/plain' });
      response.end('the app');
    });
    server = createServer((request, response) => {
      listener(request, response);
      // Whether the answer was written by the time the listener returned, and by the end of the
      // event loop's turn (this immediate runs after any the listener queued, in the same phase).
      const atOnce = response.writableEnded;
      setImmediate(() => written.push({ atOnce, byTurnEnd: response.writableEnded }));
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  after(() => new Promise<void>((resolve) => server.close(() => resolve())));

  async function whileFull<T>(work: () => Promise<T>): Promise<T> {
    const held: Admission[] = [];
    for (let i = 0; i < passwordHashing.capacity; i++) held.push(passwordHashing.admit());
    try {
      return await work();
    } finally {
      for (const admission of held) admission.release();
    }
  }

  const signIn = (path: string = routes.login.path) =>
    fetch(`${base}${path}`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ username: 'someone@example.test', password: 'whatever' }),
    });

  it('answers a sign-in past the full queue itself, without asking the app, and records it', async () => {
    asked.length = 0;
    recorded.length = 0;
    const refused = await whileFull(() => signIn());
    assert.equal(refused.status, 503);
    assert.equal(refused.headers.get('Retry-After'), '1');
    assert.deepEqual(await refused.json(), {
      message: 'Too many sign-ins at once. Try again in a moment.',
      code: 'service_unavailable',
    });
    assert.deepEqual(asked, [], 'the app was not asked');
    const requestId = refused.headers.get('X-Request-Id');
    assert.match(requestId ?? '', /^[0-9a-f-]{36}$/);
    assert.equal(recorded.length, 1);
    assert.equal(recorded[0].requestId, requestId);
    assert.deepEqual(
      { ...recorded[0], seconds: undefined, requestId: undefined },
      {
        method: 'POST',
        route: routes.login.path,
        status: 503,
        seconds: undefined,
        requestId: undefined,
      },
    );
  });

  it('writes a refusal at the end of the turn it came in, after the rest of its work', async () => {
    written.length = 0;
    await whileFull(() => signIn());
    await signIn(); // the app answers it in its listener
    assert.deepEqual(written, [
      { atOnce: false, byTurnEnd: true },
      { atOnce: true, byTurnEnd: true },
    ]);
  });

  it('gives every refusal a request id of its own', async () => {
    const ids = await whileFull(async () => [
      (await signIn()).headers.get('X-Request-Id'),
      (await signIn()).headers.get('X-Request-Id'),
    ]);
    assert.notEqual(ids[0], ids[1]);
  });

  it('hands everything else to the app: a queue with room, other methods and paths', async () => {
    asked.length = 0;
    assert.equal(await (await signIn()).text(), 'the app', 'a queue with room');
    await whileFull(async () => {
      for (const path of [
        `${routes.login.path}?next=1`,
        `${routes.login.path}/`,
        routes.refresh.path,
      ]) {
        assert.equal(await (await signIn(path)).text(), 'the app', path);
      }
      const preflight = await fetch(`${base}${routes.login.path}`, { method: 'OPTIONS' });
      assert.equal(await preflight.text(), 'the app', 'the CORS preflight of the sign-in');
      assert.equal(await (await fetch(`${base}/health`)).text(), 'the app');
    });
    assert.deepEqual(asked, [
      `POST ${routes.login.path}`,
      `POST ${routes.login.path}?next=1`,
      `POST ${routes.login.path}/`,
      `POST ${routes.refresh.path}`,
      `OPTIONS ${routes.login.path}`,
      'GET /health',
    ]);
  });
});

/**
 * A refused connection is not read from for a while after each refusal (decision 035): whatever
 * the client sent next waits, however it sent the refused request. Timed against a long hold, so
 * that the lower bounds hold on a busy machine.
 */
describe('holding the connection of a refused sign-in', () => {
  const HOLD = 300;
  let server: Server;
  let port: number;
  let held: Admission[] = [];

  before(async () => {
    const refusingEarly = await refuseSignInsEarly([], () => {}, HOLD);
    server = createServer(
      refusingEarly((_request, response) => {
        response.writeHead(200, { 'Content-Type': 'text/plain' });
        response.end('the app');
      }),
    );
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    port = (server.address() as AddressInfo).port;
    held = Array.from({ length: passwordHashing.capacity }, () => passwordHashing.admit());
  });
  after(async () => {
    held.forEach((admission) => admission.release());
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  });

  const body = JSON.stringify({ username: 'someone@example.test', password: 'whatever' });
  const headers =
    `POST ${routes.login.path} HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\n` +
    `Content-Length: ${body.length}\r\n\r\n`;
  const health = 'GET /health HTTP/1.1\r\nHost: localhost\r\n\r\n';

  /** A keep-alive connection written by hand; `answer` resolves with the next answer's status. */
  function open() {
    const socket = connect(port, '127.0.0.1');
    let received = '';
    const waiting: Array<(status: number) => void> = [];
    const settle = () => {
      for (;;) {
        const end = received.indexOf('\r\n\r\n');
        if (end < 0 || waiting.length === 0) return;
        const length = Number(/content-length: *(\d+)/i.exec(received.slice(0, end))?.[1] ?? 0);
        if (received.length < end + 4 + length) return;
        const status = Number(received.slice(9, 12));
        received = received.slice(end + 4 + length);
        waiting.shift()!(status);
      }
    };
    socket.on('data', (chunk) => {
      received += chunk.toString('latin1');
      settle();
    });
    return {
      write: (text: string) => socket.write(text),
      answer: () =>
        new Promise<number>((resolve) => {
          waiting.push(resolve);
          settle();
        }),
      close: () => socket.destroy(),
    };
  }

  it('reads the next request only after the hold; another connection at once', async () => {
    const refused = open();
    // Timed from before the refused request is sent, which the hold can only follow: timed from
    // the refusal's arrival instead, a busy event loop made the hold look shorter than it was.
    const sentAt = performance.now();
    refused.write(headers + body);
    assert.equal(await refused.answer(), 503);
    refused.write(health);
    const next = refused.answer().then(() => performance.now() - sentAt);
    const other = open();
    other.write(health);
    assert.equal(await other.answer(), 200);
    const otherAfter = performance.now() - sentAt;
    const nextAfter = await next;
    refused.close();
    other.close();
    // A millisecond or two for the timers' granularity.
    assert.ok(nextAfter >= HOLD - 2, `${nextAfter} ms`);
    assert.ok(otherAfter < nextAfter, 'another connection is not held');
  });

  it('holds once for each refusal read at once (requests sent without waiting)', async () => {
    const refused = open();
    const sentAt = performance.now();
    refused.write(headers + body + headers + body);
    assert.equal(await refused.answer(), 503);
    assert.equal(await refused.answer(), 503);
    refused.write(health);
    await refused.answer();
    const after = performance.now() - sentAt;
    refused.close();
    assert.ok(after >= 2 * HOLD - 2, `${after} ms`);
  });

  it('holds from the end of a body sent after the refusal', async () => {
    const refused = open();
    refused.write(headers);
    assert.equal(await refused.answer(), 503, 'refused before its body');
    refused.write(body);
    const bodySentAt = performance.now();
    refused.write(health);
    await refused.answer();
    const after = performance.now() - bodySentAt;
    refused.close();
    assert.ok(after >= HOLD - 10, `${after} ms`);
  });

  it('holds nothing behind a proxy, whose connections carry other clients too', () => {
    assert.equal(refusedConnectionHoldMs(true), 0);
    assert.equal(refusedConnectionHoldMs(false), REFUSED_CONNECTION_HOLD_MS);
  });
});
