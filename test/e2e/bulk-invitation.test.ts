import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { openDemo, signIn, type Demo } from '../support/demo.ts';

/**
 * "Invite several" in the built demo: the administrator pastes addresses and chooses a CSV file,
 * sees the preview (one of them already a member), sends, and finds the new people in the Users
 * list and their invitations in the demo mailbox, one each.
 */
describe('inviting several people in the demo', () => {
  let demo: Demo;

  before(async () => {
    demo = await openDemo();
  });
  after(() => demo?.close());

  it('previews, sends, lists the invitees and delivers one email each', async () => {
    const stamp = Date.now();
    const [ann, ben, cid] = ['ann', 'ben', 'cid'].map((n) => `e2e-${n}-${stamp}@several.test`);
    const admin = await demo.newPage();
    await admin.goto(`${demo.bff.url}/`);
    await signIn(admin, demo.bff.config.demoAdmin.email, demo.bff.config.demoAdmin.password);
    await admin.getByText(/Showing 1 - 10 of \d+ entries/).waitFor();

    await admin.getByRole('button', { name: 'Invite user' }).click();
    const dialog = admin.getByRole('dialog');
    await dialog.getByRole('radio', { name: 'Invite several' }).check();
    await dialog.getByLabel('Email addresses').fill(`Ann Able <${ann}>; alice@acme.test\n${ben}`);
    await dialog.getByLabel('Or choose a CSV file').setInputFiles({
      name: 'people.csv',
      mimeType: 'text/csv',
      buffer: Buffer.from(`email,name,role,lang\n${cid},Cid Csv,Engineers,de\n`),
    });
    await dialog.getByText('Rows in people.csv: 1').waitFor();
    await dialog.getByRole('button', { name: 'Preview' }).click();
    await dialog.getByText('3 of 4 ready to invite').waitFor();
    await dialog.getByRole('cell', { name: 'Already a member' }).waitFor();

    await dialog.getByRole('button', { name: 'Send invitations (3)' }).click();
    await dialog.getByText('Invited: 3 of 4').waitFor();
    await admin.getByText('Invitations sent: 3').waitFor();
    assert.equal(
      await dialog.getByRole('button', { name: /^Resend the invitation to/ }).count(),
      3,
    );
    await dialog.getByRole('button', { name: 'Close' }).click();
    await dialog.waitFor({ state: 'hidden' });

    await admin.getByRole('searchbox', { name: 'Email' }).fill(`-${stamp}@several.test`);
    await admin.getByText('Showing 1 - 3 of 3 entries').waitFor();
    const cidRow = admin.getByRole('row', { name: new RegExp(cid) });
    await cidRow.getByRole('cell', { name: 'Engineers', exact: true }).waitFor();
    await cidRow.getByRole('cell', { name: 'German', exact: true }).waitFor();
    await cidRow.getByRole('cell', { name: 'Not activated', exact: true }).first().waitFor();

    const mailbox = await demo.newPage();
    await mailbox.goto(`${demo.bff.url}/mailbox.html`);
    for (const email of [ann, ben, cid]) {
      await mailbox.locator('article', { hasText: email }).first().waitFor();
      assert.equal(await mailbox.locator('article', { hasText: email }).count(), 1, email);
    }
  });
});
