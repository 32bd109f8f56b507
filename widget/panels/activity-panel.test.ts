/// <reference types="mocha" />
import { expect, fixture, html, waitUntil } from '@open-wc/testing';
import '../user-management.ts';
import type { UserManagement } from '../user-management.ts';
import {
  ADMIN,
  invite,
  login,
  newMember,
  typeInto,
  uniqueEmail,
  expectAccessible,
} from '../../test/widget/helpers.ts';

/** The Activity panel inside `<user-management>`, against the real BFF (demo seed). */

function activity(el: UserManagement): ShadowRoot | null {
  return el.shadowRoot!.querySelector('um-activity-panel')?.shadowRoot ?? null;
}

function rowTexts(el: UserManagement): string[][] {
  return [...(activity(el)?.querySelectorAll('tbody tr[part="row"]') ?? [])].map((row) =>
    [...row.querySelectorAll('td')].map((cell) => cell.textContent!.replace(/\s+/g, ' ').trim()),
  );
}

describe('Activity panel (whole widget, real BFF)', () => {
  it('shows an Administrator what was just done in the account, and finds it by target', async () => {
    const { access } = await login();
    const email = uniqueEmail('activity');
    await invite(access, email, { name: 'Ada Activity' });
    const el = await fixture<UserManagement>(
      html`<user-management api="/bff" panel="users" .token=${access}></user-management>`,
    );
    el.panel = 'activity';
    await waitUntil(() => rowTexts(el).length > 0, 'no activity rows');
    expect(activity(el)!.querySelector('h2')!.textContent!.trim()).to.equal('Activity');
    // Other tests share the BFF: narrow the list to this invitation before reading it.
    typeInto(activity(el)!.querySelector<HTMLInputElement>('input[name="target"]')!, email);
    await waitUntil(() => rowTexts(el).length === 1, 'the target filter did not narrow the list');
    const [invited] = rowTexts(el);
    const actorCell = activity(el)!.querySelectorAll('tbody tr[part="row"] td')[1]!;
    expect(actorCell.getAttribute('title')).to.equal(ADMIN.username);
    expect(invited!.slice(2, 4)).to.deep.equal(['Invited a user', 'Ada Activity']);
    expect(invited![5]).to.equal('Session');
    await expectAccessible(el);
  });

  it('tells a member who is not an Administrator that the activity is not theirs to see', async () => {
    const { access } = await login();
    const member = await newMember(access, 'activity-member');
    const el = await fixture<UserManagement>(
      html`<user-management api="/bff" panel="activity" .token=${member.access}></user-management>`,
    );
    await waitUntil(() => activity(el)?.querySelector('.notice'), 'no notice');
    expect(activity(el)!.querySelector('.notice')!.textContent!.trim()).to.equal(
      'Only Administrators of this account see its activity.',
    );
  });
});
