import assert from 'node:assert/strict';
import { connect } from 'node:net';
import { after, before, describe, it } from 'node:test';
import type { TokenPair } from '../../shared/auth.ts';
import type { UsersPage } from '../../shared/users.ts';
import { createApp } from '../../server/app.ts';
import { REFUSED_CONNECTION_HOLD_MS } from '../../server/auth/early-refusal.ts';
import { passwordHashing, type Admission } from '../../server/auth/passwords.ts';
import { systemClock } from '../../server/clock.ts';
import { startBff, type RunningBff } from '../../server/start.ts';
import { createPostgresDatabase } from '../support/databases.ts';

/**
 * The BFF as `npm start` runs it: a real socket, the demo seeded on an empty database. Runs on
 * PostgreSQL when DATABASE_URL is set (in a database of its own), else on an in-memory PGlite.
 */
/** A host page's origin that ALLOWED_ORIGINS lets call the BFF. */
const HOST_PAGE = 'https://host.example';

describe('the BFF over a real socket, with the demo seeded', () => {
  let bff: RunningBff;
  let database: { url: string; drop(): Promise<void> } | undefined;

  before(async () => {
    if (process.env.DATABASE_URL) database = await createPostgresDatabase(process.env.DATABASE_URL);
    bff = await startBff({
      PORT: '0',
      DATA_DIR: 'memory://',
      DEMO_SEED: 'true',
      ALLOWED_ORIGINS: HOST_PAGE,
      ...(database ? { DATABASE_URL: database.url } : {}),
    });
  });
  after(async () => {
    await bff.close();
    await database?.drop();
  });

  it('signs the demo administrator in and lists the seeded users, filtered and paged', async () => {
    const login = await fetch(`${bff.url}/iam/auth/jwt/login`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({
        username: bff.config.demoAdmin.email,
        password: bff.config.demoAdmin.password,
      }),
    });
    assert.equal(login.status, 200);
    const { access } = (await login.json()) as TokenPair;
    const headers = { Authorization: `Bearer ${access}` };

    const page = (await (
      await fetch(`${bff.url}/iam/users?limit=10`, { headers })
    ).json()) as UsersPage;
    assert.ok(page.count >= 25, `about 30 users, got ${page.count}`);
    assert.equal(page.results.length, 10);
    const statuses = new Set(
      (await (await fetch(`${bff.url}/iam/users`, { headers })).json()).map(
        (u: { status: string }) => u.status,
      ),
    );
    assert.deepEqual([...statuses].sort(), ['active', 'invitation_expired', 'not_activated']);

    const filtered = (await (
      await fetch(`${bff.url}/iam/users?limit=10&email=alice`, { headers })
    ).json()) as UsersPage;
    assert.deepEqual(
      filtered.results.map((u) => u.email),
      ['alice@acme.test'],
    );

    const me = await (await fetch(`${bff.url}/iam/clients/me`, { headers })).json();
    const tokens = await (
      await fetch(`${bff.url}/iam/v2/clients/${me.id}/tokens`, { headers })
    ).json();
    assert.deepEqual(
      tokens.map((t: { name: string; expired: boolean }) => [t.name, t.expired]).sort(),
      [
        ['Deploy pipeline', false],
        ['Monitoring', false],
        ['Old CI', true],
      ],
    );
    const deleted = await (
      await fetch(`${bff.url}/iam/v2/clients/${me.id}/tokens?deleted=true`, { headers })
    ).json();
    assert.deepEqual(
      deleted.map((t: { name: string; client_user: { deleted: boolean } }) => [
        t.name,
        t.client_user.deleted,
      ]),
      [['Legacy sync', true]],
      'a token of a deleted issuer',
    );
  });

  it('answers unknown paths with the JSON error model', async () => {
    const missing = await fetch(`${bff.url}/iam/no-such-thing`);
    assert.equal(missing.status, 404);
    assert.deepEqual(await missing.json(), { message: 'Not found.', code: 'not_found' });
  });

  it('serves health and the OpenAPI document', async () => {
    assert.equal((await fetch(`${bff.url}/health`)).status, 200);
    const doc = await (await fetch(`${bff.url}/openapi.json`)).json();
    assert.equal(doc.openapi, '3.0.3');
  });

  /**
   * A POST whose headers promise `declaredLength` bytes of body that never come: answered only by
   * a server that does not wait for the body. Resolves with the status, headers and body.
   */
  function postWithoutBody(path: string, declaredLength: number) {
    const { port, hostname } = new URL(bff.url);
    return new Promise<{ status: number; head: string; body: string }>((resolve, reject) => {
      const socket = connect(Number(port), hostname);
      let received = '';
      const timer = setTimeout(() => {
        socket.destroy();
        reject(new Error('no answer without the body'));
      }, 5_000);
      socket.on('error', reject);
      socket.on('data', (chunk) => {
        received += chunk.toString('latin1');
        const end = received.indexOf('\r\n\r\n');
        if (end < 0) return;
        const head = received.slice(0, end);
        const length = Number(/\r\ncontent-length: *(\d+)/i.exec(head)?.[1] ?? 0);
        if (received.length < end + 4 + length) return;
        clearTimeout(timer);
        socket.destroy();
        resolve({ status: Number(head.slice(9, 12)), head, body: received.slice(end + 4) });
      });
      socket.write(
        `POST ${path} HTTP/1.1\r\nHost: ${hostname}\r\nContent-Type: application/json\r\n` +
          `Content-Length: ${declaredLength}\r\n\r\n`,
      );
    });
  }

  it('refuses a sign-in past the full hashing queue with 503 before its body arrives', async () => {
    const held: Admission[] = [];
    for (let i = 0; i < passwordHashing.capacity; i++) held.push(passwordHashing.admit());
    try {
      const refused = await postWithoutBody('/iam/auth/jwt/login', 60);
      assert.equal(refused.status, 503);
      assert.match(refused.head, /\r\nretry-after: 1\r\n/i);
      assert.equal(JSON.parse(refused.body).code, 'service_unavailable');
    } finally {
      for (const admission of held) admission.release();
    }
  });

  it('refuses a body its Content-Length declares too large with 413, before it arrives', async () => {
    const refused = await postWithoutBody('/iam/auth/jwt/login', 100_000);
    assert.equal(refused.status, 413);
    assert.equal(JSON.parse(refused.body).code, 'payload_too_large');
  });

  describe('while the hashing queue is full (sign-ins refused ahead of the app, decision 032)', () => {
    let held: Admission[] = [];
    before(() => {
      held = Array.from({ length: passwordHashing.capacity }, () => passwordHashing.admit());
    });
    after(() => held.forEach((admission) => admission.release()));

    const signInBody = JSON.stringify({ username: 'nobody@example.test', password: 'wrong' });
    const signIn = (origin?: string) =>
      `POST /iam/auth/jwt/login HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\n` +
      (origin ? `Origin: ${origin}\r\n` : '') +
      `Content-Length: ${Buffer.byteLength(signInBody)}\r\n\r\n`;

    it('answers a sign-in as the app does: status, body, every header, CORS for allowed origins only', async () => {
      const app = createApp({ db: bff.database.db, config: bff.config, clock: systemClock });
      // What node adds to every answer, and the request id, new for each.
      const ownHeaders = ['date', 'connection', 'keep-alive', 'content-length', 'x-request-id'];
      const others = (headers: Record<string, string>) =>
        Object.fromEntries(Object.entries(headers).filter(([name]) => !ownHeaders.includes(name)));
      for (const origin of [HOST_PAGE, 'https://elsewhere.example', undefined]) {
        const connection = openConnection();
        connection.write(signIn(origin) + signInBody);
        const early = await connection.answer();
        connection.close();
        const expected = await app.request('/iam/auth/jwt/login', {
          method: 'POST',
          headers: { 'Content-Type': 'application/json', ...(origin ? { Origin: origin } : {}) },
          body: signInBody,
        });
        const expectedBody = await expected.text();
        assert.equal(early.status, expected.status, `${origin}`);
        assert.equal(early.body, expectedBody, `${origin}`);
        assert.deepEqual(others(early.headers), others(Object.fromEntries(expected.headers)));
        assert.equal(Number(early.headers['content-length']), Buffer.byteLength(expectedBody));
        assert.match(early.headers['x-request-id'], /^[0-9a-f-]{36}$/);
        assert.notEqual(early.headers['x-request-id'], expected.headers.get('X-Request-Id'));
        assert.equal(
          early.headers['access-control-allow-origin'],
          origin === HOST_PAGE ? HOST_PAGE : undefined,
        );
      }
    });

    /** A refused sign-in on `connection`, answered; closes the connection. */
    async function signInOver(connection: Connection) {
      connection.write(signIn() + signInBody);
      const answer = await connection.answer();
      connection.close();
      return answer;
    }

    it('serves the next request on the same connection, whether the body came before or after the answer', async () => {
      const connection = openConnection();
      connection.write(signIn() + signInBody);
      assert.equal((await connection.answer()).status, 503, 'the body sent with the headers');
      connection.write(signIn());
      assert.equal((await connection.answer()).status, 503, 'before the body');
      connection.write(signInBody); // after the answer: discarded, not taken for a request
      connection.write('GET /health HTTP/1.1\r\nHost: localhost\r\n\r\n');
      const health = await connection.answer();
      connection.close();
      assert.equal(health.status, 200);
      assert.deepEqual(JSON.parse(health.body), { status: 'ok', database: 'ok' });
    });

    it('reads nothing more from a refused connection for a moment, and serves the others at once', async () => {
      const refused = openConnection();
      // Timed from before the refused request is sent, which the hold can only follow.
      const sentAt = performance.now();
      refused.write(signIn() + signInBody);
      assert.equal((await refused.answer()).status, 503);
      refused.write('GET /health HTTP/1.1\r\nHost: localhost\r\n\r\n');
      const afterTheHold = refused.answer().then(() => performance.now());
      const other = openConnection();
      other.write('GET /health HTTP/1.1\r\nHost: localhost\r\n\r\n');
      assert.equal((await other.answer()).status, 200);
      const otherAt = performance.now();
      other.close();
      const heldAt = await afterTheHold;
      refused.close();
      // A millisecond or two for the timers' granularity.
      assert.ok(heldAt - sentAt >= REFUSED_CONNECTION_HOLD_MS - 2, `${heldAt - sentAt} ms`);
      assert.ok(otherAt < heldAt, 'another connection is not held');
    });

    it('counts each refusal in the metrics and writes nothing to the database', async () => {
      const db = bff.database.db;
      const rows = async () => ({
        events: (await db.selectFrom('login_events').select('id').execute()).length,
        throttles: (await db.selectFrom('sign_in_throttles').select('key').execute()).length,
        audit: (await db.selectFrom('audit_log').select('id').execute()).length,
      });
      const refusals = async () => {
        const text = await (await fetch(`${bff.url}/metrics`)).text();
        const line = text
          .split('\n')
          .find((l) =>
            l.startsWith(
              'http_request_duration_seconds_count{method="POST",route="/iam/auth/jwt/login",status="503"}',
            ),
          );
        return Number(line?.split(' ').at(-1) ?? 0);
      };
      const before = { rows: await rows(), refusals: await refusals() };
      await signInOver(openConnection());
      await signInOver(openConnection());
      assert.equal(await refusals(), before.refusals + 2);
      assert.deepEqual(await rows(), before.rows);
    });

    it('serves the rest of the API as usual, the preflight of a sign-in included', async () => {
      assert.equal((await fetch(`${bff.url}/health`)).status, 200);
      const preflight = await fetch(`${bff.url}/iam/auth/jwt/login`, {
        method: 'OPTIONS',
        headers: { Origin: HOST_PAGE, 'Access-Control-Request-Method': 'POST' },
      });
      assert.equal(preflight.status, 204);
      assert.equal(preflight.headers.get('Access-Control-Allow-Origin'), HOST_PAGE);
      const refresh = await fetch(`${bff.url}/iam/auth/jwt/refresh`, {
        method: 'POST',
        headers: { 'Content-Type': 'application/json' },
        body: JSON.stringify({ refresh: 'not-a-token' }),
      });
      assert.equal(refresh.status, 401, 'a refresh hashes nothing: the app answers it');
    });
  });

  interface Connection {
    write(text: string): void;
    /** The next answer on the connection: status, headers (lower-case names) and body. */
    answer(): Promise<{ status: number; headers: Record<string, string>; body: string }>;
    close(): void;
  }

  /** One keep-alive connection to the BFF, written to and read from by hand. */
  function openConnection(): Connection {
    const { port, hostname } = new URL(bff.url);
    const socket = connect(Number(port), hostname);
    let received = '';
    let onData = () => {};
    socket.on('data', (chunk) => {
      received += chunk.toString('latin1');
      onData();
    });
    return {
      write: (text) => socket.write(text),
      answer: () =>
        new Promise((resolve, reject) => {
          const timer = setTimeout(() => reject(new Error(`no answer; got ${received}`)), 5_000);
          onData = () => {
            const end = received.indexOf('\r\n\r\n');
            if (end < 0) return;
            const [statusLine, ...lines] = received.slice(0, end).split('\r\n');
            const headers = Object.fromEntries(
              lines.map((line) => {
                const colon = line.indexOf(':');
                return [line.slice(0, colon).toLowerCase(), line.slice(colon + 1).trim()];
              }),
            );
            const length = Number(headers['content-length'] ?? 0);
            if (received.length < end + 4 + length) return;
            const body = received.slice(end + 4, end + 4 + length);
            received = received.slice(end + 4 + length);
            clearTimeout(timer);
            onData = () => {};
            resolve({ status: Number(statusLine.slice(9, 12)), headers, body });
          };
          onData();
        }),
      close: () => socket.destroy(),
    };
  }
});
