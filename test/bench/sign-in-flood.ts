import { fork } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { loadavg } from 'node:os';
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
 * The flood stands for clients on other machines, yet runs on this one: it is a process of its own
 * with the leanest client that still speaks HTTP/1.1 properly (test/bench/flood-clients.mjs says
 * exactly what it sends), so that what it costs this machine is small and is printed beside the
 * BFF's share of the cores (Linux: read from /proc).
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

    const { port, hostname } = new URL(url);
    const flood = fork(
      new URL('./flood-clients.mjs', import.meta.url),
      [JSON.stringify({ port: Number(port), host: hostname, clients: FLOOD_CLIENTS })],
      { execArgv: [] }, // plain JavaScript: no TypeScript loader in the flood's process
    );
    await new Promise((resolve) => setTimeout(resolve, 1000)); // let the flood build up
    const bffPid = replica.process.pid!;
    const cpuBefore = { bff: threadTimes(bffPid), flood: threadTimes(flood.pid!), at: Date.now() };
    const during = await measure();
    const cpu = cpuShares(cpuBefore, bffPid, flood.pid!);
    const floodDone = new Promise<{ statuses: Record<string, number>; sent: number }>((resolve) =>
      flood.once('message', resolve),
    );
    flood.send('stop');
    const { statuses, sent } = await floodDone;

    const lines = [
      `Sign-in flood (${FLOOD_CLIENTS} clients of unknown addresses from made-up IPs), ` +
        `${seconds} s each, PostgreSQL, load average ${loadavg()[0].toFixed(1)} at the start; ` +
        `ms p50 / p95, alone → during the flood (p95 ratio):`,
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
    if (cpu) {
      // The flood ran `seconds` + 1 s (its build-up); the cores were read over the `seconds`.
      const answersMeasured = (sent * seconds) / (seconds + 1);
      lines.push(
        `  cores used during the flood: ${cpu.text}; the event loop's time per flood answer ` +
          `about ${((1000 * cpu.eventLoopMs) / answersMeasured).toFixed(0)} µs`,
      );
    }
    return lines;
  } finally {
    await stopAll();
    await database.drop();
  }
}

/** CPU time (ms) of each thread of a process, by thread id; empty where /proc is not there. */
function threadTimes(pid: number): Map<string, number> {
  const times = new Map<string, number>();
  try {
    for (const tid of readdirSync(`/proc/${pid}/task`)) {
      const stat = readFileSync(`/proc/${pid}/task/${tid}/stat`, 'utf8');
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      times.set(tid, (Number(fields[11]) + Number(fields[12])) * 10); // utime + stime, 10 ms ticks
    }
  } catch {
    // not Linux, or the process has ended
  }
  return times;
}

/** How much of a core the BFF's event loop, its other threads and the flood took since `before`. */
function cpuShares(
  before: { bff: Map<string, number>; flood: Map<string, number>; at: number },
  bffPid: number,
  floodPid: number,
): { text: string; eventLoopMs: number } | undefined {
  const elapsed = Date.now() - before.at;
  const used = (
    now: Map<string, number>,
    then: Map<string, number>,
    which: (tid: string) => boolean,
  ) =>
    [...now]
      .filter(([tid]) => which(tid))
      .reduce((sum, [tid, ms]) => sum + ms - (then.get(tid) ?? 0), 0);
  const bff = threadTimes(bffPid);
  const flood = threadTimes(floodPid);
  if (!bff.size || !flood.size) return undefined;
  const share = (ms: number) => `${((100 * ms) / elapsed).toFixed(0)}%`;
  const eventLoop = used(bff, before.bff, (tid) => tid === String(bffPid));
  const otherThreads = used(bff, before.bff, (tid) => tid !== String(bffPid));
  const floodProcess = used(flood, before.flood, () => true);
  const text =
    `BFF event loop ${share(eventLoop)}, BFF's other threads (hashing, GC) ${share(otherThreads)}, ` +
    `flood clients ${share(floodProcess)} of one core`;
  return { text, eventLoopMs: eventLoop };
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
