import { Buffer } from 'node:buffer';
import { spawn } from 'node:child_process';
import { clearTimeout, setTimeout } from 'node:timers';
import { esbuildPlugin } from '@web/dev-server-esbuild';
import { playwrightLauncher } from '@web/test-runner-playwright';
import { CHROMIUM_ARGS, CHROMIUM_PATH, TEST_LOCALE } from './test/support/chromium.mjs';

/**
 * Widget tests run in Debian's Chromium against the real BFF: the config starts server/main.ts
 * (in-memory PGlite with the demo seed) and the test page reaches it through same-origin proxy
 * prefixes, so tests render `<user-management api="/bff">`:
 * - /bff/…      forwarded to the BFF unchanged;
 * - /bff-slow/… forwarded after a delay (SLOW_MS), so a test can see the loading state. A test
 *   can give some requests a delay of their own: `POST /__delays` with a JSON list of
 *   `{"match": "status=active", "ms": 2500}` delays each /bff-slow request whose path and query
 *   contain `match` by `ms` (the first rule that matches wins; `[]` clears the list). So an older
 *   request can be answered after a newer one;
 * - /bff-outage/… forwarded too, except during a simulated database outage: then it answers 503
 *   with Retry-After, as the BFF does when its database is down. `POST /__outage/on` (or `/off`)
 *   starts or ends the outage, so a test can see the error state and then a successful Retry.
 */

const SLOW_MS = 1500;
const BFF_START_TIMEOUT_MS = 60_000;

/** @type {import('node:child_process').ChildProcess | undefined} */
let bff;
/** @type {string | undefined} */
let bffUrl;

/**
 * The widget tests' BFF runs on its own in-memory PGlite, never on CI's PostgreSQL: the server
 * tests cover PostgreSQL, each in a database of their own.
 */
function environmentWithoutDatabase() {
  const env = { ...process.env };
  delete env.DATABASE_URL;
  return env;
}

function startBff() {
  return new Promise((resolve, reject) => {
    bff = spawn(process.execPath, ['--import', 'tsx', 'server/main.ts'], {
      env: {
        ...environmentWithoutDatabase(),
        PORT: '0',
        DATA_DIR: 'memory://',
        DEMO_SEED: 'true',
        // One line per request would bury the test results; warnings and errors still show.
        LOG_LEVEL: process.env.LOG_LEVEL ?? 'warn',
        // Many tests invite people as the one demo administrator; the default is 5 a day.
        INVITES_PER_DAY: '1000',
      },
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    const timer = setTimeout(
      () => reject(new Error('the BFF did not start in time')),
      BFF_START_TIMEOUT_MS,
    );
    let output = '';
    bff.stdout.on('data', (chunk) => {
      output += chunk;
      const match = /BFF listening on (http:\/\/\S+)/.exec(output);
      if (match && !bffUrl) {
        bffUrl = match[1];
        clearTimeout(timer);
        resolve(bffUrl);
      }
    });
    bff.on('exit', (code) => {
      clearTimeout(timer);
      if (!bffUrl) reject(new Error(`the BFF exited with ${code} before listening:\n${output}`));
    });
  });
}

function stopBff() {
  if (bff && bff.exitCode === null) bff.kill('SIGTERM');
}
process.on('exit', stopBff);

async function readBody(req) {
  const chunks = [];
  for await (const chunk of req) chunks.push(chunk);
  return chunks.length ? Buffer.concat(chunks) : undefined;
}

const HOP_BY_HOP = new Set([
  'connection',
  'keep-alive',
  'transfer-encoding',
  'content-encoding',
  'content-length',
  'host',
]);

let outage = false;
/** @type {{ match: string, ms: number }[]} */
let delays = [];

function isDelayList(value) {
  return (
    Array.isArray(value) &&
    value.every(
      (rule) =>
        typeof rule?.match === 'string' &&
        Number.isInteger(rule.ms) &&
        rule.ms >= 0 &&
        rule.ms <= 30_000,
    )
  );
}

/** @type {import('@web/dev-server-core').Middleware} */
async function bffProxy(ctx, next) {
  const control = /^\/__outage\/(on|off)$/.exec(ctx.path);
  if (control && ctx.method === 'POST') {
    outage = control[1] === 'on';
    ctx.status = 204;
    return;
  }
  if (ctx.path === '/__delays' && ctx.method === 'POST') {
    const body = await readBody(ctx.req);
    let rules;
    try {
      rules = JSON.parse(body ? body.toString('utf8') : '[]');
    } catch {
      rules = undefined;
    }
    if (!isDelayList(rules)) {
      ctx.status = 400;
      ctx.body = 'expected [{"match": string, "ms": integer 0-30000}, …]';
      return;
    }
    delays = rules;
    ctx.status = 204;
    return;
  }
  const match = /^\/(bff|bff-slow|bff-outage)(\/.*)$/.exec(ctx.url);
  if (!match) return next();
  const [, prefix, rest] = match;
  if (prefix === 'bff-outage' && outage) {
    ctx.status = 503;
    ctx.set('Retry-After', '30');
    ctx.type = 'application/json';
    ctx.body = JSON.stringify({
      message: 'The database is unavailable.',
      code: 'service_unavailable',
    });
    return;
  }
  if (prefix === 'bff-slow') {
    const ms = delays.find((rule) => rest.includes(rule.match))?.ms ?? SLOW_MS;
    await new Promise((resolve) => setTimeout(resolve, ms));
  }
  const headers = {};
  for (const [name, value] of Object.entries(ctx.req.headers)) {
    if (!HOP_BY_HOP.has(name) && typeof value === 'string') headers[name] = value;
  }
  const response = await globalThis.fetch(bffUrl + rest, {
    method: ctx.method,
    headers,
    body: ['GET', 'HEAD'].includes(ctx.method) ? undefined : await readBody(ctx.req),
  });
  ctx.status = response.status;
  response.headers.forEach((value, name) => {
    if (!HOP_BY_HOP.has(name)) ctx.set(name, value);
  });
  ctx.body = Buffer.from(await response.arrayBuffer());
}

export default {
  // Tests sit beside the widget's code; test/widget/ holds their shared support (and any test
  // that is about no one element).
  files: ['widget/**/*.test.ts', 'test/widget/**/*.test.ts'],
  nodeResolve: true,
  concurrency: 1,
  testFramework: { config: { timeout: 10_000 } },
  browsers: [
    playwrightLauncher({
      product: 'chromium',
      launchOptions: {
        executablePath: CHROMIUM_PATH,
        headless: true,
        args: CHROMIUM_ARGS,
      },
      createBrowserContext: ({ browser }) => browser.newContext({ locale: TEST_LOCALE }),
    }),
  ],
  middleware: [bffProxy],
  plugins: [
    // Target es2022 and the project's tsconfig (experimentalDecorators): esbuild's default
    // target leaves decorators in place and Chromium cannot parse them.
    esbuildPlugin({ ts: true, target: 'es2022', tsconfig: 'tsconfig.json' }),
    {
      name: 'bff',
      async serverStart() {
        await startBff();
      },
      serverStop() {
        stopBff();
      },
    },
  ],
};
