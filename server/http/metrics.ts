import type { MiddlewareHandler } from 'hono';
import { matchedRoutes } from 'hono/route';
import { sql } from 'kysely';
import type pg from 'pg';
import { Counter, Gauge, Histogram, Registry } from 'prom-client';
import * as routes from '../../shared/routes.ts';
import type { Db } from '../db/connect.ts';
import type { AppEnv, Caller } from './env.ts';
import { log } from '../log.ts';

/**
 * What an operator measures (Prometheus, at `/metrics`), and the one log line per request. One
 * registry per app, not prom-client's global one: tests create many apps in one process.
 *
 * The route label is the route's pattern (`/iam/users/:userId`), never the raw path: ids in a
 * label would make a series per user, and the raw path of an emailed link carries its token.
 */
export interface Metrics {
  registry: Registry;
  /** Times each request, logs it, and counts sign-in failures and throttles. */
  middleware: MiddlewareHandler<AppEnv>;
  /**
   * What the middleware does once a request is answered: for an answer given outside the app
   * (the early refusal of a sign-in, server/auth/early-refusal.ts).
   */
  record(answered: Answered): void;
}

/** One answered request, as the metrics and the log line see it. */
export interface Answered {
  method: string;
  /** The route's pattern, or 'unmatched'. */
  route: string;
  status: number;
  seconds: number;
  requestId: string;
  caller?: Caller;
}

export function createMetrics(db: Db, pool?: pg.Pool): Metrics {
  const registry = new Registry();
  const duration = new Histogram({
    name: 'http_request_duration_seconds',
    help: 'Duration of HTTP requests by route pattern, method and status.',
    labelNames: ['method', 'route', 'status'],
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
    registers: [registry],
  });
  const signInFailures = new Counter({
    name: 'sign_in_failures_total',
    help: 'Sign-ins refused for wrong credentials or a wrong code.',
    registers: [registry],
  });
  const signInThrottles = new Counter({
    name: 'sign_in_throttled_total',
    help: 'Sign-ins refused (429) because too many had failed.',
    registers: [registry],
  });
  if (pool) {
    new Gauge({
      name: 'db_pool_connections',
      help: 'Connections of the database pool, by state.',
      labelNames: ['state'],
      registers: [registry],
      collect() {
        this.set({ state: 'total' }, pool.totalCount);
        this.set({ state: 'idle' }, pool.idleCount);
        this.set({ state: 'in_use' }, pool.totalCount - pool.idleCount);
      },
    });
    new Gauge({
      name: 'db_pool_waiting_requests',
      help: 'Queries waiting for a free connection of the pool.',
      registers: [registry],
      collect() {
        this.set(pool.waitingCount);
      },
    });
  }
  // Read from the table on each scrape: the outbox is shared by all replicas, so every replica
  // reports the same backlog (alert on the max, not the sum).
  new Gauge({
    name: 'outbox_backlog',
    help: 'Emails in the outbox not yet sent.',
    registers: [registry],
    async collect() {
      this.set((await outboxState(db)).backlog);
    },
  });
  new Gauge({
    name: 'outbox_oldest_age_seconds',
    help: 'Age of the oldest email not yet sent (0 when none waits).',
    registers: [registry],
    async collect() {
      this.set((await outboxState(db)).oldestAgeSeconds);
    },
  });

  const record = ({ method, route, status, seconds, requestId, caller }: Answered) => {
    duration.observe({ method, route, status }, seconds);
    if (route === routes.login.path && method === 'POST') {
      if (status === 400) signInFailures.inc();
      if (status === 429) signInThrottles.inc();
    }
    log.info('request', {
      request_id: requestId,
      method,
      route,
      status,
      duration_ms: Math.round(seconds * 1000 * 10) / 10,
      account_id: caller?.accountId,
      user_id: caller?.userId,
    });
  };

  const middleware: MiddlewareHandler<AppEnv> = async (c, next) => {
    const started = performance.now();
    await next();
    // The handler's pattern, not a middleware's (`/*`, such as the static files served after the
    // API): a bounded set of labels, and never a raw path with ids in it.
    const handler = matchedRoutes(c).findLast((r) => r.method !== 'ALL');
    record({
      method: c.req.method,
      route: handler?.path ?? 'unmatched',
      status: c.res.status,
      seconds: (performance.now() - started) / 1000,
      requestId: c.get('requestId'),
      caller: c.get('caller'),
    });
  };
  return { registry, middleware, record };
}

async function outboxState(db: Db) {
  const { rows } = await sql<{ backlog: string | number; oldest: Date | null }>`
    select count(*) as backlog, min(created_at) as oldest
    from email_outbox where sent_at is null`.execute(db);
  const oldest = rows[0]?.oldest;
  return {
    backlog: Number(rows[0]?.backlog ?? 0),
    oldestAgeSeconds: oldest ? Math.max(0, (Date.now() - new Date(oldest).getTime()) / 1000) : 0,
  };
}
