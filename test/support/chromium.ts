import { existsSync } from 'node:fs';

/** Debian's Chromium (no test tool may download a browser here), or CHROMIUM_PATH. */
export function chromiumPath(): string {
  const path = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
  if (!existsSync(path)) {
    throw new Error(
      `Chromium is needed for browser tests: run \`apt-get install -y chromium\` or set CHROMIUM_PATH (looked for ${path})`,
    );
  }
  return path;
}

/** Flags that keep Chromium quiet on a machine with no network beyond loopback (STACK.md). */
export const CHROMIUM_ARGS = [
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
