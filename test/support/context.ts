import { after, before, describe } from 'node:test';
import { createApp, type App } from '../../server/app.ts';
import { SigningKeys } from '../../server/auth/keys.ts';
import { issueTokens, openSession } from '../../server/auth/tokens.ts';
import { ManualClock } from '../../server/clock.ts';
import { loadConfig, type Config } from '../../server/config.ts';
import type { Db, DialectName } from '../../server/db/connect.ts';
import { DIALECTS, type TestDialect } from './databases.ts';
import { Fixtures } from './fixtures.ts';

/**
 * One BFF per test file and database: the real app on a real database, with a clock the test
 * moves, called through `app.request()` (no socket needed).
 */
export interface TestContext {
  dialect: DialectName;
  db: Db;
  app: App;
  clock: ManualClock;
  config: Config;
  keys: SigningKeys;
  fixtures: Fixtures;
  /** A request to the app; `token` becomes `Authorization: Bearer …`, `json` the body. */
  request(path: string, init?: RequestInit & { token?: string; json?: unknown }): Promise<Response>;
  /** A real access token for a member, signed with the app's keys. */
  tokenFor(userId: number, accountId: number): Promise<string>;
}

export const TEST_ENV = {
  PUBLIC_URL: 'http://um.test',
  JWT_ISSUER: 'urn:user-management:test',
  JWT_AUDIENCE: 'urn:user-management:test-api',
};

export async function createTestContext(
  dialect: TestDialect,
  env: Record<string, string> = {},
): Promise<TestContext & { close(): Promise<void> }> {
  const database = await dialect.open();
  const config = loadConfig({ ...TEST_ENV, ...env });
  const clock = new ManualClock(new Date('2026-11-27T10:00:00Z'));
  const keys = new SigningKeys(
    database.db,
    clock,
    config.jwt.accessTtlSeconds,
    config.jwt.privateKey,
  );
  const app = createApp({ db: database.db, config, clock, keys });
  return {
    dialect: dialect.name,
    db: database.db,
    app,
    clock,
    config,
    keys,
    fixtures: new Fixtures(database.db, clock),
    async request(path, { token, json, headers, ...init } = {}) {
      const allHeaders = new Headers(headers);
      if (token) allHeaders.set('Authorization', `Bearer ${token}`);
      if (json !== undefined) allHeaders.set('Content-Type', 'application/json');
      return app.request(path, {
        ...init,
        headers: allHeaders,
        body: json === undefined ? init.body : JSON.stringify(json),
      });
    },
    async tokenFor(userId, accountId) {
      const sessionId = await openSession(database.db, userId, clock.now());
      if (!sessionId) throw new Error(`no session for user ${userId} (deleted?)`);
      const deps = { db: database.db, keys, clock, config };
      return (await issueTokens(deps, { userId, accountId }, sessionId)).access;
    },
    close: () => database.close(),
  };
}

/**
 * Run `suite` once per database (STYLE.md 6), each in a `describe` named after the database. The
 * context is created before the suite's tests and closed after them; `get()` hands it to the tests.
 */
export function eachDatabase(
  title: string,
  suite: (get: () => TestContext, dialect: DialectName) => void,
  env: Record<string, string> = {},
): void {
  for (const dialect of DIALECTS) {
    describe(`${title} [${dialect.name}]`, () => {
      let context: (TestContext & { close(): Promise<void> }) | undefined;
      before(async () => {
        context = await createTestContext(dialect, env);
      });
      after(async () => {
        await context?.close();
      });
      suite(() => {
        if (!context) throw new Error('test context used before `before` ran');
        return context;
      }, dialect.name);
    });
  }
}
