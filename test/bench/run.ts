import { execFileSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import pg from 'pg';
import { startBffProcess } from './bff.ts';
import {
  percentile,
  type BenchContext,
  type BenchRequest,
  type Scenario,
  type Stats,
} from './scenario.ts';
import {
  accountsOf,
  API_TOKEN,
  BENCH_PASSWORD,
  databaseUrl,
  prepareDatabase,
  SIZES,
} from './seed.ts';
import * as users from './users.ts';
import { WireCounter } from './wire.ts';

/**
 * `npm run bench`: the BFF as a child process over real HTTP, on a PostgreSQL database of many
 * tenants, with the floors measured in the same run (docs/benchmarks.md).
 *
 *   BENCH_MODE=quick|full  (full: 1,000,000 users; quick: 40,000; default quick)
 *   BENCH_APP_DIR=/tmp/old  another checkout of the server to measure (default this one)
 *   BENCH_ONLY=regex        only the requests whose name matches
 *   BENCH_OUT=folder        where the plans go (default $TMPDIR/um-bench)
 */
const SCENARIOS: Scenario[] = [users.scenario];

const serverUrl = process.env.DATABASE_URL;
if (!serverUrl) throw new Error('npm run bench needs DATABASE_URL (a PostgreSQL server)');
const mode = process.env.BENCH_MODE === 'full' ? 'full' : 'quick';
const appDir = resolve(process.env.BENCH_APP_DIR ?? '.');
const only = process.env.BENCH_ONLY ? new RegExp(process.env.BENCH_ONLY) : undefined;
const outDir = process.env.BENCH_OUT ?? join(tmpdir(), 'um-bench');
const LIMITS = mode === 'full' ? { requests: 300, seconds: 3 } : { requests: 60, seconds: 1 };

const say = (line: string) => console.log(line);
const commit = (() => {
  try {
    return execFileSync('git', ['-C', appDir, 'rev-parse', '--short', 'HEAD']).toString().trim();
  } catch {
    return '?';
  }
})();
say(`bench (${mode}) of ${appDir} at ${commit}, ${new Date().toISOString()}`);

const database = await prepareDatabase(serverUrl, appDir, mode, say);
const direct = new URL(databaseUrl(serverUrl, database));
const wire = new WireCounter(direct.hostname, Number(direct.port || 5432));
const wirePort = await wire.start();
const viaWire = new URL(direct);
viaWire.hostname = '127.0.0.1';
viaWire.port = String(wirePort);
const bff = await startBffProcess(appDir, { DATABASE_URL: viaWire.toString() });
const pool = new pg.Pool({ connectionString: direct.toString(), max: 2 });

const accounts = accountsOf(SIZES[mode]);
async function send(request: BenchRequest) {
  const headers: Record<string, string> = {};
  if (request.as) headers.Authorization = auth[request.as];
  if (request.body !== undefined) headers['Content-Type'] = 'application/json';
  const started = performance.now();
  const response = await fetch(bff.url + request.path, {
    method: request.method ?? 'GET',
    headers,
    body: request.body === undefined ? undefined : JSON.stringify(request.body),
  });
  const body = Buffer.from(await response.arrayBuffer());
  return { status: response.status, body, ms: performance.now() - started };
}
const auth = { apikey: `APIKey ${API_TOKEN}` } as BenchContext['auth'];
for (const key of ['big', 'mid', 'small'] as const) {
  const answer = await send({
    name: 'sign-in',
    method: 'POST',
    path: '/iam/auth/jwt/login',
    body: { username: accounts[key].adminEmail, password: BENCH_PASSWORD },
  });
  if (answer.status !== 200) throw new Error(`sign-in as ${key}: ${answer.status} ${answer.body}`);
  auth[key] = `Bearer ${(JSON.parse(answer.body.toString()) as { access: string }).access}`;
}

async function measure(request: BenchRequest, clients: number): Promise<Stats> {
  const expected = request.status ?? 200;
  const max = request.maxRequests ?? LIMITS.requests;
  for (let i = 0; i < Math.min(3, max); i++) await send(request); // warm-up
  const latencies: number[] = [];
  let bytes = 0;
  const until = performance.now() + LIMITS.seconds * 1000;
  const started = performance.now();
  let issued = 0;
  await Promise.all(
    Array.from({ length: clients }, async () => {
      while (issued < max && (latencies.length < clients * 3 || performance.now() < until)) {
        issued++;
        const answer = await send(request);
        if (answer.status !== expected) {
          throw new Error(`${request.name}: ${answer.status} ${answer.body.subarray(0, 300)}`);
        }
        latencies.push(answer.ms);
        bytes = answer.body.length;
      }
    }),
  );
  const wall = performance.now() - started;
  latencies.sort((a, b) => a - b);
  return {
    requests: latencies.length,
    p50: percentile(latencies, 50),
    p95: percentile(latencies, 95),
    p99: percentile(latencies, 99),
    perSecond: (latencies.length / wall) * 1000,
    bytes,
  };
}

const ctx: BenchContext = { mode, bff, wire, pg: pool, accounts, auth, send, measure, say };

/** Statements and sequential round trips of one request: the least of 3 (background work adds). */
async function countWire(request: BenchRequest) {
  let best = { statements: Infinity, roundTrips: Infinity };
  let captured = wire.captured;
  for (let i = 0; i < 3; i++) {
    wire.mark();
    await send(request);
    await new Promise((r) => setTimeout(r, 20));
    if (wire.counts.statements < best.statements) {
      best = { ...wire.counts };
      captured = wire.captured;
    }
  }
  return { ...best, captured };
}

/** The request's own SQL straight through pg, in the same order: the database's share. */
async function sqlFloor(statements: typeof wire.captured): Promise<number> {
  const client = await pool.connect();
  try {
    const times: number[] = [];
    for (let round = 0; round < 20; round++) {
      const started = performance.now();
      for (const s of statements) {
        await client.query(
          s.name
            ? { name: s.name, text: s.text, values: s.values }
            : { text: s.text, values: s.values },
        );
      }
      times.push(performance.now() - started);
    }
    return percentile(
      times.sort((a, b) => a - b),
      50,
    );
  } finally {
    client.release();
  }
}

const readOnly = (text: string) =>
  /^\s*(select|with)\b/i.test(text) && !/\b(insert|update|delete)\b/i.test(text);

async function explain(statements: typeof wire.captured): Promise<string[]> {
  const plans: string[] = [];
  for (const s of statements) {
    const result = await pool.query<{ 'QUERY PLAN': string }>({
      text: `explain (analyze, buffers) ${s.text}`,
      values: s.values,
    });
    plans.push(
      `${s.text}\n  -- ${JSON.stringify(s.values)}\n${result.rows.map((r) => `  ${r['QUERY PLAN']}`).join('\n')}`,
    );
  }
  return plans;
}

interface Row {
  name: string;
  clients: number;
  stats: Stats;
  versus?: string;
  statements?: number;
  roundTrips?: number;
  sqlMs?: number;
}
const rows: Row[] = [];
const plans: string[] = [];
const healthRequest: BenchRequest = { name: 'GET /health', path: '/health' };
const health = new Map<number, number[]>();
async function measureHealth() {
  for (const clients of [1, 10]) {
    const stats = await measure(healthRequest, clients);
    health.set(clients, [...(health.get(clients) ?? []), stats.p50]);
    rows.push({ name: healthRequest.name, clients, stats });
  }
}

await measureHealth();
for (const scenario of SCENARIOS) {
  const requests = (await scenario.requests?.(ctx)) ?? [];
  for (const request of requests) {
    if (only && !only.test(request.name)) continue;
    const counted = await countWire(request);
    let sqlMs: number | undefined;
    if (request.sql && counted.captured.every((s) => readOnly(s.text))) {
      sqlMs = await sqlFloor(counted.captured);
      plans.push(`## ${request.name}\n${(await explain(counted.captured)).join('\n\n')}`);
    }
    process.stderr.write(
      `  ${request.name}: ${counted.statements} statements, ${counted.roundTrips} round trips\n`,
    );
    for (const clients of request.clients ?? [1, 10]) {
      rows.push({
        name: request.name,
        clients,
        stats: await measure(request, clients),
        versus: request.versus,
        statements: counted.statements,
        roundTrips: counted.roundTrips,
        sqlMs,
      });
    }
  }
  if (!only) await scenario.run?.(ctx);
}
await measureHealth();

const median = (values: number[]) =>
  [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];
const fmt = (n: number | undefined, digits = 1) =>
  n === undefined || !Number.isFinite(n) ? '' : n.toFixed(digits);
say('');
say(
  '| request | clients | p50 ms | p95 ms | p99 ms | req/s | × /health | × versus | statements | round trips | SQL alone ms | × SQL | bytes |',
);
say('|---|---|---|---|---|---|---|---|---|---|---|---|---|');
for (const row of rows) {
  const base = rows.find((r) => r.name === row.versus && r.clients === row.clients);
  const healthP50 = median(health.get(row.clients) ?? [NaN]);
  say(
    `| ${row.name} | ${row.clients} | ${fmt(row.stats.p50, 2)} | ${fmt(row.stats.p95, 2)} | ${fmt(row.stats.p99, 2)} | ` +
      `${fmt(row.stats.perSecond, 0)} | ${fmt(row.stats.p50 / healthP50)} | ` +
      `${base ? `${fmt(row.stats.p50 / base.stats.p50, 2)} (${row.versus})` : ''} | ` +
      `${row.statements ?? ''} | ${row.roundTrips ?? ''} | ${fmt(row.sqlMs, 2)} | ` +
      `${row.sqlMs ? fmt(row.stats.p50 / row.sqlMs) : ''} | ${row.stats.bytes} |`,
  );
}
mkdirSync(outDir, { recursive: true });
const planFile = join(outDir, `plans-${mode}-${commit}.txt`);
writeFileSync(planFile, plans.join('\n\n'));
say(`\nEXPLAIN (ANALYZE, BUFFERS) of the statements the server sent: ${planFile}`);

await pool.end();
await bff.stop();
await wire.stop();
