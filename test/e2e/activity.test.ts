import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { after, before, describe, it } from 'node:test';
import { openDemo, signIn, type Demo } from '../support/demo.ts';
import { serveHost, type HostServer } from '../support/host-server.ts';

/**
 * The Activity panel of the built demo, used as an administrator would: invite someone, open
 * Activity, find the invitation there, narrow it down with the filters and download the CSV. On
 * the strict-CSP page (the policy of csp.test.ts: no inline script, Trusted Types), where the
 * download must work without any inline script.
 */
const STRICT_CSP = [
  "default-src 'self'",
  "style-src 'self'",
  "require-trusted-types-for 'script'",
  'trusted-types lit-html',
].join('; ');

describe('the Activity panel in the built demo', () => {
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

  it('shows an invitation just sent, filters down to it and exports it as CSV', async () => {
    const page = await demo.newPage();
    const problems: string[] = [];
    page.on('pageerror', (error) => problems.push(`uncaught: ${error.message}`));
    page.on('console', (message) => {
      if (/Content Security Policy|Trusted Type|Refused/i.test(message.text())) {
        problems.push(`console: ${message.text()}`);
      }
    });
    const admin = demo.bff.config.demoAdmin;
    await page.goto(`${host.url}/csp.html`);
    await signIn(page, admin.email, admin.password);
    await page.getByText(/Showing 1 - 10 of \d+ entries/).waitFor();

    const email = `activity-${Date.now()}@newcomer.test`;
    await page.getByRole('button', { name: 'Invite user' }).click();
    const dialog = page.getByRole('dialog');
    await dialog.getByLabel('Name').fill('Ivy Invitee');
    await dialog.getByLabel('Email').fill(email);
    await dialog.getByRole('button', { name: 'Invite user' }).click();
    await page.getByText(`Invitation sent to ${email}`).waitFor();

    await page.getByRole('link', { name: 'Activity' }).click();
    await page.getByRole('heading', { name: 'Activity' }).waitFor();
    const table = page.getByRole('table');
    const invited = table.getByRole('row', { name: /Ivy Invitee/ });
    await invited.waitFor();
    const cells = await invited.getByRole('cell').allInnerTexts();
    assert.equal(cells[2], 'Invited a user');
    assert.equal(cells[3], 'Ivy Invitee');
    assert.equal(cells[5], 'Session');
    // The newest row is on top: the invitation, or the sign-in's own rows after it never are.
    const first = await table.locator('tbody tr').first().getByRole('cell').allInnerTexts();
    assert.equal(first[2], 'Invited a user');

    await page.getByRole('combobox', { name: 'Action' }).selectOption('user.invited');
    await page.getByRole('searchbox', { name: 'Target' }).fill(email);
    await page.getByText('Showing 1 - 1 of 1 entries').waitFor();

    const download = page.waitForEvent('download');
    await page.getByRole('button', { name: 'Export CSV' }).click();
    const file = await download;
    assert.match(file.suggestedFilename(), /^activity-\d{4}-\d{2}-\d{2}\.csv$/);
    const csv = (await readFile((await file.path())!, 'utf8')).replace(/^\uFEFF/, '');
    const lines = csv.trimEnd().split('\r\n');
    assert.equal(lines.length, 2, csv);
    assert.match(lines[0]!, /^date,action,actor_id,actor_name,actor_email,via,/);
    assert.match(lines[1]!, new RegExp(`,user\\.invited,.*,session,.*,Ivy Invitee,${email},`));
    await page.getByText('The CSV file was downloaded.').waitFor();

    // The same person's History, in the Edit user dialog, reached with the keyboard.
    await page.getByRole('link', { name: 'Users' }).click();
    await page.getByRole('searchbox', { name: 'Email' }).fill(email);
    await page.getByText('Showing 1 - 1 of 1 entries').waitFor();
    await page.getByRole('button', { name: `Actions for ${email}` }).click();
    await page.getByRole('menuitem', { name: 'Edit' }).click();
    const edit = page.getByRole('dialog');
    // The dialog focuses Name once the member's values have loaded; only then go to the tabs, or
    // that focus would land after ours and the arrow key would move in the field instead.
    const name = edit.getByLabel('Name');
    for (let i = 0; i < 100 && !(await name.evaluate((el) => el.matches(':focus'))); i++) {
      await page.waitForTimeout(100);
    }
    await edit.getByRole('tab', { name: 'Profile', selected: true }).focus();
    await page.keyboard.press('ArrowRight');
    await edit.getByRole('tab', { name: 'History', selected: true }).waitFor();
    const history = edit.getByRole('tabpanel', { name: 'History' });
    await history.getByRole('row', { name: /Invited a user/ }).waitFor();
    assert.deepEqual(problems, []);
  });
});
