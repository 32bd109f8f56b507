/// <reference types="mocha" />
import { expect, fixture, html, oneEvent, waitUntil } from '@open-wc/testing';
import '../user-management.ts';
import type { UserManagement } from '../user-management.ts';
import type { UmUserDeletedEvent } from '../events.ts';
import {
  countUsers,
  focused,
  newMember,
  panel,
  rows,
  setDelays,
  settled,
  type Member,
  expectAccessible,
} from '../../test/widget/helpers.ts';
import {
  createToken,
  ownAccount,
  tokenRow,
  tokenRows,
  tokensPanel,
  tokensSettled,
} from '../../test/widget/tokens.ts';

const EMAIL = 1;

let adminAccess: string;

async function render(): Promise<UserManagement> {
  const el = await fixture<UserManagement>(
    html`<user-management api="/bff" panel="users" .token=${adminAccess}></user-management>`,
  );
  await settled(el);
  // The row menus appear once the caller's role is known.
  await waitUntil(() => panel(el).querySelector('[data-action="invite"]'), 'me did not load');
  await settled(el);
  return el;
}

function rowOf(el: UserManagement, email: string): HTMLTableRowElement | undefined {
  return [...panel(el).querySelectorAll<HTMLTableRowElement>('tbody tr[part="row"]')].find(
    (row) => row.querySelectorAll('td')[EMAIL]?.textContent?.trim() === email,
  );
}

function menuOf(el: UserManagement, email: string) {
  const menu = rowOf(el, email)?.querySelector('um-row-menu');
  return {
    menu,
    trigger: menu?.shadowRoot!.querySelector<HTMLButtonElement>('[part~="menu-button"]'),
    items: () => [
      ...(menu?.shadowRoot!.querySelectorAll<HTMLButtonElement>('[role="menuitem"]') ?? []),
    ],
  };
}

function confirmDialog(el: UserManagement): ShadowRoot {
  return panel(el).querySelector('um-confirm-dialog')!.shadowRoot!;
}

async function askDelete(el: UserManagement, email: string): Promise<ShadowRoot> {
  const { trigger, items } = menuOf(el, email);
  trigger!.click();
  await waitUntil(() => trigger!.getAttribute('aria-expanded') === 'true');
  items()
    .find((item) => item.dataset.action === 'delete')!
    .click();
  await waitUntil(() => confirmDialog(el).querySelector('dialog')?.open, 'no confirmation');
  return confirmDialog(el);
}

describe('Deleting users', () => {
  let member: Member;

  before(async () => {
    ({ access: adminAccess } = await ownAccount('Delete users'));
    member = await newMember(adminAccess, 'to-delete');
  });

  it('offers Delete (in red) on other rows, never on your own', async () => {
    const el = await render();
    const { items } = menuOf(el, member.email);
    const del = items().find((item) => item.dataset.action === 'delete')!;
    expect(del.textContent!.trim()).to.equal('Delete');
    expect(del.classList.contains('danger')).to.equal(true);
    const own = menuOf(el, 'admin@demo.test');
    expect(own.items().some((item) => item.dataset.action === 'delete')).to.equal(false);
  });

  it('asks first; Cancel keeps the user', async () => {
    const el = await render();
    const confirm = await askDelete(el, member.email);
    expect(confirm.querySelector('#confirm-message')!.textContent).to.contain(member.email);
    expect(confirm.querySelector('#confirm-message')!.textContent).to.contain('cannot be undone');
    confirm.querySelector<HTMLButtonElement>('[data-action="cancel"]')!.click();
    await waitUntil(() => !confirm.querySelector('dialog')!.open);
    expect(focused()).to.contain('⋯');
    expect(await countUsers(adminAccess, `email=${encodeURIComponent(member.email)}`)).to.equal(1);
  });

  it('refuses while the user holds active tokens, and "Show their tokens" opens them', async () => {
    const holder = await newMember(adminAccess, 'token-holder');
    const other = await createToken(adminAccess, { name: 'admin token' });
    const theirs = await createToken(holder.access, { name: 'holder token' });
    const el = await render();
    const confirm = await askDelete(el, holder.email);
    confirm.querySelector<HTMLButtonElement>('[data-action="confirm"]')!.click();
    await waitUntil(() => panel(el).querySelector('[part="error"][role="alert"]'), 'no refusal');
    const alert = panel(el).querySelector('[role="alert"]')!;
    expect(alert.textContent).to.contain("You can't remove the user as they have active tokens.");
    const show = alert.querySelector<HTMLButtonElement>('[data-action="show-tokens"]')!;
    expect(show.textContent!.trim()).to.equal('Show their tokens');
    expect(focused()).to.contain('show-tokens');
    expect(rowOf(el, holder.email), 'the user is still listed').to.not.equal(undefined);
    show.click();
    await waitUntil(() => el.shadowRoot!.querySelector('um-api-tokens-panel'), 'no tokens panel');
    expect(el.panel).to.equal('api-tokens');
    expect(el.getAttribute('panel')).to.equal('api-tokens');
    await tokensSettled(el);
    await waitUntil(() => tokenRow(el, theirs.id), 'their token is not listed');
    expect(tokenRow(el, other.id), "someone else's token is listed").to.equal(null);
    expect(tokenRows(el)).to.have.length(1);
    const issuer = tokensPanel(el).querySelector<HTMLSelectElement>('select[name="issuer"]')!;
    expect(issuer.value).to.equal(String(holder.userId));
    expect(focused()).to.contain('tokens-heading');
  });

  it('removes a user without tokens and fires um-user-deleted', async () => {
    const leaving = await newMember(adminAccess, 'leaving');
    const el = await render();
    const confirm = await askDelete(el, leaving.email);
    const deleted = oneEvent(el, 'um-user-deleted') as Promise<UmUserDeletedEvent>;
    confirm.querySelector<HTMLButtonElement>('[data-action="confirm"]')!.click();
    expect((await deleted).detail.userId).to.equal(leaving.userId);
    await waitUntil(() => !rowOf(el, leaving.email), 'the user is still listed');
    expect(panel(el).querySelector('[part="status"]')!.textContent!.trim()).to.equal(
      `${leaving.email} was removed from the account`,
    );
    expect(rows(el).length).to.be.greaterThan(0);
    expect(await countUsers(adminAccess, `email=${encodeURIComponent(leaving.email)}`)).to.equal(0);
  });

  it('passes axe with the confirmation open, and with the refusal shown', async () => {
    const holder = await newMember(adminAccess, 'axe-holder');
    await createToken(holder.access, { name: 'axe holder token' });
    const el = await render();
    const confirm = await askDelete(el, holder.email);
    await expectAccessible(el);
    confirm.querySelector<HTMLButtonElement>('[data-action="confirm"]')!.click();
    await waitUntil(() => panel(el).querySelector('[data-action="show-tokens"]'));
    await expectAccessible(el);
  });

  it('shows a slow deletion on its row, and a second press sends nothing', async () => {
    const slow = await newMember(adminAccess, 'slow-delete');
    await setDelays([
      { match: `/client-users/${slow.userId}`, ms: 2000 },
      { match: '', ms: 0 },
    ]);
    try {
      const el = await fixture<UserManagement>(
        html`<user-management api="/bff-slow" .token=${adminAccess}></user-management>`,
      );
      await settled(el);
      await waitUntil(() => rowOf(el, slow.email)?.querySelector('um-row-menu'), 'no row menu');
      const confirm = await askDelete(el, slow.email);
      confirm.querySelector<HTMLButtonElement>('[data-action="confirm"]')!.click();
      await waitUntil(
        () => rowOf(el, slow.email)?.getAttribute('aria-busy') === 'true',
        'not busy',
      );
      const row = rowOf(el, slow.email)!;
      expect(row.querySelector('[part~="row-busy"]')!.textContent!.trim()).to.equal('Working…');
      const { trigger } = menuOf(el, slow.email);
      expect(trigger!.getAttribute('aria-disabled')).to.equal('true');
      trigger!.click();
      expect(trigger!.getAttribute('aria-expanded'), 'the menu opened while busy').to.equal(
        'false',
      );
      await waitUntil(() => !rowOf(el, slow.email), 'the row stayed', { timeout: 8000 });
      expect(panel(el).querySelector('[part="error"][role="alert"]')).to.equal(null);
      expect(panel(el).querySelector('[part~="status"]')!.textContent).to.contain(slow.email);
    } finally {
      await setDelays([]);
    }
  });
});
