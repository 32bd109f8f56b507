import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { openDemo, signIn, type Demo } from '../support/demo.ts';

/**
 * The whole invitation loop in the built demo, as people would do it: the administrator invites a
 * new person, the email appears in the demo mailbox, its link opens the acceptance view, the person
 * sets a password and signs in, and the administrator sees them turn Active.
 */
describe('inviting a new person in the demo', () => {
  let demo: Demo;

  before(async () => {
    demo = await openDemo();
  });
  after(() => demo?.close());

  it('invites, delivers, accepts, signs in and shows Active', async () => {
    const email = `e2e-${Date.now()}@newcomer.test`;
    const admin = await demo.newPage();
    await admin.goto(`${demo.bff.url}/`);
    await signIn(admin, demo.bff.config.demoAdmin.email, demo.bff.config.demoAdmin.password);
    await admin.getByText(/Showing 1 - 10 of \d+ entries/).waitFor();

    await admin.getByRole('button', { name: 'Invite user' }).click();
    const dialog = admin.getByRole('dialog');
    await dialog.getByLabel('Name').fill('Erin Newcomer');
    await dialog.getByLabel('Email').fill(email);
    await dialog.getByRole('radio', { name: /^Engineers/ }).check();
    await dialog.getByRole('button', { name: 'Invite user' }).click();
    await admin.getByText(`Invitation sent to ${email}`).waitFor();
    await dialog.waitFor({ state: 'hidden' });

    const newcomer = await demo.newPage();
    await newcomer.goto(`${demo.bff.url}/mailbox.html`);
    const message = newcomer.locator('article', { hasText: email });
    await message.waitFor();
    const link = message.getByRole('link', { name: /token=/ }).first();
    const href = await link.getAttribute('href');
    assert.ok(href?.startsWith(`${demo.bff.url}/?token=`), href ?? 'no link');
    await link.click();

    await newcomer.getByRole('heading', { name: 'Join Acme Cloud' }).waitFor();
    await newcomer.getByLabel('Password', { exact: true }).fill('a long and unusual passphrase');
    await newcomer.getByLabel('Repeat password').fill('a long and unusual passphrase');
    await newcomer.getByRole('button', { name: 'Accept' }).click();
    await newcomer.getByText('Your access to Acme Cloud is ready. Sign in.').waitFor();
    assert.equal(
      new URL(newcomer.url()).searchParams.get('token'),
      null,
      'the token leaves the address bar',
    );

    await signIn(newcomer, email, 'a long and unusual passphrase');
    await newcomer.getByRole('table').waitFor();
    await newcomer.getByRole('searchbox', { name: 'Email' }).fill(email);
    await newcomer.getByRole('cell', { name: email, exact: true }).waitFor();

    await admin.reload();
    await admin.getByRole('table').waitFor();
    await admin.getByRole('searchbox', { name: 'Email' }).fill(email);
    await admin.getByText('Showing 1 - 1 of 1 entries').waitFor();
    const row = admin.getByRole('row', { name: new RegExp(email) });
    await row.getByRole('cell', { name: 'Active', exact: true }).waitFor();
  });
});
