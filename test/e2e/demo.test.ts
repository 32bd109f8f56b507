import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Page } from 'playwright-core';
import type { RunningBff } from '../../server/start.ts';
import { openDemo, signIn, type Demo } from '../support/demo.ts';

/**
 * The built demo (`vite build` first: the BFF serves dist/) in headless Chromium, used as a person
 * would: sign in as the demo administrator, see the users, filter by email, page.
 */
describe('the demo in a real browser', () => {
  let demo: Demo;
  let bff: RunningBff;
  let page: Page;

  before(async () => {
    demo = await openDemo();
    bff = demo.bff;
    page = await demo.newPage();
  });
  after(() => demo?.close());

  it('signs the administrator in, shows the users, filters by email and pages', async () => {
    await page.goto(`${bff.url}/`);
    await signIn(page, bff.config.demoAdmin.email, bff.config.demoAdmin.password);

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

  it('shows a German browser the sign-in in English when the German dictionary cannot be loaded', async () => {
    // The widget hides a view's first paint until its language is loaded: a failed load must end
    // that wait too, in English (widget/controllers/first-paint.ts).
    const german = await (await demo.browser.newContext({ locale: 'de-DE' })).newPage();
    let asked = 0;
    await german.route(/\/locale-de-[^/]*\.js$/, (route) => {
      asked += 1;
      return route.abort();
    });
    await german.goto(`${bff.url}/`);
    // A role query and waitFor() see only what can be seen (visibility: hidden is not).
    await german.getByRole('button', { name: 'Sign in' }).waitFor();
    await german.getByRole('heading', { name: 'Sign in' }).waitFor();
    // Asked again at a later update of the widget, not at once in a loop (it was: hundreds of
    // requests a second). A second is long enough for such a loop to show.
    await german.waitForTimeout(1000);
    assert.ok(asked >= 1 && asked <= 2, `the German dictionary was asked for ${asked} times`);
    await german.context().close();
  });
});
