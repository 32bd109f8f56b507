import assert from 'node:assert/strict';
import { it } from 'node:test';
import { sql } from 'kysely';
import { createApp, OPERATIONS } from './app.ts';
import { ManualClock } from './clock.ts';
import { loadConfig } from './config.ts';
import { migrate, openDatabase } from './db/connect.ts';
import { eachDatabase, TEST_ENV } from '../test/support/context.ts';
import { ROLE } from '../shared/roles.ts';

eachDatabase('service endpoints and the error model', (ctx) => {
  it('reports health with the database reachable', async () => {
    const response = await ctx().request('/health');
    assert.equal(response.status, 200);
    assert.deepEqual(await response.json(), { status: 'ok', database: 'ok' });
  });

  it('documents every route of the app in /openapi.json, and nothing else', async () => {
    const document = await (await ctx().request('/openapi.json')).json();
    const documented = Object.entries(document.paths as Record<string, object>).flatMap(
      ([path, methods]) => Object.keys(methods).map((method) => `${method.toUpperCase()} ${path}`),
    );
    const served = ctx()
      .app.routes.filter((route) => route.method !== 'ALL')
      .map((route) => `${route.method} ${route.path.replace(/:(\w+)/g, '{$1}')}`);
    assert.deepEqual([...new Set(served)].sort(), documented.sort());
    assert.equal(documented.length, OPERATIONS.length, 'no mailbox without the demo seed');
    const list = document.paths['/iam/users'].get;
    assert.ok(
      list.parameters.some(
        (p: { name: string; in: string }) => p.name === 'ordering' && p.in === 'query',
      ),
    );
    assert.ok(document.paths['/iam/auth/jwt/login'].post.requestBody);
  });

  it('answers unknown paths with the JSON error model', async () => {
    const response = await ctx().request('/no/such/path');
    assert.equal(response.status, 404);
    assert.deepEqual(await response.json(), { message: 'Not found.', code: 'not_found' });
  });

  it('refuses a body over the size limit with 413', async () => {
    const response = await ctx().request('/iam/auth/jwt/login', {
      method: 'POST',
      json: { username: 'a@b.test', password: 'x'.repeat(100_000) },
    });
    assert.equal(response.status, 413);
    assert.equal((await response.json()).code, 'payload_too_large');
  });

  it('answers an unexpected failure with 500 and a request id, never a stack trace', async () => {
    const accountId = await ctx().fixtures.account();
    const admin = await ctx().fixtures.member(accountId, { role: ROLE.administrators });
    const token = await ctx().tokenFor(admin.id, accountId);
    // Break the schema under the running app: the users list can no longer read Cloud roles.
    await sql`alter table cloud_role_assignments rename to cloud_role_assignments_gone`.execute(
      ctx().db,
    );
    try {
      const response = await ctx().request('/iam/users', { token });
      assert.equal(response.status, 500);
      const body = await response.json();
      assert.equal(body.code, 'internal_error');
      assert.equal(body.message, 'Internal server error.');
      assert.ok(body.request_id);
      assert.equal(response.headers.get('X-Request-Id'), body.request_id);
      assert.doesNotMatch(JSON.stringify(body), /cloud_role|at .*\.ts/);
    } finally {
      await sql`alter table cloud_role_assignments_gone rename to cloud_role_assignments`.execute(
        ctx().db,
      );
    }
  });
});

it('says not ready once shutting down, and guards /metrics with METRICS_TOKEN', async () => {
  const database = await openDatabase({ databaseUrl: undefined, dataDir: 'memory://' });
  let shuttingDown = false;
  const app = createApp({
    db: database.db,
    config: loadConfig({ ...TEST_ENV, METRICS_TOKEN: 'a-metrics-token-of-16+' }),
    clock: new ManualClock(),
    isShuttingDown: () => shuttingDown,
  });
  try {
    assert.deepEqual(await (await app.request('/health/ready')).json(), { status: 'migrating' });
    await migrate(database.db);
    assert.equal((await app.request('/health/ready')).status, 200);
    shuttingDown = true;
    const ready = await app.request('/health/ready');
    assert.equal(ready.status, 503);
    assert.deepEqual(await ready.json(), { status: 'shutting_down' });
    assert.equal((await app.request('/health/live')).status, 200);

    assert.equal((await app.request('/metrics')).status, 401);
    const wrong = { headers: { Authorization: 'Bearer a-metrics-token-of-16-' } };
    assert.equal((await app.request('/metrics', wrong)).status, 401);
    const right = { headers: { Authorization: 'Bearer a-metrics-token-of-16+' } };
    const scrape = await app.request('/metrics', right);
    assert.equal(scrape.status, 200);
    assert.ok((await scrape.text()).includes('outbox_backlog 0'));
  } finally {
    await database.close();
  }
});

it('answers 503 with Retry-After when the database is unreachable', async () => {
  // Port 1 on loopback: nothing listens, so every connection is refused at once.
  const database = await openDatabase({ databaseUrl: 'postgres://nobody@127.0.0.1:1/none' });
  const app = createApp({
    db: database.db,
    config: loadConfig(TEST_ENV),
    clock: new ManualClock(),
  });
  try {
    for (const [path, init] of [
      ['/health', {}],
      [
        '/iam/auth/jwt/login',
        {
          method: 'POST',
          body: '{"username":"a@b.test","password":"x"}',
          headers: { 'Content-Type': 'application/json' },
        },
      ],
      ['/.well-known/jwks.json', {}],
    ] as const) {
      const response = await app.request(path, init);
      assert.equal(response.status, 503, path);
      assert.equal(response.headers.get('Retry-After'), '5');
      assert.equal((await response.json()).code, 'service_unavailable');
    }
  } finally {
    await database.close();
  }
});
