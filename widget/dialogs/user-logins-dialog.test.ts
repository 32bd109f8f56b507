/// <reference types="mocha" />
import { expect, fixture, html, waitUntil } from '@open-wc/testing';
import { sendKeys } from '@web/test-runner-commands';
import '../user-management.ts';
import type { UserManagement } from '../user-management.ts';
import {
  describeElement,
  focused,
  login,
  newMember,
  panel,
  rows,
  settled,
  typeInto,
} from '../../test/widget/helpers.ts';
import { tryLogin } from '../../test/widget/totp.ts';

const EMAIL = 1;

/** The machine is shared and slow: a request after a debounce can take more than a second. */
function wait(predicate: () => unknown, message: string) {
  return waitUntil(predicate, message, { timeout: 5000 });
}

async function render(access: string, email: string): Promise<UserManagement> {
  const el = await fixture<UserManagement>(
    html`<user-management api="/bff" panel="users" .token=${access}></user-management>`,
  );
  await settled(el);
  typeInto(panel(el).querySelector<HTMLInputElement>('input[name="email"]')!, email);
  await wait(() => rows(el).length === 1 && rows(el)[0][EMAIL] === email, `no row ${email}`);
  return el;
}

function menu(el: UserManagement) {
  const host = panel(el).querySelector('tbody tr[part="row"] um-row-menu');
  const shadow = host?.shadowRoot;
  return {
    trigger: shadow?.querySelector<HTMLButtonElement>('[part~="menu-button"]') ?? null,
    items: () => [...(shadow?.querySelectorAll<HTMLButtonElement>('[role="menuitem"]') ?? [])],
  };
}

function dialog(el: UserManagement): ShadowRoot {
  return panel(el).querySelector('um-user-logins-dialog')!.shadowRoot!;
}

function loginRows(el: UserManagement): string[][] {
  const section = dialog(el).querySelector('um-last-logins-section')?.shadowRoot;
  return [...(section?.querySelectorAll('tbody tr[part="row"]') ?? [])].map((row) =>
    [...row.querySelectorAll('td')].map((cell) => cell.textContent!.replace(/\s+/g, ' ').trim()),
  );
}

describe("An administrator's view of a member's logins", () => {
  let adminAccess: string;

  before(async () => {
    adminAccess = (await login()).access;
  });

  it("opens from the row menu and lists that member's sign-ins, with reasons and filters", async () => {
    const member = await newMember(adminAccess, 'admin-view');
    await tryLogin({ username: member.email, password: 'not-the-password' });
    const el = await render(adminAccess, member.email);
    await wait(() => menu(el).trigger, 'no row menu');
    const { trigger, items } = menu(el);
    trigger!.click();
    await wait(() => trigger!.getAttribute('aria-expanded') === 'true', 'the menu did not open');
    const item = items().find((button) => button.textContent!.trim() === 'Last logins');
    expect(item, 'a Last logins item').not.to.equal(undefined);
    item!.click();

    await wait(() => dialog(el).querySelector('dialog')?.open, 'the dialog did not open');
    expect(dialog(el).querySelector('h2')!.textContent!.trim()).to.equal(
      `Last logins: ${member.email}`,
    );
    await wait(() => loginRows(el).length === 2, "the member's sign-ins did not load");
    expect(loginRows(el).map((row) => row[3])).to.deep.equal(['Failed: Wrong password', 'Success']);
    const section = dialog(el).querySelector('um-last-logins-section')!.shadowRoot!;
    expect(section.querySelector('[role="search"]'), 'the filters').not.to.equal(null);
    expect(dialog(el).querySelector('.shared'), 'a member of this account alone').to.equal(null);
    expect(focused()).to.equal(describeElement(dialog(el).querySelector('[data-action="close"]')));
    await expect(el).to.be.accessible();

    await sendKeys({ press: 'Escape' });
    await wait(() => !dialog(el).querySelector('dialog')?.open, 'Escape did not close it');
    expect(
      dialog(el).querySelector('um-last-logins-section'),
      'nothing loads while closed',
    ).to.equal(null);
    expect(focused()).to.equal(describeElement(trigger));
  });

  it("offers no Last logins on one's own row: the Account panel has it", async () => {
    const auth = { headers: { Authorization: `Bearer ${adminAccess}` } };
    const me = (await (await fetch('/bff/iam/clients/me', auth)).json()) as { currentUser: number };
    const self = (await (await fetch(`/bff/iam/users/${me.currentUser}`, auth)).json()) as {
      email: string;
    };
    const el = await render(adminAccess, self.email);
    await wait(() => menu(el).trigger, 'no row menu');
    menu(el).trigger!.click();
    await wait(() => menu(el).items().length > 0, 'no menu items');
    expect(
      menu(el)
        .items()
        .map((button) => button.textContent!.trim()),
    ).to.deep.equal(['Edit']);
  });

  it('offers nothing of the kind to a member who is not an Administrator', async () => {
    const member = await newMember(adminAccess, 'not-admin-view');
    const el = await render(member.access, member.email);
    expect(panel(el).querySelector('um-row-menu')).to.equal(null);
    expect(
      panel(el).querySelector('um-user-logins-dialog')!.shadowRoot!.querySelector('h2'),
    ).to.equal(null);
  });
});
