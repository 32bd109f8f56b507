import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Page } from 'playwright-core';
import { openDemo, signIn, type Demo } from '../support/demo.ts';

/**
 * The tables' layouts as the build ships them: the widget's CSS is minified (LightningCSS), and a
 * container query or a scroll-driven animation that the minifier rewrote wrongly would be dropped
 * by the browser without a word. The widget tests (test/widget/responsive-tables.test.ts) cover
 * the behaviour on the unminified source; this checks that the demo page keeps it.
 */

/** The first element matching `selector` in the page or any shadow root, as a page expression. */
function deep(selector: string): string {
  return `((selector) => {
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
  })(${JSON.stringify(selector)})`;
}

async function showPanel(page: Page, panel: string) {
  await page.evaluate(
    `document.querySelector('user-management').setAttribute('panel', '${panel}')`,
  );
  // Locators pierce shadow roots and, unlike waitForFunction, need no eval (the demo page's
  // Content-Security-Policy allows none).
  await page.locator(`um-${panel}-panel tbody tr[part="row"]`).first().waitFor();
}

describe('the built widget at a phone’s width and beside a navigation', () => {
  let demo: Demo;
  let page: Page;

  before(async () => {
    demo = await openDemo();
    page = await demo.newPage();
    await page.setViewportSize({ width: 375, height: 800 });
    await page.goto(`${demo.bff.url}/`);
    await signIn(page, demo.bff.config.demoAdmin.email, demo.bff.config.demoAdmin.password);
    await page.locator('tbody tr[part="row"]').first().waitFor();
    await page.selectOption('#language', 'ru');
  });
  after(() => demo?.close());

  it('shows cards at 375 px and never widens the page', async () => {
    for (const panel of ['users', 'api-tokens']) {
      await showPanel(page, panel);
      await page.locator(`um-${panel}-panel um-row-menu`).first().waitFor();
      assert.equal(
        await page.evaluate(`getComputedStyle(${deep('tbody tr[part="row"]')}).display`),
        'grid',
        panel,
      );
      assert.ok(
        (await page.evaluate<number>('document.documentElement.scrollWidth')) <= 375,
        `${panel}: the page is wider than the window`,
      );
    }
  });

  it('shades the ⋯ column’s edge where the API tokens table scrolls sideways (1000 px, Russian)', async () => {
    await page.setViewportSize({ width: 1000, height: 800 });
    await showPanel(page, 'api-tokens');
    const wrap = deep('.table-wrap');
    assert.ok(
      await page.evaluate(`${wrap}.scrollWidth > ${wrap}.clientWidth`),
      'the table scrolls sideways at this width',
    );
    const opacity = `Number(getComputedStyle(${deep('tbody td.actions')}, '::after').opacity)`;
    assert.ok((await page.evaluate<number>(opacity)) > 0.5, 'the edge is shaded');
  });
});
