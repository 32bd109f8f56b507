/// <reference types="mocha" />
import { expect, fixture, html, waitUntil } from '@open-wc/testing';
import { sendKeys } from '@web/test-runner-commands';
import type { ActivityPage } from '../../shared/activity.ts';
import type { ClientMe } from '../../shared/clients.ts';
import { ROLE } from '../../shared/roles.ts';
import type { User } from '../../shared/users.ts';
import { describeElement, focused, expectAccessible } from '../../test/widget/helpers.ts';
import { recordingClient } from '../../test/widget/stub-client.ts';
import './edit-user-dialog.ts';
import type { UmEditUserDialog } from './edit-user-dialog.ts';

/** The caller: Administrator (user 1) of account 7. */
const ME: ClientMe = {
  id: 7,
  client_id: 7,
  companyName: 'Acme Cloud',
  name: 'Acme Cloud',
  currentUser: 1,
  currentUserRole: { id: ROLE.administrators, name: 'Administrators' },
  currentUserLang: 'en',
  users: [{ id: 1, email: 'admin@acme.test', name: 'Ada Admin' }],
  clients: [{ id: 7, companyName: 'Acme Cloud' }],
};

const JANE = {
  id: 42,
  email: 'jane@acme.test',
  name: 'Jane Doe',
  lang: 'en',
  groups: [{ id: ROLE.engineers, name: 'Engineers' }],
  status: 'active',
  shared_profile: false,
} as User;

const HISTORY: ActivityPage = {
  count: 1,
  next: null,
  previous: null,
  results: [
    {
      id: 9,
      date: '2026-12-01T09:30:00.000Z',
      action: 'user.role_changed',
      actor: { id: 1, name: 'Ada Admin', email: 'admin@acme.test' },
      via: 'session',
      token: null,
      target: { type: 'user', id: '42', name: 'Jane Doe', email: 'jane@acme.test' },
      ip: '203.0.113.7',
      request_id: null,
      details: {},
    },
  ],
};

async function openForJane(me: ClientMe = ME) {
  const { client, calls } = recordingClient({
    user: async () => JANE,
    cloudAssignments: async () => [],
    projects: async () => [],
    activity: async () => HISTORY,
  });
  const el = await fixture<UmEditUserDialog>(
    html`<um-edit-user-dialog .client=${client} .me=${me}></um-edit-user-dialog>`,
  );
  await el.show(JANE.id);
  return { el, calls };
}

const root = (el: UmEditUserDialog) => el.shadowRoot!;
const tab = (el: UmEditUserDialog, name: string) =>
  root(el).querySelector<HTMLButtonElement>(`#edit-${name}-tab`)!;

describe('um-edit-user-dialog: the History tab', () => {
  it("shows the member's history in its own tab, asked for only when chosen", async () => {
    const { el, calls } = await openForJane();
    const tablist = root(el).querySelector('[role="tablist"]')!;
    expect(tablist.getAttribute('aria-label')).to.equal('Edit user sections');
    expect(
      [...tablist.querySelectorAll('[role="tab"]')].map((t) => t.textContent!.trim()),
    ).to.deep.equal(['Profile', 'History']);
    expect(tab(el, 'profile').getAttribute('aria-selected')).to.equal('true');
    expect(tab(el, 'history').tabIndex).to.equal(-1);
    expect(calls.some(([method]) => method === 'activity')).to.equal(false);

    tab(el, 'history').click();
    await el.updateComplete;
    expect(tab(el, 'history').getAttribute('aria-selected')).to.equal('true');
    const profilePanel = root(el).querySelector<HTMLElement>('#edit-profile-panel')!;
    expect(profilePanel.hidden).to.equal(true);
    const historyPanel = root(el).querySelector<HTMLElement>('#edit-history-panel')!;
    expect(historyPanel.getAttribute('role')).to.equal('tabpanel');
    expect(historyPanel.getAttribute('aria-labelledby')).to.equal('edit-history-tab');
    const panel = historyPanel.querySelector('um-activity-panel')!;
    await waitUntil(() => panel.shadowRoot!.querySelector('tbody tr[part="row"]'), 'no history');
    const asked = calls.filter(([method]) => method === 'activity');
    expect(asked).to.have.length(1);
    expect(asked[0]![1]).to.include({ user_id: JANE.id, limit: 10, offset: 0 });
    expect(panel.shadowRoot!.querySelector('h3')!.textContent!.trim()).to.equal(
      'What Jane Doe did and what was done to them in this account',
    );
    await expectAccessible(el);
  });

  it('moves between the tabs with the arrow keys, Home and End', async () => {
    const { el } = await openForJane();
    tab(el, 'profile').focus();
    await sendKeys({ press: 'ArrowRight' });
    await el.updateComplete;
    expect(tab(el, 'history').getAttribute('aria-selected')).to.equal('true');
    expect(focused()).to.equal(describeElement(tab(el, 'history')));
    await sendKeys({ press: 'ArrowRight' }); // wraps around
    await el.updateComplete;
    expect(focused()).to.equal(describeElement(tab(el, 'profile')));
    await sendKeys({ press: 'End' });
    await el.updateComplete;
    expect(tab(el, 'history').getAttribute('aria-selected')).to.equal('true');
    await sendKeys({ press: 'Home' });
    await el.updateComplete;
    expect(tab(el, 'profile').getAttribute('aria-selected')).to.equal('true');
    expect(root(el).querySelector<HTMLElement>('#edit-profile-panel')!.hidden).to.equal(false);
  });

  it('opens on Profile again, and has no tabs for whoever may not read the trail', async () => {
    const { el } = await openForJane();
    tab(el, 'history').click();
    await el.show(JANE.id);
    expect(tab(el, 'profile').getAttribute('aria-selected')).to.equal('true');

    const engineer = { ...ME, currentUserRole: { id: ROLE.engineers, name: 'Engineers' } };
    const other = await openForJane(engineer);
    expect(root(other.el).querySelector('[role="tablist"]')).to.equal(null);
    expect(root(other.el).querySelector('.body')!.hasAttribute('role')).to.equal(false);
  });
});
