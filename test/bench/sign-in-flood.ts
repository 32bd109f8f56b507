import { Worker } from 'node:worker_threads';
import { createPostgresDatabase } from '../support/databases.ts';
import { percentile, type Scenario } from './scenario.ts';
import { call, startReplica, stopAll } from '../support/replicas.ts';

/**
 * What a flood of sign-ins does to everyone else: `GET /health`, the Users list and another
 * person's sign-in, each from one client in a loop, first alone and then while `FLOOD_CLIENTS`
 * clients send sign-ins as fast as they are answered. The flood uses unknown addresses from made-up
 * IPs (TRUST_PROXY on), so no per-address or per-IP limit stops it: every attempt that gets in costs
 * a password hash, as a distributed guessing attack would. PostgreSQL only (the production set-up).
 *
 * `appDir` runs another checkout of the server (the bench of an old commit, for before/after).
 * Answers the lines to print.
 */
const FLOOD_CLIENTS = 16;

export const scenario: Scenario = {
  name: 'sign-in flood',
  async run(ctx) {
    const lines = await benchSignInFlood(process.env.DATABASE_URL!, {
      seconds: ctx.mode === 'full' ? 10 : 5,
      appDir: ctx.appDir,
    });
    for (const line of lines) ctx.say(line);
  },
};

/** The flooding clients (plain JavaScript: a worker evaluates it), each one request at a time. */
const FLOOD_SOURCE = `
const { parentPort, workerData } = require('node:worker_threads');
const { url, clients } = workerData;
const statuses = {};
let sent = 0;
let flooding = true;
parentPort.on('message', () => (flooding = false));
async function client(n) {
  while (flooding) {
    const i = sent++;
    try {
      const response = await fetch(url + '/iam/auth/jwt/login', {
        method: 'POST',
        headers: {
          'Content-Type': 'application/json',
          'X-Forwarded-For': '10.' + n + '.' + ((i >> 8) & 255) + '.' + (i & 255),
        },
        body: JSON.stringify({ username: 'nobody-' + n + '-' + i + '@flood.test', password: 'wrong' }),
      });
      await response.arrayBuffer();
      statuses[response.status] = (statuses[response.status] ?? 0) + 1;
    } catch {
      statuses.error = (statuses.error ?? 0) + 1;
    }
  }
}
Promise.all(Array.from({ length: clients }, (_, n) => client(n))).then(() =>
  parentPort.postMessage({ statuses, sent }),
);
`;

interface Sample {
  name: string;
  latencies: number[];
}

function summary(latencies: number[]) {
  const sorted = [...latencies].sort((a, b) => a - b);
  return { p50: percentile(sorted, 50), p95: percentile(sorted, 95), n: sorted.length };
}

export async function benchSignInFlood(
  serverUrl: string,
  options: { seconds?: number; appDir?: string } = {},
): Promise<string[]> {
  const seconds = options.seconds ?? 5;
  const database = await createPostgresDatabase(serverUrl);
  try {
    const replica = await startReplica(
      { DATABASE_URL: database.url, DEMO_SEED: 'true', LOG_LEVEL: 'silent', TRUST_PROXY: 'true' },
      options.appDir,
    );
    const url = replica.url;
    const login = await call(url, 'POST', '/iam/auth/jwt/login', {
      body: { username: 'admin@demo.test', password: 'demo-admin-password' },
    });
    const token = login.body.access as string;

    const probes: Array<{ name: string; request: () => Promise<number> }> = [
      { name: 'GET /health', request: async () => (await call(url, 'GET', '/health')).status },
      {
        name: 'GET /iam/users?limit=10',
        request: async () => (await call(url, 'GET', '/iam/users?limit=10', { token })).status,
      },
      {
        name: "another person's sign-in",
        request: async () =>
          (
            await call(url, 'POST', '/iam/auth/jwt/login', {
              body: { username: 'alice@acme.test', password: 'demo-member-password' },
              headers: { 'X-Forwarded-For': '198.51.100.7' },
            })
          ).status,
      },
    ];

    // Each probe runs in its own loop, one request at a time, for `seconds`.
    const measure = async (): Promise<Sample[]> => {
      const until = Date.now() + seconds * 1000;
      return Promise.all(
        probes.map(async (probe) => {
          const latencies: number[] = [];
          while (Date.now() < until) {
            const t0 = performance.now();
            const status = await probe.request();
            latencies.push(performance.now() - t0);
            // A refused sign-in (503 under the flood) is an answer too; anything else is a fault.
            if (status !== 200 && status !== 503) throw new Error(`${probe.name}: ${status}`);
          }
          return { name: probe.name, latencies };
        }),
      );
    };

    await measure(); // warm-up
    const alone = await measure();

    // The flood runs in a worker thread of its own, so its requests never delay the probes' timers.
    const flood = new Worker(FLOOD_SOURCE, {
      eval: true,
      workerData: { url, clients: FLOOD_CLIENTS },
    });
    await new Promise((resolve) => setTimeout(resolve, 1000)); // let the flood build up
    const during = await measure();
    const floodDone = new Promise<{ statuses: Record<string, number>; sent: number }>((resolve) =>
      flood.once('message', resolve),
    );
    flood.postMessage('stop');
    const { statuses, sent } = await floodDone;
    await flood.terminate();

    const lines = [
      `Sign-in flood (${FLOOD_CLIENTS} clients of unknown addresses from made-up IPs), ` +
        `${seconds} s each, PostgreSQL; ms p50 / p95, alone → during the flood (p95 ratio):`,
    ];
    for (let i = 0; i < probes.length; i++) {
      const before = summary(alone[i].latencies);
      const after = summary(during[i].latencies);
      lines.push(
        `  ${probes[i].name.padEnd(26)} ${before.p50.toFixed(1)} / ${before.p95.toFixed(1)} → ` +
          `${after.p50.toFixed(1)} / ${after.p95.toFixed(1)}  (${(after.p95 / before.p95).toFixed(2)}×, ` +
          `${after.n} requests)`,
      );
    }
    const answered = Object.entries(statuses)
      .map(([status, n]) => `${n} × ${status}`)
      .join(', ');
    lines.push(`  the flood's answers: ${answered} (${(sent / (seconds + 1)).toFixed(0)} /s)`);
    return lines;
  } finally {
    await stopAll();
    await database.drop();
  }
}

// Run alone: `DATABASE_URL=postgres://… tsx test/bench/sign-in-flood.ts [appDir]`.
if (import.meta.url === `file://${process.argv[1]}`) {
  const serverUrl = process.env.DATABASE_URL;
  if (!serverUrl) throw new Error('set DATABASE_URL to a PostgreSQL server');
  const lines = await benchSignInFlood(serverUrl, {
    seconds: Number(process.env.BENCH_SECONDS ?? 5),
    appDir: process.argv[2],
  });
  console.log(lines.join('\n'));
}
