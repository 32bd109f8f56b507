import { getRequestListener } from '@hono/node-server';
import { createServer } from 'node:http';
import { serveStatic } from '@hono/node-server/serve-static';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { Hono } from 'hono';
import { allowedOrigins } from './http/cors.ts';
import { widgetFiles } from './http/widget-files.ts';
import { createApp } from './app.ts';
import { refusedConnectionHoldMs, refuseSignInsEarly } from './auth/early-refusal.ts';
import { createMetrics } from './http/metrics.ts';
import { systemClock, type Clock } from './clock.ts';
import { loadConfig, type Config } from './config.ts';
import { analyzeStaleTables, migrate, openDatabase, type OpenDatabase } from './db/connect.ts';
import { seedDemo } from './demo/seed.ts';
import { OutboxSender } from './mail/outbox.ts';
import { mailboxTransport, smtpTransport } from './mail/transports.ts';

/** Where `vite build` puts the widget bundle and the demo page. */
const DIST = 'dist';

export interface RunningBff {
  url: string;
  config: Config;
  database: OpenDatabase;
  /**
   * Stop gracefully: refuse new connections (and say not ready), let requests in flight and an
   * email being sent finish within SHUTDOWN_GRACE_MS, then close the database.
   */
  close(): Promise<void>;
}

/**
 * Open the database, migrate, seed the demo when asked, and listen: the BFF at the root, the built
 * widget at /um/user-management.js and the demo host page at / (when `dist/` exists).
 */
export async function startBff(
  env: Record<string, string | undefined> = process.env,
  clock: Clock = systemClock,
  /** The built pages and widget; tests give a folder of their own. */
  staticDir: string = DIST,
): Promise<RunningBff> {
  const config = loadConfig(env);
  const database = await openDatabase({ databaseUrl: config.databaseUrl, dataDir: config.dataDir });
  await migrate(database.db);
  if (config.demoSeed) await seedDemo(database.db, clock, config.demoAdmin);
  // PGlite has no autovacuum: the planner's statistics, before the first request (decision 029).
  await analyzeStaleTables(database.db);

  const transport = config.smtpUrl
    ? smtpTransport(config.smtpUrl, config.mailFrom)
    : mailboxTransport(database.db);
  const sender = new OutboxSender(database.db, transport, clock);
  sender.start();

  let shuttingDown = false;
  const metrics = createMetrics(database.db, database.pool);
  const host = new Hono();
  host.route(
    '/',
    createApp({
      db: database.db,
      config,
      clock,
      onEmailQueued: () => sender.poke(),
      pool: database.pool,
      isShuttingDown: () => shuttingDown,
      metrics,
    }),
  );
  // The widget's files may be loaded by host pages of ALLOWED_ORIGINS, like the API.
  host.use('/um/*', allowedOrigins(config.allowedOrigins));
  // Compressed, and cached for good but for the entry file, which is revalidated (decision 024).
  host.use('/um/*', widgetFiles(join(staticDir, 'um')));
  if (existsSync(staticDir)) host.use('/*', serveStatic({ root: staticDir }));
  host.notFound((c) => c.json({ message: 'Not found.', code: 'not_found' }, 404));

  // HTTP/1.1 with node:http, as @hono/node-server's `serve` would, but for sign-ins past the full
  // hashing queue: those are refused ahead of the adapter (decision 032), and their connections
  // held a moment unless a proxy's connections carry other clients too (decision 035).
  const refusingEarly = await refuseSignInsEarly(
    config.allowedOrigins,
    metrics.record,
    refusedConnectionHoldMs(config.trustProxy),
  );
  const server = createServer(
    refusingEarly(getRequestListener(host.fetch, { hostname: config.host })),
  );
  await new Promise<void>((resolve) => server.listen(config.port, config.host, resolve));
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : config.port;
  const url = `http://localhost:${port}`;
  // PORT=0 picks a free port: links built on the default PUBLIC_URL must carry the real one.
  if (!env.PUBLIC_URL) config.publicUrl = url;
  return {
    url,
    config,
    database,
    close: async () => {
      shuttingDown = true;
      const deadline = Date.now() + config.shutdownGraceMs;
      // close() stops listening at once, ends idle keep-alive connections, and calls back when
      // the requests in flight have been answered; past the grace period they are cut off.
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      const cutOff = setTimeout(() => server.closeAllConnections(), config.shutdownGraceMs);
      await closed;
      clearTimeout(cutOff);
      await sender.stop(Math.max(0, deadline - Date.now()));
      await database.close();
    },
  };
}
