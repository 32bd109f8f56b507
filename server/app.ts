import { Hono } from 'hono';
import { timingSafeEqual } from 'node:crypto';
import { sql } from 'kysely';
import { z } from 'zod';
import { createIdentityProvider } from './auth/identity-provider.ts';
import { SigningKeys } from './auth/keys.ts';
import type { AuthDeps } from './auth/middleware.ts';
import { activityOperations, activityRoutes } from './activity/routes.ts';
import { auditRequestContext } from './audit.ts';
import { authOperations, authRoutes, refuseWhenHashingIsFull } from './auth/routes.ts';
import { clientOperations, clientRoutes } from './clients/routes.ts';
import { securityOperations, securityRoutes } from './clients/security.ts';
import type { Clock } from './clock.ts';
import type { Config } from './config.ts';
import { pendingMigrations, type Db } from './db/connect.ts';
import type pg from 'pg';
import { createMetrics, type Metrics } from './http/metrics.ts';
import { AppError } from './errors.ts';
import type { AppEnv } from './http/env.ts';
import { warnOfUntrustedProxy } from './http/client-ip.ts';
import { handleError } from './http/errors.ts';
import * as routes from '../shared/routes.ts';
import { everyAnswer } from './http/headers.ts';
import { limitBodySize } from './http/body-limit.ts';
import { requestIds } from './http/request-id.ts';
import { openApiDocument, operation, type Operation } from './http/openapi.ts';
import { invitationOperations, invitationRoutes } from './invitations/routes.ts';
import { mailboxOperations, mailboxRoutes } from './mail/mailbox-routes.ts';
import { cloudOperations, cloudRoutes } from './cloud/routes.ts';
import { membershipOperations, membershipRoutes } from './memberships/routes.ts';
import { tokenOperations, tokenRoutes } from './tokens/routes.ts';
import { loginOperations, loginRoutes } from './two-fa/logins-routes.ts';
import { twoFaOperations, twoFaRoutes } from './two-fa/routes.ts';
import { userOperations, userRoutes } from './users/routes.ts';

export interface AppDeps {
  db: Db;
  config: Config;
  clock: Clock;
  /** Defaults to keys kept in `db` (or JWT_PRIVATE_KEY). */
  keys?: SigningKeys;
  /** Told when a request has committed email to the outbox, so the sender need not wait. */
  onEmailQueued?: () => void;
  /** PostgreSQL's pool, whose use `/metrics` reports. */
  pool?: pg.Pool;
  /** True once the process has been asked to stop: `/health/ready` then answers 503. */
  isShuttingDown?: () => boolean;
  /** Defaults to metrics of this app alone; the server shares them with its early refusals. */
  metrics?: Metrics;
}

const serviceOperations = {
  health: operation(routes.health, {
    summary: 'Liveness and database reachability',
    responses: {
      200: {
        description: 'Up',
        schema: z.object({ status: z.literal('ok'), database: z.literal('ok') }),
      },
    },
  }),
  live: operation(routes.healthLive, {
    summary: 'Liveness: the process answers',
    responses: { 200: { description: 'Alive', schema: z.object({ status: z.literal('ok') }) } },
  }),
  ready: operation(routes.healthReady, {
    summary: 'Readiness: database reachable, migrations done, not shutting down',
    responses: {
      200: { description: 'Ready', schema: z.object({ status: z.literal('ok') }) },
      503: { description: 'Not ready (`status`: `migrating` or `shutting_down`), or no database' },
    },
  }),
  metrics: operation(routes.metrics, {
    summary: 'Prometheus metrics (with `Authorization: Bearer <METRICS_TOKEN>` when that is set)',
    responses: {
      200: { description: 'Prometheus text format' },
      401: { description: 'METRICS_TOKEN is set and was not given' },
    },
  }),
  openapi: operation(routes.openapiDocument, {
    summary: 'This document',
    responses: { 200: { description: 'OpenAPI 3.0 document' } },
  }),
};

/** Every operation of the BFF but the demo's mailbox, in the order of the OpenAPI document. */
export const OPERATIONS: readonly Operation[] = [
  ...Object.values(serviceOperations),
  ...Object.values(authOperations),
  ...Object.values(clientOperations),
  ...Object.values(securityOperations),
  ...Object.values(userOperations),
  ...Object.values(invitationOperations),
  ...Object.values(membershipOperations),
  ...Object.values(cloudOperations),
  ...Object.values(tokenOperations),
  ...Object.values(twoFaOperations),
  ...Object.values(loginOperations),
  ...Object.values(activityOperations),
];

/** Largest request body accepted; no request of this API needs more. */
const MAX_BODY_BYTES = 64 * 1024;

export function createApp(deps: AppDeps) {
  const keys =
    deps.keys ??
    new SigningKeys(
      deps.db,
      deps.clock,
      deps.config.jwt.accessTtlSeconds,
      deps.config.jwt.privateKey,
    );
  const authDeps: AuthDeps & { config: Config } = {
    db: deps.db,
    clock: deps.clock,
    config: deps.config,
    keys,
    identityProvider: deps.config.identityProvider
      ? createIdentityProvider(deps.config.identityProvider, deps.clock)
      : undefined,
  };
  // The built-in mailbox shows invitation links: only for the demo, never with a real mail server.
  const withMailbox = deps.config.demoSeed && !deps.config.smtpUrl;
  const openapi = openApiDocument(
    withMailbox ? [...OPERATIONS, ...Object.values(mailboxOperations)] : OPERATIONS,
    { title: 'User management BFF', version: '0.1.0' },
  );

  const app = new Hono<AppEnv>();
  app.use(requestIds);
  app.use(auditRequestContext(deps.config.trustProxy));
  const metrics = deps.metrics ?? createMetrics(deps.db, deps.pool);
  app.use(metrics.middleware);
  if (!deps.config.trustProxy) app.use(warnOfUntrustedProxy());
  app.use(...everyAnswer(deps.config.allowedOrigins));
  // Ahead of the body limit, which reads a body of unknown length: a sign-in the hashing queue
  // cannot take is refused before any of its body is read (decision 030).
  app.post(routes.login.path, refuseWhenHashingIsFull);
  app.use(limitBodySize(MAX_BODY_BYTES));
  app.onError(handleError);
  app.notFound((c) => c.json({ message: 'Not found.', code: 'not_found' }, 404));

  app.get(serviceOperations.health.path, async (c) => {
    await sql`select 1`.execute(deps.db); // a database that is down becomes a 503 in handleError
    return c.json({ status: 'ok', database: 'ok' } as const);
  });
  app.get(serviceOperations.openapi.path, (c) => c.json(openapi));
  // For the load balancer and the orchestrator: live = the process answers; ready = send it
  // traffic (its database answers, the schema is current, it is not shutting down).
  app.get(serviceOperations.live.path, (c) => c.json({ status: 'ok' }));
  app.get(serviceOperations.ready.path, async (c) => {
    if (deps.isShuttingDown?.()) return c.json({ status: 'shutting_down' }, 503);
    if ((await pendingMigrations(deps.db)) > 0) return c.json({ status: 'migrating' }, 503);
    return c.json({ status: 'ok' });
  });
  app.get(serviceOperations.metrics.path, async (c) => {
    const token = deps.config.metricsToken;
    if (token && !safeEqual(c.req.header('Authorization') ?? '', `Bearer ${token}`)) {
      throw new AppError('not_authenticated', 'Authentication credentials were not provided.');
    }
    return c.text(await metrics.registry.metrics(), 200, {
      'Content-Type': metrics.registry.contentType,
    });
  });

  app.route('/', authRoutes(authDeps));
  app.route('/', clientRoutes(authDeps));
  app.route('/', securityRoutes({ ...authDeps, onEmailQueued: deps.onEmailQueued }));
  app.route('/', userRoutes({ ...authDeps, onEmailQueued: deps.onEmailQueued }));
  app.route('/', invitationRoutes({ ...authDeps, onEmailQueued: deps.onEmailQueued }));
  app.route('/', membershipRoutes(authDeps));
  app.route('/', cloudRoutes(authDeps));
  app.route('/', tokenRoutes(authDeps));
  app.route('/', twoFaRoutes({ ...authDeps, onEmailQueued: deps.onEmailQueued }));
  app.route('/', loginRoutes(authDeps));
  app.route('/', activityRoutes(authDeps));
  if (withMailbox) app.route('/', mailboxRoutes(deps.db));
  return app;
}

/** Compares in constant time, so the metrics token cannot be guessed a character at a time. */
function safeEqual(given: string, expected: string): boolean {
  const a = Buffer.from(given);
  const b = Buffer.from(expected);
  return a.length === b.length && timingSafeEqual(a, b);
}

export type App = ReturnType<typeof createApp>;
