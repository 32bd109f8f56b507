import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { totpCode } from '../../server/auth/totp.ts';
import { DEMO_MEMBER_PASSWORD } from '../../server/demo/seed.ts';
import { de } from '../../widget/locales/de.ts';
import { openDemo, signIn, type Demo } from '../support/demo.ts';

/**
 * Two-factor authentication in the built demo, as a person with an authenticator app would do it
 * (the test is the app: it reads the key from the page and computes the codes): enable it, sign
 * out, sign in with a code, and the administrator sees "Activated" in the Users panel. The demo
 * member's language is German, and the portal sets no `lang`: once signed in, the widget speaks
 * German (its dictionary loaded from beside the built widget); signed out, the browser's English.
 */
describe('two-factor authentication in the demo', () => {
  let demo: Demo;
  const MEMBER = 'bruno@acme.test';

  before(async () => {
    demo = await openDemo();
  });
  after(() => demo?.close());

  it('enables 2FA, signs in with a code, and shows Activated to the administrator', async () => {
    const page = await demo.newPage();
    await page.goto(`${demo.bff.url}/`);
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

    const admin = await demo.newPage();
    await admin.goto(`${demo.bff.url}/`);
    await signIn(admin, demo.bff.config.demoAdmin.email, demo.bff.config.demoAdmin.password);
    await admin.getByRole('searchbox', { name: 'Email' }).fill(MEMBER);
    await admin.getByText('Showing 1 - 1 of 1 entries').waitFor();
    const row = admin.getByRole('row', { name: new RegExp(MEMBER) });
    const cells = await row.getByRole('cell').allInnerTexts();
    assert.equal(cells[6]?.trim(), 'Activated', `the 2FA column: ${cells.join(' | ')}`);
  });
});
