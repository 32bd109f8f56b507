/// <reference types="mocha" />
import { expect, fixture, html, oneEvent, waitUntil } from '@open-wc/testing';
import '../user-management.ts';
import type { UserManagement } from '../user-management.ts';
import type { UmUsersInvitedEvent } from '../events.ts';
import {
  describeElement,
  fill,
  focused,
  inviteDialog,
  login,
  messagesTo,
  panel,
  requestsTo,
  root,
  rows,
  settled,
  typeInto,
  uniqueEmail,
  expectAccessible,
} from '../../test/widget/helpers.ts';

/** "Invite several" in the widget against the real BFF (demo seed; 1000 invitations a day). */

let adminAccess: string;

async function render(): Promise<UserManagement> {
  const el = await fixture<UserManagement>(
    html`<user-management api="/bff" .token=${adminAccess}></user-management>`,
  );
  await settled(el);
  await waitUntil(
    () => root(el).querySelector('[part="toolbar"]')?.textContent?.includes('Acme Cloud'),
    'the account did not load',
  );
  return el;
}

/** The "Invite several" element inside the open dialog. */
function bulk(el: UserManagement): ShadowRoot {
  const host = inviteDialog(el).querySelector('um-bulk-invite');
  if (!host?.shadowRoot) throw new Error('"Invite several" is not shown');
  return host.shadowRoot;
}

const statuses = (el: UserManagement) =>
  [...bulk(el).querySelectorAll('tbody tr')].map((tr) => tr.getAttribute('data-status'));

async function openSeveral(el: UserManagement) {
  panel(el).querySelector<HTMLButtonElement>('[data-action="invite"]')!.click();
  await waitUntil(() => inviteDialog(el).querySelector('dialog')?.open, 'the dialog did not open');
  inviteDialog(el).querySelector<HTMLInputElement>('input[value="several"]')!.click();
  await waitUntil(() => inviteDialog(el).querySelector('um-bulk-invite')?.shadowRoot, 'not loaded');
  await waitUntil(() => bulk(el).querySelector('#bulk-addresses'), 'no address field');
}

describe('Invite several', () => {
  before(async () => {
    adminAccess = (await login()).access;
  });

  it('opens from the Invite dialog with focus on the addresses, and Cancel closes the dialog', async () => {
    const el = await render();
    await openSeveral(el);
    await waitUntil(
      () => focused() === describeElement(bulk(el).querySelector('#bulk-addresses')),
      `focus is on ${focused()}`,
    );
    // The form asks only what applies to everyone: no Name or Email field.
    expect(bulk(el).querySelector('input[name="email"]')).to.equal(null);
    expect(bulk(el).querySelectorAll('input[name="user_role"]')).to.have.length(5);
    await expectAccessible(el);
    [...bulk(el).querySelectorAll('button')]
      .find((b) => b.textContent!.trim() === 'Cancel')!
      .click();
    await waitUntil(() => !inviteDialog(el).querySelector('dialog')!.open, 'still open');
  });

  it('previews, sends, refreshes the list once and emails each invited person once', async () => {
    const el = await render();
    const [one, two] = [uniqueEmail('several'), uniqueEmail('several')];
    await openSeveral(el);
    fill(
      bulk(el).querySelector<HTMLTextAreaElement>('#bulk-addresses') as unknown as HTMLInputElement,
      `Uma One <${one}>; alice@acme.test, ${two}, ${one}`,
    );
    bulk(el).querySelector<HTMLButtonElement>('[data-action="preview"]')!.click();
    await waitUntil(
      () => statuses(el).length === 4 && !statuses(el).includes('checking'),
      'the preview did not settle',
      { timeout: 5000 },
    );
    expect(statuses(el)).to.deep.equal(['valid', 'already_member', 'valid', 'duplicate']);

    performance.clearResourceTimings();
    const invited = oneEvent(el, 'um-users-invited') as Promise<UmUsersInvitedEvent>;
    bulk(el).querySelector<HTMLButtonElement>('[data-action="send"]')!.click();
    const event = await invited;
    expect(event.detail.invited.map((i) => i.email)).to.deep.equal([one, two]);
    await waitUntil(() => statuses(el).includes('invited'), 'no results');
    expect(statuses(el)).to.deep.equal(['invited', 'already_member', 'invited', 'duplicate']);
    await settled(el);
    await waitUntil(() => requestsTo('/iam/users?').length >= 1, 'the list did not refresh');
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(requestsTo('/iam/users?'), 'one refresh for the batch').to.have.length(1);
    expect(panel(el).querySelector('[part="status"]')!.textContent!.trim()).to.equal(
      'Invitations sent: 2',
    );

    // The results stay on screen with Resend: a second email to that person only.
    bulk(el).querySelector<HTMLButtonElement>('[data-action="resend"]')!.click();
    await waitUntil(() => bulk(el).querySelector('.resent'), 'no "Sent again"');
    expect(await messagesTo(one, 2)).to.have.length(2);
    expect(await messagesTo(two)).to.have.length(1);
    expect(await messagesTo('alice@acme.test', 0)).to.have.length(0);

    bulk(el).querySelector<HTMLButtonElement>('[data-action="again"]')!.click();
    inviteDialog(el).querySelector('dialog')!.close();
    typeInto(panel(el).querySelector<HTMLInputElement>('input[name="email"]')!, one);
    await waitUntil(() => rows(el).length === 1 && rows(el)[0][1] === one, 'no new row');
    expect(rows(el)[0][2]).to.equal('Uma One');
  });
});
