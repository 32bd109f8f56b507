// Shared by the widget tests (web-test-runner.config.mjs, plain JavaScript) and the end-to-end
// tests (TypeScript), so both start the same Chromium the same way.
import { existsSync } from 'node:fs';

/** Debian's Chromium (no test tool may download a browser here), or CHROMIUM_PATH. */
export const CHROMIUM_PATH = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

export const CHROMIUM_MISSING =
  'Chromium is needed for the browser tests: run `apt-get install -y chromium` (Debian/Ubuntu) ' +
  `or set CHROMIUM_PATH (looked for ${CHROMIUM_PATH}).`;

/** The path, or an error that says how to get Chromium. */
export function chromiumPath() {
  if (!existsSync(CHROMIUM_PATH)) throw new Error(CHROMIUM_MISSING);
  return CHROMIUM_PATH;
}

/**
 * The browser's language in tests. Signed out, the widget follows the browser's language, and the
 * tests read English text: they must not depend on the machine's locale (`LANG`).
 */
export const TEST_LOCALE = 'en-US';

/** Flags that keep Chromium quiet on a machine with no network beyond loopback (STACK.md). */
export const CHROMIUM_ARGS = [
  `--lang=${TEST_LOCALE}`,
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-dev-shm-usage',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];
