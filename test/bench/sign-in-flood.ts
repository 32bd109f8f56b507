import { fork } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { createPostgresDatabase } from '../support/databases.ts';
import { percentile, type Scenario } from './scenario.ts';
import { call, startReplica, stopAll } from '../support/replicas.ts';

/**
 * What a flood of sign-ins does to everyone else: `GET /health`, the Users list and another
 * person's sign-in, each from one client in a loop, first alone and then while `FLOOD_CLIENTS`
 * clients send sign-ins as fast as they are answered. The flood uses unknown addresses from many
 * IPs, so no per-address or per-IP limit stops it: every attempt that gets in costs a password
 * hash, as a distributed guessing attack would. PostgreSQL only (the production set-up).
 *
 * Two set-ups (`direct`): behind a proxy (TRUST_PROXY on, each request from a made-up IP in
 * `X-Forwarded-For`), and clients connecting straight to the BFF (TRUST_PROXY off, each flood
 * connection from an address of its own on loopback, 127.0.1.n). The BFF holds a refused
 * connection only in the second (decision 035).
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
    for (const direct of [false, true]) {
      const lines = await benchSignInFlood(process.env.DATABASE_URL!, {
        seconds: ctx.mode === 'full' ? 10 : 5,
        appDir: ctx.appDir,
        direct,
      });
      for (const line of lines) ctx.say(line);
    }
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
  options: { seconds?: number; appDir?: string; direct?: boolean } = {},
): Promise<string[]> {
  const seconds = options.seconds ?? 5;
  const direct = options.direct ?? false;
  const loadAtStart = loadavg()[0];
  const database = await createPostgresDatabase(serverUrl);
  try {
    const replica = await startReplica(
      {
        DATABASE_URL: database.url,
        DEMO_SEED: 'true',
        LOG_LEVEL: 'silent',
        TRUST_PROXY: direct ? 'false' : 'true',
      },
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
              headers: direct ? {} : { 'X-Forwarded-For': '198.51.100.7' },
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
    const bffPid = replica.process.pid!;
    const aloneBefore = readCpu(bffPid);
    const alone = await measure();
    const cpuAlone = cpuShares(aloneBefore, readCpu(bffPid), bffPid);

    const { port, hostname } = new URL(url);
    let refusal: Refusal | undefined;
    const {
      result: flooded,
      statuses,
      sent,
    } = await whileFlooding(Number(port), hostname, direct, async (floodPid) => {
      const cpuBefore = readCpu(bffPid, floodPid);
      const during = await measure();
      const cpu = cpuShares(cpuBefore, readCpu(bffPid, floodPid), bffPid);
      refusal = await refusalOf(url);
      return { during, cpu };
    });
    const { during, cpu } = flooded;
    const floor = refusal && (await refusalFloor(refusal, Math.min(seconds, 5)));

    const lines = [
      `Sign-in flood (${FLOOD_CLIENTS} clients of unknown addresses, ` +
        (direct ? 'connecting straight, each from its own IP' : 'behind a proxy, made-up IPs') +
        `), ` +
        `${seconds} s each, PostgreSQL, load average ${loadAtStart.toFixed(1)} at the start; ` +
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
    if (cpuAlone) lines.push(`  cores, alone: ${cpuAlone.text}`);
    if (cpu) {
      // The flood ran `seconds` + 1 s (its build-up); the cores were read over the `seconds`.
      const answersMeasured = (sent * seconds) / (seconds + 1);
      lines.push(
        `  cores, during the flood: ${cpu.text}; the event loop's time per flood answer ` +
          `about ${((1000 * cpu.eventLoopMs) / answersMeasured).toFixed(0)} µs`,
      );
    }
    if (floor) {
      lines.push(
        `  the floor, a bare node:http server giving the same refusal to the same flood: the event ` +
          `loop's time per answer about ${floor.perAnswerUs.toFixed(0)} µs ` +
          `(${floor.perSecond.toFixed(0)} answers/s, event loop ${floor.loopShare.toFixed(0)}% of a core)`,
      );
    }
    return lines;
  } finally {
    await stopAll();
    await database.drop();
  }
}

/** Starts the flood, runs `work` after a second of build-up, stops the flood; answers all three. */
async function whileFlooding<T>(
  port: number,
  host: string,
  direct: boolean,
  work: (floodPid: number) => Promise<T>,
): Promise<{ result: T; statuses: Record<string, number>; sent: number }> {
  const flood = fork(
    new URL('./flood-clients.mjs', import.meta.url),
    [JSON.stringify({ port, host, clients: FLOOD_CLIENTS, direct })],
    { execArgv: [] }, // plain JavaScript: no TypeScript loader in the flood's process
  );
  await new Promise((resolve) => setTimeout(resolve, 1000)); // let the flood build up
  const result = await work(flood.pid!);
  const done = new Promise<{ statuses: Record<string, number>; sent: number }>((resolve) =>
    flood.once('message', resolve),
  );
  flood.send('stop');
  return { result, ...(await done) };
}

/** A refusal as written on the wire, but for what node adds to every answer. */
interface Refusal {
  status: number;
  headers: Record<string, string>;
  body: string;
}

/** One refusal of a sign-in, asked for while the flood keeps the hashing queue full. */
async function refusalOf(url: string): Promise<Refusal | undefined> {
  for (let attempt = 0; attempt < 20; attempt++) {
    const response = await fetch(`${url}/iam/auth/jwt/login`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ username: 'nobody@flood.test', password: 'wrong' }),
    });
    const body = await response.text();
    if (response.status !== 503) continue;
    const headers = Object.fromEntries(
      [...response.headers].filter(
        ([name]) => !['date', 'connection', 'keep-alive', 'x-request-id'].includes(name),
      ),
    );
    return { status: response.status, headers, body };
  }
  return undefined;
}

/**
 * The floor: the event loop's time per answer of a bare node:http server (test/bench/
 * refusal-floor.mjs) giving `refusal` to the same flood, for `seconds`. No application code can
 * answer for less on this machine; what the BFF spends above it is what can still be saved.
 */
async function refusalFloor(refusal: Refusal, seconds: number) {
  const server = fork(new URL('./refusal-floor.mjs', import.meta.url), [JSON.stringify(refusal)], {
    execArgv: [],
  });
  try {
    const { port } = await new Promise<{ port: number }>((resolve) =>
      server.once('message', resolve),
    );
    const { result, sent } = await whileFlooding(port, '127.0.0.1', false, async () => {
      const before = threadTimes(server.pid!).get(String(server.pid)) ?? 0;
      await new Promise((resolve) => setTimeout(resolve, seconds * 1000));
      return (threadTimes(server.pid!).get(String(server.pid)) ?? 0) - before;
    });
    const perSecond = sent / (seconds + 1); // the flood ran one more second, to build up
    return {
      perAnswerUs: (1000 * result) / (perSecond * seconds),
      perSecond,
      loopShare: (100 * result) / (seconds * 1000),
    };
  } finally {
    server.send('stop');
  }
}

/** CPU time (ms) of each thread of a process, by thread id; empty where /proc is not there. */
function threadTimes(pid: number): Map<string, number> {
  const times = new Map<string, number>();
  try {
    for (const tid of readdirSync(`/proc/${pid}/task`)) {
      times.set(tid, ticksOf(readFileSync(`/proc/${pid}/task/${tid}/stat`, 'utf8')));
    }
  } catch {
    // not Linux, or the process has ended
  }
  return times;
}

/** utime + stime (ms) of a /proc stat line, and its command name. */
function ticksOf(stat: string): number {
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return (Number(fields[11]) + Number(fields[12])) * 10; // 10 ms ticks
}

/** CPU time (ms) of every PostgreSQL process of the machine (this bench's and anyone else's). */
function postgresTimes(): Map<string, number> {
  const times = new Map<string, number>();
  for (const pid of readdirSync('/proc')) {
    if (!/^\d+$/.test(pid)) continue;
    try {
      const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
      if (stat.includes('(postgres)')) times.set(pid, ticksOf(stat));
    } catch {
      // ended meanwhile
    }
  }
  return times;
}

/** Busy and total CPU time (ms) of the whole machine, summed over its cores. */
function machineTime(): { busy: number; total: number } {
  const [, ...ticks] = readFileSync('/proc/stat', 'utf8').split('\n')[0].trim().split(/\s+/);
  const values = ticks.map(Number);
  const total = values.reduce((a, b) => a + b, 0) * 10;
  return { busy: total - (values[3] + values[4]) * 10, total }; // less idle and iowait
}

interface CpuReading {
  at: number;
  machine: { busy: number; total: number };
  bff: Map<string, number>;
  flood: Map<string, number>;
  probes: number;
  postgres: Map<string, number>;
}

/** Where the machine's CPU time has gone so far (Linux; undefined elsewhere). */
function readCpu(bffPid: number, floodPid?: number): CpuReading | undefined {
  try {
    return {
      at: Date.now(),
      machine: machineTime(),
      bff: threadTimes(bffPid),
      flood: floodPid ? threadTimes(floodPid) : new Map(),
      probes: ticksOf(readFileSync('/proc/self/stat', 'utf8')),
      postgres: postgresTimes(),
    };
  } catch {
    return undefined;
  }
}

/**
 * How much of a core each part took between two readings: the BFF's event loop and its other
 * threads (hashing, GC), the flood, this process (the probes' clients), PostgreSQL, and the rest of
 * the machine (other work on it, which the measure cannot remove: it says how fair the run was).
 */
function cpuShares(
  before: CpuReading | undefined,
  after: CpuReading | undefined,
  bffPid: number,
): { text: string; eventLoopMs: number } | undefined {
  if (!before || !after || !after.bff.size) return undefined;
  const elapsed = after.at - before.at;
  const used = (
    now: Map<string, number>,
    then: Map<string, number>,
    which: (tid: string) => boolean,
  ) =>
    [...now]
      .filter(([tid]) => which(tid))
      .reduce((sum, [tid, ms]) => sum + ms - (then.get(tid) ?? 0), 0);
  const eventLoop = used(after.bff, before.bff, (tid) => tid === String(bffPid));
  const otherThreads = used(after.bff, before.bff, (tid) => tid !== String(bffPid));
  const flood = used(after.flood, before.flood, () => true);
  const probes = after.probes - before.probes;
  // A backend that ended meanwhile is left out (counted in the rest).
  const postgres = used(after.postgres, before.postgres, () => true);
  const busy = after.machine.busy - before.machine.busy;
  const cores = (after.machine.total - before.machine.total) / elapsed;
  const rest = busy - eventLoop - otherThreads - flood - probes - postgres;
  const share = (ms: number) => `${Math.max(0, (100 * ms) / elapsed).toFixed(0)}%`;
  const text =
    `machine ${share(busy)} of ${cores.toFixed(1)} cores busy: BFF event loop ${share(eventLoop)}, ` +
    `BFF's other threads (hashing, GC) ${share(otherThreads)}, ` +
    (after.flood.size ? `flood clients ${share(flood)}, ` : '') +
    `probes' clients ${share(probes)}, PostgreSQL ${share(postgres)}, the rest ${share(rest)} ` +
    `(% of one core)`;
  return { text, eventLoopMs: eventLoop };
}

// Run alone: `DATABASE_URL=postgres://… tsx test/bench/sign-in-flood.ts [appDir]`; with
// BENCH_FLOOD_DIRECT=true, clients connect straight to the BFF.
if (import.meta.url === `file://${process.argv[1]}`) {
  const serverUrl = process.env.DATABASE_URL;
  if (!serverUrl) throw new Error('set DATABASE_URL to a PostgreSQL server');
  const lines = await benchSignInFlood(serverUrl, {
    seconds: Number(process.env.BENCH_SECONDS ?? 5),
    appDir: process.argv[2],
    direct: process.env.BENCH_FLOOD_DIRECT === 'true',
  });
  console.log(lines.join('\n'));
}
