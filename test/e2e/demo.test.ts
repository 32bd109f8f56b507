import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { after, before, describe, it } from 'node:test';
import { chromium, type Browser, type Page } from 'playwright-core';
import { startBff, type RunningBff } from '../../server/start.ts';
import { CHROMIUM_ARGS, chromiumPath } from '../support/chromium.mjs';

/**
 * The built demo (`vite build` first: the BFF serves dist/) in headless Chromium, used as a person
 * would: sign in as the demo administrator, see the users, filter by email, page.
 */
describe('the demo in a real browser', () => {
  let bff: RunningBff;
  let browser: Browser;
  let page: Page;

  before(async () => {
    assert.ok(
      existsSync('dist/um/user-management.js'),
      'run `npx vite build` first (npm test does)',
    );
    bff = await startBff({ PORT: '0', DATA_DIR: 'memory://', DEMO_SEED: 'true' });
    browser = await chromium.launch({ executablePath: chromiumPath(), args: CHROMIUM_ARGS });
    page = await browser.newPage();
  });
  after(async () => {
    await browser?.close();
    await bff?.close();
  });

  it('signs the administrator in, shows the users, filters by email and pages', async () => {
    await page.goto(`${bff.url}/`);
    await page.getByLabel('Email').fill(bff.config.demoAdmin.email);
    await page.getByLabel('Password').fill(bff.config.demoAdmin.password);
    await page.getByRole('button', { name: 'Sign in' }).click();

    const table = page.getByRole('table');
    await table.waitFor();
    const summary = page.getByText(/Showing 1 - 10 of \d+ entries/);
    await summary.waitFor();
    const total = Number((await summary.textContent())!.match(/of (\d+) entries/)![1]);
    assert.ok(total >= 25, `about 30 seeded users, saw ${total}`);
    assert.equal(await table.locator('tbody tr').count(), 10);
    await page.getByRole('cell', { name: bff.config.demoAdmin.email, exact: true }).waitFor();

    await page.getByRole('button', { name: 'Next page' }).click();
    await page.getByText(`Showing 11 - 20 of ${total} entries`).waitFor();

    await page.getByRole('searchbox', { name: 'Email' }).fill('alice');
    await page.getByText('Showing 1 - 1 of 1 entries').waitFor();
    assert.deepEqual(
      await table
        .locator('tbody tr')
        .allInnerTexts()
        .then((rows) => rows.length),
      1,
    );
    await page.getByRole('cell', { name: 'alice@acme.test', exact: true }).waitFor();
  });
});
