import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, describe, it } from 'node:test';
import * as routes from '../../shared/routes.ts';
import type { Answered } from '../http/metrics.ts';
import { refuseSignInsEarly } from './early-refusal.ts';
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
    const refusingEarly = await refuseSignInsEarly(['https://host.example'], (answered) =>
      recorded.push(answered),
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
