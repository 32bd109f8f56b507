import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sql } from 'kysely';
import { openDatabase } from '../../server/db/connect.ts';
import { call, startReplica, stopAll } from '../support/replicas.ts';
import { percentile, type Scenario } from './scenario.ts';

/**
 * The demo's embedded database (PGlite) under load: `GET /health` from one client, first alone and
 * then while two clients each fetch the whole Users list of an account of `users` members, over
 * and over. PGlite answers from inside the BFF's process; the question is whether a long query
 * holds the event loop that answers everyone else.
 *
 * `appDir` runs another checkout of the server (the bench of an old commit, for before/after).
 * Answers the lines to print.
 */
const BIG_LIST = '/iam/users';

export const scenario: Scenario = {
  name: 'PGlite under big lists',
  async run(ctx) {
    const lines = await benchPGlite({
      users: ctx.mode === 'full' ? 100_000 : 20_000,
      seconds: 5,
      appDir: ctx.appDir,
    });
    for (const line of lines) ctx.say(line);
  },
};

export async function benchPGlite(
  options: { users?: number; seconds?: number; appDir?: string } = {},
): Promise<string[]> {
  const users = options.users ?? 100_000;
  const seconds = options.seconds ?? 5;
  const dataDir = mkdtempSync(join(tmpdir(), 'um-bench-pglite-'));
  const env = { DATA_DIR: dataDir, DEMO_SEED: 'true', LOG_LEVEL: 'warn' };
  try {
    // The demo seed first (the BFF writes it into the empty folder), then the big account beside it.
    await (await startReplica(env, options.appDir)).stop();
    const database = await openDatabase({ dataDir });
    const started = Date.now();
    await sql`
      insert into users (email, name, lang)
      select 'user-' || i || '@bench.test', 'Bench Name ' || i, (array['en','de','zh','ru'])[1 + i % 4]
      from generate_series(1, ${users}) as i`.execute(database.db);
    await sql`
      insert into memberships (account_id, user_id, role_id, accepted_at)
      select a.id, u.id, 3009, now()
      from users u, accounts a
      where u.email like '%@bench.test' and a.id = (select min(id) from accounts)`.execute(
      database.db,
    );
    await sql`analyze`.execute(database.db);
    await database.close();
    const seededIn = (Date.now() - started) / 1000;

    const replica = await startReplica(env, options.appDir);
    const login = await call(replica.url, 'POST', '/iam/auth/jwt/login', {
      body: { username: 'admin@demo.test', password: 'demo-admin-password' },
    });
    const token = login.body.access as string;

    // `/health` asks the database (`select 1`); `/health/live` does not, so it shows the event loop.
    const probe = async (path: string, until: number) => {
      const latencies: number[] = [];
      while (Date.now() < until) {
        const t0 = performance.now();
        await call(replica.url, 'GET', path);
        latencies.push(performance.now() - t0);
      }
      return latencies.sort((a, b) => a - b);
    };
    const health = async () => {
      const until = Date.now() + seconds * 1000;
      const [db, live] = await Promise.all([probe('/health', until), probe('/health/live', until)]);
      return { db, live };
    };
    await health(); // warm-up
    const alone = await health();

    let listing = true;
    let lists = 0;
    const lister = async () => {
      while (listing) {
        const t0 = performance.now();
        const response = await fetch(`${replica.url}${BIG_LIST}`, {
          headers: { Authorization: `Bearer ${token}` },
        }).catch((error: unknown) => {
          throw new Error(
            `${BIG_LIST} failed (BFF exit ${replica.process.exitCode} ${replica.process.signalCode}); its log:\n${replica.log().slice(-3000)}`,
            {
              cause: error,
            },
          );
        });
        await response.arrayBuffer();
        if (response.status !== 200) throw new Error(`${BIG_LIST}: ${response.status}`);
        lists++;
        listTimes.push(performance.now() - t0);
      }
    };
    const listTimes: number[] = [];
    const listers = [lister(), lister()];
    await new Promise((resolve) => setTimeout(resolve, 500));
    const during = await health();
    listing = false;
    await Promise.all(listers);
    await replica.stop();

    const line = (latencies: number[]) =>
      `${percentile(latencies, 50).toFixed(1)} / ${percentile(latencies, 95).toFixed(1)} ms`;
    const ratio = (a: number[], b: number[]) => (percentile(b, 95) / percentile(a, 95)).toFixed(1);
    listTimes.sort((a, b) => a - b);
    return [
      `PGlite (the demo's database), an account of ${users} members seeded in ${seededIn.toFixed(0)} s;`,
      `p50 / p95 alone → while 2 clients GET ${BIG_LIST} (${lists} lists, each p50 ` +
        `${percentile(listTimes, 50).toFixed(0)} ms):`,
      `  GET /health       ${line(alone.db)} → ${line(during.db)} (p95 ${ratio(alone.db, during.db)}×)`,
      `  GET /health/live  ${line(alone.live)} → ${line(during.live)} (p95 ${ratio(alone.live, during.live)}×)`,
    ];
  } finally {
    await stopAll();
    rmSync(dataDir, { recursive: true, force: true });
  }
}

// Run alone: `tsx test/bench/pglite.ts [appDir]`.
if (import.meta.url === `file://${process.argv[1]}`) {
  const lines = await benchPGlite({
    users: Number(process.env.BENCH_USERS ?? 100_000),
    seconds: Number(process.env.BENCH_SECONDS ?? 5),
    appDir: process.argv[2],
  });
  console.log(lines.join('\n'));
}
