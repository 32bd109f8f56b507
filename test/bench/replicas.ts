import { createPostgresDatabase } from '../support/databases.ts';
import { call, startReplica, stopAll } from '../support/replicas.ts';
import type { Scenario } from './scenario.ts';

/** `BENCH_REPLICAS=1 npm run bench`: this checkout's replicas, on the demo seed. */
export const scenario: Scenario = {
  name: 'replicas',
  once: true,
  async run(ctx) {
    ctx.say(await benchReplicas(process.env.DATABASE_URL!));
  },
};

/**
 * One replica against three on this machine, for the Users list: requests per second from 16
 * concurrent clients over `seconds`, spread round-robin over the replicas, on the demo seed.
 * PostgreSQL only (PGlite cannot be shared between processes). Answers the line to print.
 */
export async function benchReplicas(serverUrl: string, seconds = 5): Promise<string> {
  const database = await createPostgresDatabase(serverUrl);
  try {
    const env = { DATABASE_URL: database.url, DEMO_SEED: 'true', LOG_LEVEL: 'silent' };
    const first = await startReplica(env);
    const login = await call(first.url, 'POST', '/iam/auth/jwt/login', {
      body: { username: 'admin@demo.test', password: 'demo-admin-password' },
    });
    const token = login.body.access as string;
    const rate = async (urls: string[]) => {
      const until = Date.now() + seconds * 1000;
      let done = 0;
      const client = async (n: number) => {
        while (Date.now() < until) {
          const answer = await call(urls[n++ % urls.length], 'GET', '/iam/users?limit=10', {
            token,
          });
          if (answer.status !== 200) throw new Error(`Users list: ${answer.status}`);
          done++;
        }
      };
      await Promise.all(Array.from({ length: 16 }, (_, i) => client(i)));
      return done / seconds;
    };
    await rate([first.url]); // warm-up
    const one = await rate([first.url]);
    const others = await Promise.all([startReplica(env), startReplica(env)]);
    const all = [first.url, ...others.map((replica) => replica.url)];
    await rate(all); // warm-up
    const three = await rate(all);
    return (
      `Users list (GET /iam/users?limit=10), 1 vs 3 replicas on this machine: ` +
      `${one.toFixed(0)} vs ${three.toFixed(0)} requests/s, ratio 3:1 = ${(three / one).toFixed(2)}`
    );
  } finally {
    await stopAll();
    await database.drop();
  }
}
