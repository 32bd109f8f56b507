import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Page } from 'playwright-core';
import { english as en } from '../support/english.ts';
import { openDemo, signIn, type Demo } from '../support/demo.ts';
import { serveHost, type HostServer } from '../support/host-server.ts';

/**
 * The widget under the strict Content-Security-Policy of a security-minded portal: no inline script
 * or style, Trusted Types required (Lit's one policy is `lit-html`), connections and images only
 * from the page's origin. dist/csp.html is served with that header by a host on its own port that
 * proxies the BFF, and every violation the page reports is collected.
 */
export const STRICT_CSP = [
  "default-src 'self'",
  "style-src 'self'",
  "require-trusted-types-for 'script'",
  'trusted-types lit-html',
].join('; ');

describe('the widget under a strict Content-Security-Policy', () => {
  let demo: Demo;
  let host: HostServer;

  before(async () => {
    demo = await openDemo();
    host = await serveHost({
      bffUrl: demo.bff.url,
      headers: { 'Content-Security-Policy': STRICT_CSP },
    });
  });
  after(async () => {
    await host?.close();
    await demo?.close();
  });

  /** A page that records every CSP violation and uncaught error (a Trusted Types refusal throws). */
  const watchedPage = async () => {
    const page = await demo.newPage();
    const problems: string[] = [];
    page.on('pageerror', (error) => problems.push(`uncaught: ${error.message}`));
    page.on('console', (message) => {
      // Chromium reports a refusal on the console too (the favicon's 404 is no concern here).
      if (/Content Security Policy|Trusted Type|Refused/i.test(message.text())) {
        problems.push(`console: ${message.text()}`);
      }
    });
    await page.addInitScript(() => {
      const seen: string[] = [];
      (window as unknown as { violations: string[] }).violations = seen;
      // Composed and bubbling: one from inside the widget's shadow roots reaches the document.
      document.addEventListener('securitypolicyviolation', (e) => {
        seen.push(
          `${e.effectiveDirective} blocked ${e.blockedURI || '(inline)'} at ${e.sourceFile}:${e.lineNumber}`,
        );
      });
    });
    return { page, problems };
  };
  const violations = (page: Page) =>
    page.evaluate(() => (window as unknown as { violations: string[] }).violations);

  it('serves the page with the policy', async () => {
    const response = await fetch(`${host.url}/csp.html`);
    assert.equal(response.status, 200);
    assert.equal(response.headers.get('content-security-policy'), STRICT_CSP);
    assert.doesNotMatch(
      await response.text(),
      /<script(?![^>]*\ssrc=)[^>]*>|\sstyle=/,
      'nothing inline',
    );
  });

  it('signs in, lists users, invites, and shows the account and 2FA set-up with no violation', async () => {
    const { page, problems } = await watchedPage();
    await page.goto(`${host.url}/csp.html`);
    await signIn(page, demo.bff.config.demoAdmin.email, demo.bff.config.demoAdmin.password);
    await page.getByText(/Showing 1 - 10 of \d+ entries/).waitFor();
    await page.getByRole('cell', { name: demo.bff.config.demoAdmin.email, exact: true }).waitFor();
    // The widget's styles apply (constructed style sheets are not inline styles the CSP refuses).
    const table = page.getByRole('table');
    assert.equal(await table.evaluate((el) => getComputedStyle(el).borderCollapse), 'collapse');

    const email = `csp-${Date.now()}@newcomer.test`;
    await page.getByRole('button', { name: 'Invite user' }).click();
    const dialog = page.getByRole('dialog');
    await dialog.getByLabel('Email').fill(email);
    await dialog.getByRole('radio', { name: /^Engineers/ }).check();
    await dialog.getByRole('button', { name: 'Invite user' }).click();
    await page.getByText(`Invitation sent to ${email}`).waitFor();

    await page
      .getByRole('button', { name: /^Actions for / })
      .first()
      .click();
    await page.getByRole('menuitem', { name: 'Edit' }).waitFor();
    await page.keyboard.press('Escape');

    await page.getByRole('link', { name: 'My account' }).click();
    await page.getByRole('heading', { name: en['account.heading'] }).waitFor();
    await page.getByRole('button', { name: en['twoFa.enable'] }).click();
    await page.getByRole('img', { name: en['twoFa.qrLabel'] }).waitFor();

    await page.getByRole('link', { name: 'API tokens' }).click();
    await page.getByRole('heading', { name: en['tokens.heading'] }).waitFor();

    assert.deepEqual(await violations(page), []);
    assert.deepEqual(problems, []);
  });
});
