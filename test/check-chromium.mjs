import { existsSync } from 'node:fs';

// The widget tests drive Debian's Chromium; no test tool may download a browser on these machines.
const path = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
if (!existsSync(path)) {
  console.error(
    'Chromium is needed for the widget tests: run `apt-get install -y chromium` (Debian/Ubuntu) or set CHROMIUM_PATH',
  );
  console.error(`(looked for ${path})`);
  process.exit(1);
}
