import type pg from 'pg';
import type { BffProcess } from './bff.ts';
import type { BenchAccount } from './seed.ts';
import type { WireCounter } from './wire.ts';

/**
 * A bench scenario is a small module exporting `scenario: Scenario` and listed in SCENARIOS
 * (test/bench/run.ts). Either it names requests, which the runner measures at 1 and 10 clients
 * with the floors, ratios, statement counts and plans, or it runs by itself (`run`) with the
 * helpers of the context (a flood beside a measurement, a BFF of its own …). Requests whose ratio
 * is a target are also compared in one window (`comparisons`, test/bench/together.ts). See
 * docs/benchmarks.md.
 */
export interface BenchRequest {
  /** Unique in the run: the rows of the table and the ratios refer to it. */
  name: string;
  method?: 'GET' | 'POST';
  /** Path and query, on the BFF. */
  path: string;
  /** Whose credential: an account's Administrator (Bearer) or the API token; none when absent. */
  as?: 'big' | 'mid' | 'small' | 'apikey';
  body?: unknown;
  /** Status expected (200). */
  status?: number;
  /** Client counts to measure at (default 1 and 10). */
  clients?: number[];
  /** Request name whose p50 this one is compared with, at the same client count. */
  versus?: string;
  /** At most this many requests per client count (default by mode). */
  maxRequests?: number;
  /** Replay its SQL through pg (floor) and EXPLAIN ANALYZE it: read-only requests only. */
  sql?: boolean;
}

export interface Stats {
  requests: number;
  p50: number;
  p95: number;
  p99: number;
  perSecond: number;
  /** Bytes of the last answer's body. */
  bytes: number;
  /** Answers with another status than expected. */
  errors: number;
}

export interface BenchContext {
  mode: 'quick' | 'full';
  /** The checkout under test (BENCH_APP_DIR): scenarios that start BFFs of their own use it. */
  appDir: string;
  bff: BffProcess;
  /** The wire counter between the BFF and PostgreSQL. */
  wire: WireCounter;
  /** Straight to the bench database, bypassing the BFF (floors, EXPLAIN). */
  pg: pg.Pool;
  /** The bench database's URL, without the wire counter (for a BFF of a scenario's own). */
  databaseUrl: string;
  accounts: { big: BenchAccount; mid: BenchAccount; small: BenchAccount };
  /** `Authorization` header values. */
  auth: Record<NonNullable<BenchRequest['as']>, string>;
  /** One request; answers status, body and milliseconds. */
  send(request: BenchRequest): Promise<{ status: number; body: Buffer; ms: number }>;
  /** Latency and throughput of `request` at `clients` concurrent clients. */
  measure(request: BenchRequest, clients: number): Promise<Stats>;
  say(line: string): void;
}

/**
 * Requests of a scenario measured together with `GET /health`, taking turns in one window per
 * checkout and client count (test/bench/together.ts), and the ratios of their p50s at the same
 * client count that a target is set for.
 */
export interface Comparison {
  name: string;
  /** Names of the scenario's requests. */
  requests: string[];
  /** `of` / `to`, request names or `GET /health`; `atMost`: the target, if there is one. */
  ratios: { of: string; to: string; atMost?: number }[];
}

export interface Scenario {
  name: string;
  /** `run` measures this checkout only: once, not for each checkout of BENCH_APP_DIR. */
  once?: boolean;
  requests?(ctx: BenchContext): Promise<BenchRequest[]> | BenchRequest[];
  /** Measured after the requests, when BENCH_ONLY matches every request of the comparison. */
  comparisons?(ctx: BenchContext): Comparison[];
  run?(ctx: BenchContext): Promise<void>;
}

/** The figures of `latencies` (ms, sorted here), over `busyMs` of sending them. */
export function statsOf(
  latencies: number[],
  busyMs: number,
  { bytes, errors }: Pick<Stats, 'bytes' | 'errors'>,
): Stats {
  const sorted = latencies.sort((a, b) => a - b);
  return {
    requests: sorted.length,
    p50: percentile(sorted, 50),
    p95: percentile(sorted, 95),
    p99: percentile(sorted, 99),
    perSecond: (sorted.length / busyMs) * 1000,
    bytes,
    errors,
  };
}

export function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];
}
