import { execFileSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join, resolve } from 'node:path';
import pg from 'pg';
import { startBffProcess } from './bff.ts';
import {
  percentile,
  statsOf,
  type BenchContext,
  type BenchRequest,
  type Comparison,
  type Scenario,
  type Stats,
} from './scenario.ts';
import {
  accountsOf,
  API_TOKEN,
  BENCH_PASSWORD,
  databaseUrl,
  dropDatabase,
  prepareDatabase,
  SIZES,
} from './seed.ts';
import * as replicas from './replicas.ts';
import * as signInFlood from './sign-in-flood.ts';
import * as pglite from './pglite.ts';
import * as users from './users.ts';
import * as activity from './activity.ts';
import * as memory from './memory.ts';
import * as widget from './widget.ts';
import { WireCounter, type CapturedStatement } from './wire.ts';
import { measureTogether, perClient } from './together.ts';

/**
 * `npm run bench`: the BFF as a child process over real HTTP, on a PostgreSQL database of many
 * tenants, with the floors measured in the same run (docs/benchmarks.md).
 *
 *   BENCH_MODE=quick|full     full: 1,000,000 users; quick: 40,000 (default)
 *   BENCH_APP_DIR=dir[,dir]   the checkout(s) of the server to measure (default this one); with
 *                             two, both run side by side and each request is measured on one then
 *                             the other, so a busy machine weighs on both alike
 *   BENCH_ONLY=regex          only the requests whose name matches
 *   BENCH_OUT=folder          where the plans go (default $TMPDIR/um-bench)
 *   BENCH_REPLICAS=1          also 1 against 3 replicas of this checkout (test/bench/replicas.ts)
 *   BENCH_SCENARIOS=regex     only the scenarios whose name matches (users, activity, memory,
 *                             sign-in flood, PGlite under big lists, widget, replicas)
 *   BENCH_CPU_PROF=folder     each BFF writes a CPU profile there when it stops
 *
 * The ratios a target is set for (the first pages against /health and each other, a rare search
 * against the first page) are measured again after the scenario's requests, taking turns in one
 * window with /health (test/bench/together.ts), and printed as such: rows measured one after the
 * other meet the machine's load at different moments.
 */
const onlyScenarios = new RegExp(process.env.BENCH_SCENARIOS ?? '');
const SCENARIOS: Scenario[] = [
  users.scenario,
  activity.scenario,
  memory.scenario,
  signInFlood.scenario,
  pglite.scenario,
  widget.scenario,
  ...(process.env.BENCH_REPLICAS ? [replicas.scenario] : []),
].filter((scenario) => onlyScenarios.test(scenario.name));

const serverUrl = process.env.DATABASE_URL;
if (!serverUrl) throw new Error('npm run bench needs DATABASE_URL (a PostgreSQL server)');
const mode = process.env.BENCH_MODE === 'full' ? 'full' : 'quick';
const appDirs = (process.env.BENCH_APP_DIR ?? '.').split(',').map((dir) => resolve(dir));
const only = process.env.BENCH_ONLY ? new RegExp(process.env.BENCH_ONLY) : undefined;
const outDir = process.env.BENCH_OUT ?? join(tmpdir(), 'um-bench');
const LIMITS = mode === 'full' ? { requests: 300, seconds: 3 } : { requests: 60, seconds: 1 };
const accounts = accountsOf(SIZES[mode]);
const say = (line: string) => console.log(line);

interface Target {
  label: string;
  ctx: BenchContext;
  stop(): Promise<void>;
}

function commitOf(dir: string): string {
  try {
    return execFileSync('git', ['-C', dir, 'rev-parse', '--short', 'HEAD']).toString().trim();
  } catch {
    return basename(dir);
  }
}

/** A seeded database, the wire counter in front of it, and the BFF of `appDir` behind that. */
async function startTarget(appDir: string): Promise<Target> {
  const label = commitOf(appDir);
  const database = await prepareDatabase(serverUrl!, appDir, mode, say);
  const direct = new URL(databaseUrl(serverUrl!, database));
  const wire = new WireCounter(direct.hostname, Number(direct.port || 5432));
  const viaWire = new URL(direct);
  viaWire.hostname = '127.0.0.1';
  viaWire.port = String(await wire.start());
  const started = Date.now();
  const bff = await startBffProcess(appDir, { DATABASE_URL: viaWire.toString() });
  say(`${label}: BFF of ${appDir} started in ${((Date.now() - started) / 1000).toFixed(1)} s`);
  const pool = new pg.Pool({ connectionString: direct.toString(), max: 2 });
  const auth = { apikey: `APIKey ${API_TOKEN}` } as BenchContext['auth'];

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

  async function measure(request: BenchRequest, clients: number): Promise<Stats> {
    const expected = request.status ?? 200;
    const max = request.maxRequests ?? LIMITS.requests;
    // Warm-up at the same concurrency, so that every pooled connection has seen (prepared) the
    // statements and the process's JIT has compiled the path, before anything is kept.
    const warmUp = Math.min(Math.max(3, clients * 2), max);
    for (let done = 0; done < warmUp; done += clients) {
      await Promise.all(
        Array.from({ length: Math.min(clients, warmUp - done) }, () => send(request)),
      );
    }
    const latencies: number[] = [];
    let bytes = 0;
    let errors = 0;
    const until = performance.now() + LIMITS.seconds * 1000;
    const started = performance.now();
    let issued = 0;
    await Promise.all(
      Array.from({ length: clients }, async () => {
        while (issued < max && (latencies.length < clients * 3 || performance.now() < until)) {
          issued++;
          const answer = await send(request);
          // A refusal (503 past the statement timeout, 429) is counted, and its time kept.
          if (answer.status !== expected) {
            errors++;
            if (errors === 1) {
              say(`  ${label} ${request.name}: ${answer.status} ${answer.body.subarray(0, 200)}`);
            }
          }
          latencies.push(answer.ms);
          bytes = answer.body.length;
        }
      }),
    );
    return statsOf(latencies, performance.now() - started, { bytes, errors });
  }

  for (const key of ['big', 'mid', 'small'] as const) {
    const answer = await send({
      name: 'sign-in',
      method: 'POST',
      path: '/iam/auth/jwt/login',
      body: { username: accounts[key].adminEmail, password: BENCH_PASSWORD },
    });
    if (answer.status !== 200)
      throw new Error(`sign-in as ${key}: ${answer.status} ${answer.body}`);
    auth[key] = `Bearer ${(JSON.parse(answer.body.toString()) as { access: string }).access}`;
  }
  const ctx: BenchContext = {
    mode,
    appDir,
    bff,
    wire,
    pg: pool,
    databaseUrl: direct.toString(),
    accounts,
    auth,
    send,
    measure,
    say,
  };
  return {
    label,
    ctx,
    async stop() {
      await pool.end();
      await bff.stop();
      await wire.stop();
      await dropDatabase(serverUrl!, database);
    },
  };
}

/** Statements and sequential round trips of one request: the least of 3 (background work adds). */
async function countWire({ ctx }: Target, request: BenchRequest) {
  let best = { statements: Infinity, roundTrips: Infinity };
  let captured: CapturedStatement[] = [];
  for (let i = 0; i < 3; i++) {
    ctx.wire.mark();
    await ctx.send(request);
    await new Promise((r) => setTimeout(r, 20));
    if (ctx.wire.counts.statements < best.statements) {
      best = { ...ctx.wire.counts };
      captured = ctx.wire.captured;
    }
  }
  return { ...best, captured };
}

const asQuery = (s: CapturedStatement) =>
  s.name ? { name: s.name, text: s.text, values: s.values } : { text: s.text, values: s.values };

/** The request's own SQL straight through pg, in the same order: the database's share. */
async function sqlFloor({ ctx }: Target, statements: CapturedStatement[]): Promise<number> {
  const client = await ctx.pg.connect();
  try {
    const times: number[] = [];
    for (let round = 0; round < 20; round++) {
      const started = performance.now();
      for (const s of statements) await client.query(asQuery(s));
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

/** A read: `select` or `with`, after any leading comment (server/db/connect.ts's markers). */
const readOnly = (text: string) =>
  /^\s*(\/\*.*?\*\/\s*)*(select|with)\b/i.test(text) && !/\b(insert|update|delete)\b/i.test(text);

async function explain({ ctx }: Target, statements: CapturedStatement[]): Promise<string[]> {
  const plans: string[] = [];
  for (const s of statements) {
    const result = await ctx.pg.query<{ 'QUERY PLAN': string }>({
      text: `explain (analyze, buffers) ${s.text}`,
      values: s.values,
    });
    const plan = result.rows.map((r) => `  ${r['QUERY PLAN']}`).join('\n');
    plans.push(`${s.text}\n  -- ${JSON.stringify(s.values)}\n${plan}`);
  }
  return plans;
}

interface Row {
  name: string;
  clients: number;
  stats: Stats;
  /** p50 of `GET /health` measured just before, at the same client count. */
  health?: number;
  versus?: string;
  statements?: number;
  roundTrips?: number;
  sqlMs?: number;
}

const HEALTH_BURST: BenchRequest = { name: 'GET /health', path: '/health', maxRequests: 100 };

interface Together {
  comparison: Comparison;
  /** `GET /health` and the comparison's requests. */
  names: string[];
  /** By client count and checkout: the stats of each of `names`, measured in one window. */
  stats: Map<number, Map<Target, Stats[]>>;
}
const together: Together[] = [];

/**
 * The comparison's requests and /health, taking turns in one window per checkout and client
 * count. Not the checkouts' requests in one window: at one client each BFF would then idle
 * between its requests, and waking costs a short request (/health) more than a long one.
 */
async function compare(
  comparison: Comparison,
  requests: Map<Target, BenchRequest[]>,
): Promise<Together> {
  const health: BenchRequest = { name: 'GET /health', path: '/health' };
  const names = [health.name, ...comparison.requests];
  const stats = new Map<number, Map<Target, Stats[]>>();
  for (const clients of [1, 10]) {
    stats.set(clients, new Map());
    for (const target of targets) {
      const turns = names.map((name) => {
        const request =
          name === health.name ? health : requests.get(target)!.find((r) => r.name === name)!;
        return { send: () => target.ctx.send(request), expected: request.status ?? 200 };
      });
      stats.get(clients)!.set(target, await measureTogether(turns, clients, LIMITS));
    }
  }
  return { comparison, names, stats };
}

say(`bench (${mode}) of ${appDirs.join(', ')}, ${new Date().toISOString()}`);
const targets: Target[] = [];
for (const dir of appDirs) targets.push(await startTarget(dir));
// A freshly started process is slower for a while (JIT, connections, caches): not measured.
for (const target of targets) {
  for (const clients of [1, 10])
    await target.ctx.measure({ ...HEALTH_BURST, maxRequests: 1000 }, clients);
}
const rows = new Map<Target, Row[]>(targets.map((t) => [t, []]));
const plans = new Map<Target, string[]>(targets.map((t) => [t, []]));
const health = new Map<Target, Map<number, number[]>>(targets.map((t) => [t, new Map()]));

async function measureHealth() {
  const request: BenchRequest = { name: 'GET /health', path: '/health' };
  for (const clients of [1, 10]) {
    for (const target of targets) {
      const stats = await target.ctx.measure(request, clients);
      const byClients = health.get(target)!;
      byClients.set(clients, [...(byClients.get(clients) ?? []), stats.p50]);
      rows.get(target)!.push({ name: request.name, clients, stats });
    }
  }
}

await measureHealth();
for (const scenario of SCENARIOS) {
  const requests = new Map<Target, BenchRequest[]>();
  for (const target of targets) requests.set(target, (await scenario.requests?.(target.ctx)) ?? []);
  const names = requests.get(targets[0])!.map((request) => request.name);
  for (const name of names) {
    if (only && !only.test(name)) continue;
    for (const target of targets) {
      const request = requests.get(target)!.find((r) => r.name === name)!;
      const counted = await countWire(target, request);
      let sqlMs: number | undefined;
      if (request.sql && counted.captured.every((s) => readOnly(s.text))) {
        sqlMs = await sqlFloor(target, counted.captured);
        plans
          .get(target)!
          .push(`## ${name}\n${(await explain(target, counted.captured)).join('\n\n')}`);
      }
      process.stderr.write(
        `  ${target.label} ${name}: ${counted.statements} statements, ${counted.roundTrips} round trips\n`,
      );
      for (const clients of request.clients ?? [1, 10]) {
        // The floor of this very moment: the machine's load changes during a run.
        const floor = await target.ctx.measure(HEALTH_BURST, clients);
        rows.get(target)!.push({
          name,
          clients,
          health: floor.p50,
          stats: await target.ctx.measure(request, clients),
          versus: request.versus,
          statements: counted.statements,
          roundTrips: counted.roundTrips,
          sqlMs,
        });
      }
    }
  }
  for (const comparison of scenario.comparisons?.(targets[0].ctx) ?? []) {
    if (only && !comparison.requests.every((name) => only.test(name))) continue;
    const missing = comparison.requests.filter((name) => !names.includes(name));
    if (missing.length) {
      say(`  ${comparison.name}: not compared, no request named ${missing.join(', ')}`);
      continue;
    }
    process.stderr.write(`  together: ${comparison.name}\n`);
    together.push(await compare(comparison, requests));
  }
  if (!only) {
    for (const target of scenario.once ? targets.slice(-1) : targets) {
      say(`${target.label}:`);
      // One scenario that fails (a replica too slow to start on a loaded machine) costs its own
      // lines, not the whole run's tables.
      await scenario.run?.(target.ctx).catch((error: unknown) => {
        say(`  ${scenario.name} failed: ${error instanceof Error ? error.message : String(error)}`);
      });
    }
  }
}
await measureHealth();

const median = (values: number[]) =>
  [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];
const fmt = (n: number | undefined, digits = 1) =>
  n === undefined || !Number.isFinite(n) ? '' : n.toFixed(digits);
const healthP50 = (target: Target, row: Row) =>
  row.health ?? median(health.get(target)!.get(row.clients) ?? [NaN]);

mkdirSync(outDir, { recursive: true });
for (const target of targets) {
  say(`\n### ${target.label} (${mode})\n`);
  say(
    '| request | clients | p50 ms | p95 ms | p99 ms | req/s | × /health (just before) | × versus | statements | round trips | SQL alone ms | × SQL | bytes | errors |',
  );
  say('|---|---|---|---|---|---|---|---|---|---|---|---|---|---|');
  const all = rows.get(target)!;
  for (const row of all) {
    const base = all.find((r) => r.name === row.versus && r.clients === row.clients);
    const s = row.stats;
    say(
      `| ${row.name} | ${row.clients} | ${fmt(s.p50, 2)} | ${fmt(s.p95, 2)} | ${fmt(s.p99, 2)} | ` +
        `${fmt(s.perSecond, 0)} | ${fmt(s.p50 / healthP50(target, row))} | ` +
        `${base ? `${fmt(s.p50 / base.stats.p50, 2)} (${row.versus})` : ''} | ` +
        `${row.statements ?? ''} | ${row.roundTrips ?? ''} | ${fmt(row.sqlMs, 2)} | ` +
        `${row.sqlMs ? fmt(s.p50 / row.sqlMs) : ''} | ${s.bytes} | ${s.errors || ''} |`,
    );
  }
  const planFile = join(outDir, `plans-${mode}-${target.label}.txt`);
  writeFileSync(planFile, plans.get(target)!.join('\n\n'));
  say(`\nEXPLAIN (ANALYZE, BUFFERS) of the statements ${target.label} sent: ${planFile}`);
}

if (targets.length === 2) {
  const [before, after] = targets;
  say(
    `\n### ${before.label} → ${after.label}, p50 at the same client count (medians of the run)\n`,
  );
  say(
    '| request | clients | p50 before | p50 after | × /health before | × /health after | round trips before → after |',
  );
  say('|---|---|---|---|---|---|---|');
  for (const row of rows.get(after)!) {
    if (row.name === 'GET /health') continue;
    const old = rows.get(before)!.find((r) => r.name === row.name && r.clients === row.clients);
    if (!old) continue;
    say(
      `| ${row.name} | ${row.clients} | ${fmt(old.stats.p50, 2)} | ${fmt(row.stats.p50, 2)} | ` +
        `${fmt(old.stats.p50 / healthP50(before, old))} | ${fmt(row.stats.p50 / healthP50(after, row))} | ` +
        `${old.roundTrips ?? ''} → ${row.roundTrips ?? ''} |`,
    );
  }
}

for (const { comparison, names, stats } of together) {
  const labels = targets.map((t) => t.label);
  say(`\n### Measured together: ${comparison.name}\n`);
  say(
    `One window per checkout and client count, in which ${names.join(', ')} take turns: one ` +
      `request each at 1 client, ${perClient(10)} per client at 10 (test/bench/together.ts).\n`,
  );
  say(
    `| request | clients | ${labels.map((l) => `${l} p50 ms | ${l} p95 ms`).join(' | ')} | requests each |`,
  );
  say(`|---|---|${labels.map(() => '---|---|').join('')}---|`);
  for (const [clients, byTarget] of stats) {
    names.forEach((name, i) => {
      const cells = targets.map((t) => {
        const s = byTarget.get(t)![i];
        return `${fmt(s.p50, 2)}${s.errors ? ` (${s.errors} errors)` : ''} | ${fmt(s.p95, 2)}`;
      });
      say(
        `| ${name} | ${clients} | ${cells.join(' | ')} | ${byTarget.get(targets[0])![i].requests} |`,
      );
    });
  }
  say(`\n| ratio of p50s, same window | clients | ${labels.join(' | ')} | target |`);
  say(`|---|---|${labels.map(() => '---|').join('')}---|`);
  for (const [clients, byTarget] of stats) {
    for (const { of, to, atMost } of comparison.ratios) {
      const ratios = targets.map((t) => {
        const [a, b] = [of, to].map((name) => byTarget.get(t)![names.indexOf(name)].p50);
        const ratio = a / b;
        return `${fmt(ratio, 2)}${atMost === undefined ? '' : ratio <= atMost ? ' (met)' : ' (not met)'}`;
      });
      say(
        `| ${of} / ${to} | ${clients} | ${ratios.join(' | ')} | ${atMost === undefined ? '' : `≤ ${atMost}`} |`,
      );
    }
  }
}

for (const target of targets) await target.stop();
