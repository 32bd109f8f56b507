import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { chromium, type Browser, type Page } from 'playwright-core';
import { startBff, type RunningBff } from '../../server/start.ts';
import { CHROMIUM_ARGS, chromiumPath, TEST_LOCALE } from './chromium.mjs';

/**
 * What the end-to-end tests drive: the built demo (`vite build` first: the BFF serves dist/)
 * behind a real BFF on an in-memory PGlite with the demo seed, and a headless Chromium.
 */
export interface Demo {
  bff: RunningBff;
  browser: Browser;
  /** A page in a context of its own: its own storage, so one person per page. */
  newPage(): Promise<Page>;
  close(): Promise<void>;
}

/** `env`: settings of the BFF beyond the demo's (ALLOWED_ORIGINS, say). */
export async function openDemo(env: Record<string, string> = {}): Promise<Demo> {
  assert.ok(existsSync('dist/um/user-management.js'), 'run `npx vite build` first (npm test does)');
  const bff = await startBff({ PORT: '0', DATA_DIR: 'memory://', DEMO_SEED: 'true', ...env });
  const browser = await chromium.launch({ executablePath: chromiumPath(), args: CHROMIUM_ARGS });
  return {
    bff,
    browser,
    newPage: async () => (await browser.newContext({ locale: TEST_LOCALE })).newPage(),
    close: async () => {
      await browser.close();
      await bff.close();
    },
  };
}

/** Fills in and submits the widget's sign-in form (an email already filled in is kept). */
export async function signIn(page: Page, email: string, password: string): Promise<void> {
  const form = page.locator('form[part~="sign-in-form"]');
  const emailField = form.getByLabel('Email');
  if ((await emailField.inputValue()) !== email) await emailField.fill(email);
  await form.getByLabel('Password').fill(password);
  await form.getByRole('button', { name: 'Sign in' }).click();
}
