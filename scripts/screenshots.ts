/**
 * The README's screenshots: the Users panel in German at a phone's width (375 px: rows as cards)
 * and a desktop's (1280 px, beside the portal's navigation), written to docs/screenshots/. It
 * drives the built demo (`npm run screenshots` builds first) on a fresh in-memory database with the
 * demo seed, in the same headless Chromium as the end-to-end tests, signed in as the demo
 * administrator (so the row menus show) with the portal's language set to Deutsch.
 */
import { mkdirSync } from 'node:fs';
import type { Page } from 'playwright-core';

process.env.LOG_LEVEL ??= 'silent';
const { openDemo, signIn } = await import('../test/support/demo.ts');

const OUT = 'docs/screenshots';
const SHOTS = [
  // A phone: the page scrolled to the table, as someone looking through the users sees it.
  { file: 'users-de-375.png', width: 375, height: 812, scrollTo: '.table-wrap' },
  { file: 'users-de-1280.png', width: 1280, height: 900 },
];

/** The first element matching `selector` in the page or any shadow root, as a page script. */
const DEEP_QUERY = `(selector) => {
  const find = (root) => {
    const hit = root.querySelector(selector);
    if (hit) return hit;
    for (const el of root.querySelectorAll('*')) {
      const inner = el.shadowRoot && find(el.shadowRoot);
      if (inner) return inner;
    }
    return null;
  };
  return find(document);
}`;

async function waitForGermanUsers(page: Page) {
  await page.getByRole('heading', { name: 'Benutzer', exact: true }).waitFor();
  await page.getByText(/Einträge 1–10 von \d+/).waitFor();
  await page.getByRole('cell', { name: 'Nicht aktiviert' }).first().waitFor();
}

mkdirSync(OUT, { recursive: true });
const demo = await openDemo();
try {
  for (const shot of SHOTS) {
    const page = await demo.newPage();
    await page.setViewportSize({ width: shot.width, height: shot.height });
    await page.goto(`${demo.bff.url}/`);
    await signIn(page, demo.bff.config.demoAdmin.email, demo.bff.config.demoAdmin.password);
    await page.locator('tbody tr[part="row"]').first().waitFor();
    await page.selectOption('#language', 'de');
    await waitForGermanUsers(page);
    // No focus ring on the portal's language select in the picture.
    await page.evaluate('document.activeElement?.blur()');
    if (shot.scrollTo) {
      await page.evaluate(
        `(${DEEP_QUERY})(${JSON.stringify(shot.scrollTo)}).scrollIntoView({ block: 'start' })`,
      );
    }
    await page.screenshot({ path: `${OUT}/${shot.file}` });
    console.log(`${OUT}/${shot.file}`);
    await page.context().close();
  }
} finally {
  await demo.close();
}
