// Run before the browser tests: a missing Chromium gets one clear sentence, not a stack trace.
import { existsSync } from 'node:fs';
import { CHROMIUM_MISSING, CHROMIUM_PATH } from './support/chromium.mjs';

if (!existsSync(CHROMIUM_PATH)) {
  console.error(CHROMIUM_MISSING);
  process.exit(1);
}
