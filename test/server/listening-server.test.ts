import assert from 'node:assert/strict';
import { connect } from 'node:net';
import { after, before, describe, it } from 'node:test';
import type { TokenPair } from '../../shared/auth.ts';
import type { UsersPage } from '../../shared/users.ts';
import { passwordHashing, type Admission } from '../../server/auth/passwords.ts';
import { startBff, type RunningBff } from '../../server/start.ts';
import { createPostgresDatabase } from '../support/databases.ts';

/**
 * The BFF as `npm start` runs it: a real socket, the demo seeded on an empty database. Runs on
 * PostgreSQL when DATABASE_URL is set (in a database of its own), else on an in-memory PGlite.
 */
describe('the BFF over a real socket, with the demo seeded', () => {
  let bff: RunningBff;
  let database: { url: string; drop(): Promise<void> } | undefined;

  before(async () => {
    if (process.env.DATABASE_URL) database = await createPostgresDatabase(process.env.DATABASE_URL);
    bff = await startBff({
      PORT: '0',
      DATA_DIR: 'memory://',
      DEMO_SEED: 'true',
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
});
