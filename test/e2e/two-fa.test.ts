import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { chromium, type Browser, type Page } from 'playwright-core';
import { totpCode } from '../../server/auth/totp.ts';
import { DEMO_MEMBER_PASSWORD } from '../../server/demo/seed.ts';
import { startBff, type RunningBff } from '../../server/start.ts';
import { de } from '../../widget/locales/de.ts';
import { CHROMIUM_ARGS, chromiumPath } from '../support/chromium.mjs';

/**
 * Two-factor authentication in the built demo, as a person with an authenticator app would do it
 * (the test is the app: it reads the key from the page and computes the codes): enable it, sign
 * out, sign in with a code, and the administrator sees "Activated" in the Users panel. The demo
 * member's language is German, and the portal sets no `lang`: once signed in, the widget speaks
 * German (its dictionary loaded from beside the built widget); signed out, the browser's English.
 */
describe('two-factor authentication in the demo', () => {
  let bff: RunningBff;
  let browser: Browser;
  const MEMBER = 'bruno@acme.test';

  before(async () => {
    bff = await startBff({ PORT: '0', DATA_DIR: 'memory://', DEMO_SEED: 'true' });
    browser = await chromium.launch({ executablePath: chromiumPath(), args: CHROMIUM_ARGS });
  });
  after(async () => {
    await browser?.close();
    await bff?.close();
  });

  const signIn = async (page: Page, email: string, password: string) => {
    const form = page.locator('form[part~="sign-in-form"]');
    await form.getByLabel('Email').fill(email);
    await form.getByLabel('Password').fill(password);
    await form.getByRole('button', { name: 'Sign in' }).click();
  };

  it('enables 2FA, signs in with a code, and shows Activated to the administrator', async () => {
    const page = await (await browser.newContext()).newPage();
    await page.goto(`${bff.url}/`);
    await signIn(page, MEMBER, DEMO_MEMBER_PASSWORD);
    await page.getByRole('table').waitFor();
    await page.getByRole('link', { name: 'My account' }).click();
    await page.getByRole('button', { name: de['twoFa.enable'] }).click();
    const key = await page.locator('[part~="two-fa-key"]').getAttribute('data-key');
    assert.match(key ?? '', /^[A-Z2-7]{32}$/);
    assert.ok(
      await page.getByRole('img', { name: de['twoFa.qrLabel'] }).isVisible(),
      'a QR code drawn in the page',
    );
    await page.getByLabel(de['twoFa.code']).fill(totpCode(key!, new Date()));
    await page.getByLabel(de['twoFa.password']).fill(DEMO_MEMBER_PASSWORD);
    await page.getByRole('button', { name: de['twoFa.activate'] }).click();
    await page.getByRole('heading', { name: de['twoFa.codes.heading'] }).waitFor();
    await page.getByRole('button', { name: de['twoFa.codes.done'] }).click();

    await page.getByRole('button', { name: de['app.signOut'] }).click();
    await signIn(page, MEMBER, DEMO_MEMBER_PASSWORD);
    const code = page.getByLabel('Verification code');
    await code.waitFor();
    // The code of the step just used to enable 2FA works only once: the app's next code.
    await code.fill(totpCode(key!, new Date(Date.now() + 30_000)));
    await page
      .getByRole('button', { name: /Verify|Sign in|Continue/ })
      .first()
      .click();
    await page
      .getByRole('heading', { name: 'My account' })
      .or(page.getByRole('table'))
      .first()
      .waitFor();

    const admin = await (await browser.newContext()).newPage();
    await admin.goto(`${bff.url}/`);
    await signIn(admin, bff.config.demoAdmin.email, bff.config.demoAdmin.password);
    await admin.getByRole('searchbox', { name: 'Email' }).fill(MEMBER);
    await admin.getByText('Showing 1 - 1 of 1 entries').waitFor();
    const row = admin.getByRole('row', { name: new RegExp(MEMBER) });
    const cells = await row.getByRole('cell').allInnerTexts();
    assert.equal(cells[6]?.trim(), 'Activated', `the 2FA column: ${cells.join(' | ')}`);
  });
});
