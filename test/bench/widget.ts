import { existsSync } from 'node:fs';
import { request } from 'node:http';
import { join } from 'node:path';
import { chromium, type Page } from 'playwright-core';
import { measureWidget } from '../../scripts/size.ts';
import { CHROMIUM_ARGS, chromiumPath, TEST_LOCALE } from '../support/chromium.mjs';
import { BENCH_PASSWORD } from './seed.ts';
import { percentile, type BenchContext, type Scenario } from './scenario.ts';

/**
 * The widget as a browser gets it, from the started BFF of the checkout (which serves that
 * checkout's built `dist/`: the bench only reads it; without a build the figures are "n/a"):
 * - the bytes served for its files over HTTP when the client accepts brotli, gzip or neither, as
 *   the BFF really answers them (Content-Encoding, body length on the wire, Cache-Control);
 * - in Chromium, the demo page signed in as the big account's Administrator: the time from
 *   navigation start to the frame in which the Users table holds ten rows, cold (a new browser
 *   context: empty cache, new connections), warm (the next navigation in that context) and cold
 *   over an emulated slower link, and the bytes of the widget's files as the browser received
 *   them (resource timing).
 */
const RUNS = { quick: 5, full: 20 };
/**
 * Loopback hides what bytes cost: cold is also measured over an emulated link of 10 Mbit/s down,
 * 5 up and 40 ms round trips (DevTools' network conditions, in bytes per second).
 */
const SLOW_LINK = {
  latency: 40,
  downloadThroughput: 10_000_000 / 8,
  uploadThroughput: 5_000_000 / 8,
};

export const scenario: Scenario = {
  name: 'widget',
  async run(ctx) {
    const dir = join(ctx.appDir, 'dist/um');
    if (
      !existsSync(join(dir, 'user-management.js')) ||
      !existsSync(join(ctx.appDir, 'dist/index.html'))
    ) {
      ctx.say(
        `  widget: n/a (no built widget and demo page in ${ctx.appDir}/dist: npm run build there)`,
      );
      return;
    }
    await servedBytes(ctx, dir);
    const lines = await firstTenRows({
      url: `${ctx.bff.url}/`,
      email: ctx.accounts.big.adminEmail,
      password: BENCH_PASSWORD,
      runs: RUNS[ctx.mode],
    });
    for (const line of lines) ctx.say(line);
  },
};

const thousands = (n: number) => n.toLocaleString('en');

/**
 * One GET as a client that accepts `coding`: what came over the wire, undecoded. Its encoding
 * names the status too when it is not 200, so a file the BFF does not serve shows in the line.
 */
function get(url: string, coding: string) {
  return new Promise<{ encoding: string; bytes: number; cacheControl: string }>(
    (resolve, reject) => {
      request(url, { headers: { 'Accept-Encoding': coding } }, (response) => {
        let bytes = 0;
        response.on('data', (chunk: Buffer) => (bytes += chunk.length));
        response.on('end', () =>
          resolve({
            encoding:
              (response.statusCode === 200 ? '' : `${response.statusCode} `) +
              (response.headers['content-encoding'] ?? 'identity'),
            bytes,
            cacheControl: response.headers['cache-control'] ?? 'none',
          }),
        );
        response.on('error', reject);
      })
        .on('error', reject)
        .end();
    },
  );
}

async function servedBytes(ctx: BenchContext, dir: string) {
  const { chunks } = measureWidget(dir);
  for (const coding of ['br', 'gzip', 'identity']) {
    let firstPaint = 0;
    let whole = 0;
    const encodings = new Set<string>();
    const caching = new Set<string>();
    for (const chunk of chunks) {
      const answer = await get(`${ctx.bff.url}/um/${chunk.file}`, coding);
      encodings.add(answer.encoding);
      caching.add(`${chunk.kind === 'entry' ? 'entry' : 'chunks'}: ${answer.cacheControl}`);
      if (chunk.firstPaint) firstPaint += answer.bytes;
      if (chunk.kind !== 'locale') whole += answer.bytes;
    }
    ctx.say(
      `  widget served to Accept-Encoding: ${coding}: first paint ${thousands(firstPaint)} B, ` +
        `whole ${thousands(whole)} B, as ${[...encodings].join('+')}` +
        (coding === 'br' ? `; Cache-Control ${[...caching].join(', ')}` : ''),
    );
  }
}

/**
 * In the page, before any of its scripts (through the DevTools protocol, which the demo page's
 * CSP does not govern): each animation frame, until the Users table holds ten rows, looks for them
 * through the shadow roots; the frame's own timestamp becomes the mark `ten-rows`, and that of
 * the frame in which they can be seen (a view's first paint stays hidden until its language is
 * loaded) `ten-rows-visible`. A string, not a function: tsx would wrap a function's inner names
 * in a helper the page does not have.
 */
const MARK_TEN_ROWS = `(() => {
  function rows(root) {
    const found = [...root.querySelectorAll('tr[data-user-id]')];
    for (const element of root.querySelectorAll('*')) {
      if (element.shadowRoot) found.push(...rows(element.shadowRoot));
    }
    return found;
  }
  function frame(time) {
    const tenth = rows(document)[9];
    if (tenth && !performance.getEntriesByName('ten-rows').length) {
      performance.mark('ten-rows', { startTime: time });
    }
    if (tenth && getComputedStyle(tenth).visibility === 'visible') {
      performance.mark('ten-rows-visible', { startTime: time });
    } else requestAnimationFrame(frame);
  }
  requestAnimationFrame(frame);
})();`;

interface Load {
  /**
   * Milliseconds from navigation start: the frame with ten rows, the one in which they could be
   * seen, the widget's last file, the list.
   */
  tenRows: number;
  tenRowsVisible: number;
  widgetLoaded: number;
  listAnswered: number;
  /** The widget's files as received: `transferSize` (0 from the cache) and encoded bodies. */
  files: string[];
  transferred: number;
  encoded: number;
  decoded: number;
}

/**
 * Navigates to the demo page and answers when the ten rows were there, and, once the network is
 * idle (what loads after the rows counts too), the widget's files from resource timing.
 */
async function load(page: Page, url: string): Promise<Load> {
  await page.goto('about:blank');
  await page.goto(url);
  await page.locator('tr[data-user-id]').nth(9).waitFor({ timeout: 60_000 });
  await page.waitForLoadState('networkidle');
  // Runs through the DevTools protocol too: no eval in the page, so the CSP allows it.
  return page.evaluate(() => {
    const tenRows = performance.getEntriesByName('ten-rows')[0];
    const tenRowsVisible = performance.getEntriesByName('ten-rows-visible')[0];
    const resources = performance.getEntriesByType('resource') as PerformanceResourceTiming[];
    const list = resources.find((entry) => new URL(entry.name).pathname === '/iam/users');
    const widget = resources.filter((entry) => new URL(entry.name).pathname.startsWith('/um/'));
    const sizes = { widgetLoaded: 0, transferred: 0, encoded: 0, decoded: 0 };
    for (const entry of widget) {
      sizes.widgetLoaded = Math.max(sizes.widgetLoaded, entry.responseEnd);
      sizes.transferred += entry.transferSize;
      sizes.encoded += entry.encodedBodySize;
      sizes.decoded += entry.decodedBodySize;
    }
    return {
      // The mark's frame comes at most one frame after the rows the locator saw.
      tenRows: tenRows?.startTime ?? NaN,
      tenRowsVisible: tenRowsVisible?.startTime ?? NaN,
      listAnswered: list?.responseEnd ?? NaN,
      files: widget.map((entry) => new URL(entry.name).pathname.slice('/um/'.length)),
      ...sizes,
    };
  });
}

/** Signs in on the demo page at `url` and loads it `runs` times cold and warm: the lines to print. */
export async function firstTenRows(options: {
  url: string;
  email: string;
  password: string;
  runs: number;
}): Promise<string[]> {
  const { url, runs } = options;
  const browser = await chromium.launch({ executablePath: chromiumPath(), args: CHROMIUM_ARGS });
  try {
    // Signed in once through the widget's own form; each run's context starts with a copy of the
    // session it stored, whatever its storage key was in that checkout.
    const first = await browser.newContext({ locale: TEST_LOCALE });
    const page = await first.newPage();
    await page.goto(url);
    await page.getByLabel('Email').fill(options.email);
    await page.getByLabel('Password', { exact: true }).fill(options.password);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.locator('tr[data-user-id]').nth(9).waitFor({ timeout: 60_000 });
    const session = await page.evaluate(() => JSON.stringify({ ...sessionStorage }));
    await first.close();

    const encodings = new Set<string>();
    /** A page in a new context (empty cache), signed in, that marks the ten rows. */
    const newPage = async (link?: typeof SLOW_LINK) => {
      const context = await browser.newContext({ locale: TEST_LOCALE });
      await context.addInitScript((stored: string) => {
        if (location.protocol !== 'http:') return; // about:blank has no storage
        for (const [key, value] of Object.entries(JSON.parse(stored) as Record<string, string>)) {
          if (sessionStorage.getItem(key) === null) sessionStorage.setItem(key, value);
        }
      }, session);
      await context.addInitScript({ content: MARK_TEN_ROWS });
      const page = await context.newPage();
      if (link) {
        const cdp = await context.newCDPSession(page);
        await cdp.send('Network.enable');
        await cdp.send('Network.emulateNetworkConditions', { offline: false, ...link });
      }
      page.on('response', (response) => {
        if (new URL(response.url()).pathname.startsWith('/um/')) {
          encodings.add(
            `${response.status()} ${response.headers()['content-encoding'] ?? 'identity'}`,
          );
        }
      });
      return page;
    };
    const cold: Load[] = [];
    const warm: Load[] = [];
    const slow: Load[] = [];
    for (let run = 0; run < runs; run++) {
      const page = await newPage();
      cold.push(await load(page, url));
      warm.push(await load(page, url));
      await page.context().close();
      const slowPage = await newPage(SLOW_LINK);
      slow.push(await load(slowPage, url));
      await slowPage.context().close();
    }
    return [
      report('cold', cold),
      report('warm', warm),
      report('cold over 10 Mbit/s, 40 ms', slow),
      `  widget files as Chromium got them (status, Content-Encoding): ${[...encodings].join(', ')}`,
    ];
  } finally {
    await browser.close();
  }
}

function report(label: string, loads: Load[]): string {
  const p = (key: 'tenRows' | 'tenRowsVisible' | 'widgetLoaded' | 'listAnswered', at: number) =>
    percentile(
      loads.map((l) => l[key]).sort((a, b) => a - b),
      at,
    ).toFixed(0);
  const last = loads.at(-1)!;
  return (
    `  Chromium, navigation → ten rows, ${label} (${loads.length} runs): ` +
    `p50 ${p('tenRows', 50)} ms, p95 ${p('tenRows', 95)} ms, ` +
    `seen p50 ${p('tenRowsVisible', 50)} ms, p95 ${p('tenRowsVisible', 95)} ms ` +
    `(widget's files loaded by ${p('widgetLoaded', 50)} ms, users list answered by ` +
    `${p('listAnswered', 50)} ms, p50); widget's files ${thousands(last.transferred)} B transferred, ` +
    `${thousands(last.encoded)} B encoded, ${thousands(last.decoded)} B decoded: ${last.files.join(', ')}`
  );
}
