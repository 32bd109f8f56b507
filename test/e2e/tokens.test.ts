import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Page } from 'playwright-core';
import { DEMO_MEMBER_PASSWORD } from '../../server/demo/seed.ts';
import { de } from '../../widget/locales/de.ts';
import { openDemo, signIn, type Demo } from '../support/demo.ts';

/**
 * API tokens and deleting users in the built demo: a member creates a token and it works as an
 * `APIKey`; the administrator cannot delete that member while the token lives, deletes the token
 * (the next request with it is refused), deletes the member, and sees the member's name crossed
 * out next to the token, with "The user has been deleted" on hover. The member's own language is
 * German; the member picks English in the portal's Language menu (the widget's `lang`), which
 * wins over it.
 */
describe('API tokens and deleting their issuer in the demo', () => {
  let demo: Demo;
  const MEMBER = 'bruno@acme.test';

  before(async () => {
    demo = await openDemo();
  });
  after(() => demo?.close());

  const signInToTable = async (page: Page, email: string, password: string) => {
    await page.goto(`${demo.bff.url}/`);
    await signIn(page, email, password);
    await page.getByRole('table').waitFor();
  };
  const apiKeyStatus = async (token: string) =>
    (
      await fetch(`${demo.bff.url}/iam/clients/me`, {
        headers: { Authorization: `APIKey ${token}` },
      })
    ).status;

  it('creates, uses and deletes a token, then deletes its issuer', async () => {
    const member = await demo.newPage();
    await signInToTable(member, MEMBER, DEMO_MEMBER_PASSWORD);
    await member.getByRole('button', { name: de['app.signOut'] }).waitFor();
    await member.locator('#language').selectOption('en');
    await member.getByRole('button', { name: 'Sign out' }).waitFor();
    await member.getByRole('link', { name: 'API tokens' }).click();
    await member.getByRole('button', { name: 'Create token' }).click();
    const create = member.getByRole('dialog');
    await create.getByLabel('Name').fill('e2e deploy');
    await create.getByRole('radio', { name: /^Users/ }).check();
    await create.getByRole('button', { name: 'Create', exact: true }).click();
    const secretField = member.getByLabel('Your API token');
    await secretField.waitFor();
    const token = await secretField.inputValue();
    assert.match(token, /^\d+_[\w-]{43}$/);
    await member.getByRole('button', { name: "OK, I've copied the token" }).click();

    assert.equal(await apiKeyStatus(token), 200, 'the token works like curl would use it');

    const admin = await demo.newPage();
    await signInToTable(admin, demo.bff.config.demoAdmin.email, demo.bff.config.demoAdmin.password);
    const deleteMember = async () => {
      await admin.getByRole('searchbox', { name: 'Email' }).fill(MEMBER);
      await admin.getByText('Showing 1 - 1 of 1 entries').waitFor();
      await admin.getByRole('button', { name: `Actions for ${MEMBER}` }).click();
      await admin.getByRole('menuitem', { name: 'Delete' }).click();
      await admin.getByRole('alertdialog').getByRole('button', { name: 'Delete user' }).click();
    };
    await deleteMember();
    await admin
      .getByText("You can't remove the user as they have active tokens.")
      .first()
      .waitFor();

    await admin.getByRole('button', { name: 'Show their tokens' }).click();
    await admin.getByRole('heading', { name: 'API tokens' }).waitFor();
    await admin.getByRole('button', { name: 'Actions for token e2e deploy' }).click();
    await admin.getByRole('menuitem', { name: 'Delete' }).click();
    await admin.getByRole('alertdialog').getByRole('button', { name: 'Delete token' }).click();
    await admin.getByText('The token "e2e deploy" was deleted').waitFor();
    assert.equal(await apiKeyStatus(token), 401, 'refused on the very next request');

    await admin.getByRole('link', { name: 'Users' }).click();
    await deleteMember();
    await admin.getByText(`${MEMBER} was removed from the account`).waitFor();

    await admin.getByRole('link', { name: 'API tokens' }).click();
    await admin.getByLabel('Status').selectOption({ label: 'Deleted' });
    const row = admin.getByRole('row', { name: /e2e deploy/ });
    await row.waitFor();
    const issuer = row.locator('s').first();
    await issuer.hover();
    await admin.getByText('The user has been deleted').first().waitFor({ state: 'visible' });
    const decoration = await issuer.evaluate((el) => getComputedStyle(el).textDecorationLine);
    assert.match(decoration, /line-through/);
  });
});
