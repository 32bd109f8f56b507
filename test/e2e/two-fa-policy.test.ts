import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import type { Page } from 'playwright-core';
import { totpCode } from '../../server/auth/totp.ts';
import { DEMO_GRACE_PERIOD_DAYS, DEMO_MEMBER_PASSWORD } from '../../server/demo/seed.ts';
import { english as en } from '../support/english.ts';
import { openDemo, signIn, type Demo } from '../support/demo.ts';

/**
 * The demo's Initech, which requires two-factor authentication (docs/decisions/026), as its
 * people would meet it: Peter, in the grace period, sees the days left; Iris, its Administrator,
 * ends the grace period in the Account panel, which leads her into the setup herself; Peter's
 * next sign-in leads straight into it, and he gets a reminder by email; once 2FA is on, the panel
 * comes. The test is the authenticator app: it reads the key from the page.
 */
describe('an account that requires two-factor authentication, in the demo', () => {
  let demo: Demo;
  const IRIS = 'iris@initech.test';
  const PETER = 'peter@initech.test';

  before(async () => {
    demo = await openDemo();
  });
  after(() => demo?.close());

  /** Sets 2FA up in the setup the widget shows in the panel's place, then continues. */
  async function setUpTwoFa(page: Page) {
    await page.getByRole('heading', { name: en['twoFaPolicy.heading'] }).waitFor();
    await page.getByRole('button', { name: en['twoFa.enable'] }).click();
    const key = await page.locator('[part~="two-fa-key"]').getAttribute('data-key');
    assert.match(key ?? '', /^[A-Z2-7]{32}$/);
    await page.getByLabel(en['twoFa.code']).fill(totpCode(key!, new Date()));
    await page.getByLabel(en['twoFa.password']).fill(DEMO_MEMBER_PASSWORD);
    await page.getByRole('button', { name: en['twoFa.activate'] }).click();
    await page.getByRole('heading', { name: en['twoFa.codes.heading'] }).waitFor();
    await page.getByRole('button', { name: en['twoFaPolicy.continue'] }).click();
    await page
      .getByRole('heading', { name: en['twoFaPolicy.heading'] })
      .waitFor({ state: 'detached' });
  }

  it('reminds in the grace period, then leads into the setup, and serves the account once 2FA is on', async () => {
    const peter = await demo.newPage();
    await peter.goto(`${demo.bff.url}/`);
    await signIn(peter, PETER, DEMO_MEMBER_PASSWORD);
    const banner = peter.locator('[part~="notice"][role="note"]');
    await banner.waitFor();
    assert.equal(
      (await banner.locator('p').innerText()).trim(),
      en['twoFaPolicy.banner']
        .replace('{company}', 'Initech')
        .replace('{days}', String(DEMO_GRACE_PERIOD_DAYS)),
    );
    await peter.getByRole('table').waitFor();
    await peter.getByRole('button', { name: en['app.signOut'] }).click();

    // Iris ends the grace period; it binds her as well, and the widget leads her into the setup.
    const iris = await demo.newPage();
    await iris.goto(`${demo.bff.url}/`);
    await signIn(iris, IRIS, DEMO_MEMBER_PASSWORD);
    await iris.getByRole('table').waitFor();
    await iris.getByRole('link', { name: 'My account' }).click();
    const setting = iris.locator('form[data-form="security"]');
    await setting.getByLabel(en['security.grace']).waitFor();
    assert.equal(await setting.getByLabel(en['security.require']).isChecked(), true);
    assert.equal(
      await setting.getByLabel(en['security.grace']).inputValue(),
      String(DEMO_GRACE_PERIOD_DAYS),
    );
    await setting.getByLabel(en['security.grace']).fill('0');
    await setting.getByRole('button', { name: en['security.save'] }).click();
    await setUpTwoFa(iris);

    // Peter signs in again: straight into the setup, nothing else of the account.
    await signIn(peter, PETER, DEMO_MEMBER_PASSWORD);
    await peter.getByRole('heading', { name: en['twoFaPolicy.heading'] }).waitFor();
    assert.equal(await peter.getByRole('table').count(), 0, 'no Users panel before 2FA is on');

    await iris.getByRole('link', { name: 'Users' }).click();
    await iris.getByText(en['users.reminder.count'].replace('{count}', '1')).waitFor();
    await iris.getByRole('button', { name: en['users.reminder.send'] }).click();
    await iris.getByText(en['users.reminder.sent'].replace('{count}', '1')).waitFor();
    let subjects: string[] = [];
    for (let tries = 0; tries < 50 && subjects.length === 0; tries++) {
      const { messages } = (await (await fetch(`${demo.bff.url}/dev/mailbox`)).json()) as {
        messages: { to: string; subject: string }[];
      };
      subjects = messages.filter((m) => m.to === PETER).map((m) => m.subject);
      if (subjects.length === 0) await sleep(200);
    }
    assert.deepEqual(subjects, ['Initech requires two-factor authentication']);

    await setUpTwoFa(peter);
    await peter.getByRole('table').waitFor();
    assert.equal(await banner.count(), 0, 'no banner once 2FA is on');
  });
});
