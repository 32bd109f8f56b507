// Run before the browser tests. `npm install && npm test` is the whole set-up on a fresh machine:
// when Chromium is missing and Debian's apt-get can run (as root, like CI), Debian's chromium is
// installed here, as .ci/run does; otherwise one clear sentence says what to run.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { CHROMIUM_MISSING, CHROMIUM_PATH } from './support/chromium.mjs';

function canInstall() {
  const isRoot = typeof process.getuid === 'function' && process.getuid() === 0;
  return (
    isRoot &&
    CHROMIUM_PATH === '/usr/bin/chromium' &&
    existsSync('/usr/bin/apt-get') &&
    !process.env.NO_CHROMIUM_INSTALL
  );
}

function install() {
  console.log("Chromium is missing: installing Debian's chromium (about 30 s)…");
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  const run = (args) => spawnSync('apt-get', args, { stdio: 'inherit', env }).status === 0;
  return run(['update', '-qq']) && run(['install', '-y', '-qq', 'chromium']);
}

if (!existsSync(CHROMIUM_PATH) && !(canInstall() && install() && existsSync(CHROMIUM_PATH))) {
  console.error(CHROMIUM_MISSING);
  process.exit(1);
}
