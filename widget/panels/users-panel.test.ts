/// <reference types="mocha" />
import { expect, fixture, html, waitUntil } from '@open-wc/testing';
import { sendKeys, setViewport } from '@web/test-runner-commands';
import '../user-management.ts';
import type { UserManagement } from '../user-management.ts';
import {
  acceptInvitation,
  column,
  countUsers,
  deepActiveElement,
  describeElement,
  focused,
  invitationState,
  invitationToken,
  invite,
  login,
  panel,
  uniqueEmail,
  rows,
  select,
  setDelays,
  settled,
  summary,
  summaryIs,
  table,
  typeInto,
  expectAccessible,
} from '../../test/widget/helpers.ts';

const COLUMNS = ['ID', 'Email', 'Name', 'Role', 'Language', 'Status', 'Two-Factor authentication'];
const [ID, EMAIL, NAME, ROLE, LANGUAGE, STATUS, TWO_FA] = COLUMNS.map((_, i) => i);

let access: string;
let total: number;

async function render(api = '/bff'): Promise<UserManagement> {
  const el = await fixture<UserManagement>(
    html`<user-management api=${api} .token=${access}></user-management>`,
  );
  await settled(el);
  return el;
}

function input(el: UserManagement, name: string): HTMLInputElement {
  return panel(el).querySelector<HTMLInputElement>(`input[name="${name}"]`)!;
}

function selectEl(el: UserManagement, name: string): HTMLSelectElement {
  return panel(el).querySelector<HTMLSelectElement>(`select[name="${name}"]`)!;
}

function multiSelect(el: UserManagement, filter: 'role' | 'lang') {
  const host = panel(el).querySelector(`um-multi-select[data-filter="${filter}"]`)!;
  const shadow = host.shadowRoot!;
  return {
    trigger: shadow.querySelector<HTMLButtonElement>('button')!,
    popup: shadow.querySelector<HTMLElement>('fieldset')!,
    box: (label: string) =>
      [...shadow.querySelectorAll('label')]
        .find((l) => l.textContent!.trim() === label)!
        .querySelector('input')!,
    update: () => (host as HTMLElement & { updateComplete: Promise<unknown> }).updateComplete,
  };
}

function pageButton(el: UserManagement, page: string): HTMLButtonElement {
  return panel(el).querySelector<HTMLButtonElement>(`[part="pagination"] [data-page="${page}"]`)!;
}

function currentPage(el: UserManagement): string | undefined {
  return panel(el).querySelector('[aria-current="page"]')?.textContent?.trim();
}

describe('Users panel', () => {
  before(async () => {
    access = (await login()).access;
    total = await countUsers(access);
    // The demo seed has about 30 users: enough for three pages of ten.
    expect(total).to.be.greaterThan(20);
  });

  it("shows 'Showing 1 - 10 of N entries' for the seeded account", async () => {
    const el = await render();
    expect(summary(el)).to.equal(`Showing 1 - 10 of ${total} entries`);
    expect(rows(el)).to.have.length(10);
    expect(panel(el).querySelector('h2')!.textContent!.trim()).to.equal('Users');
  });

  it('never makes the page wider than a phone, not even with its hidden Actions label', async () => {
    await setViewport({ width: 375, height: 800 });
    try {
      const el = await render();
      await waitUntil(() => panel(el).querySelector('um-row-menu'), 'no row menus');
      expect(document.documentElement.scrollWidth).to.be.at.most(window.innerWidth);
    } finally {
      await setViewport({ width: 800, height: 600 });
    }
  });

  it('has the columns of the Users list, with localized role, language, status and 2FA', async () => {
    const el = await render();
    const headers = [...table(el).querySelectorAll('thead th')].map((th) =>
      th.textContent!.replace(/[↑↓↕]/g, '').trim(),
    );
    // The last column holds the row menu "⋯"; its header is for screen readers only.
    expect(headers).to.deep.equal([...COLUMNS, 'Actions']);
    const admin = rows(el).find((cells) => cells[EMAIL] === 'admin@demo.test');
    expect(admin, 'the demo administrator is on the first page').to.not.equal(undefined);
    expect(admin![ROLE]).to.equal('Administrators');
    expect(admin![STATUS]).to.equal('Active');
    expect(['English', 'German', 'Chinese', 'Russian']).to.include(admin![LANGUAGE]);
    expect(['Activated', 'Not activated']).to.include(admin![TWO_FA]);
    expect(Number(admin![ID])).to.be.greaterThan(0);
  });

  it('narrows rows to emails containing the typed text, on the server', async () => {
    const el = await render();
    const expected = await countUsers(access, 'email=an');
    expect(expected).to.be.within(1, total - 1);
    typeInto(input(el, 'email'), 'an');
    await summaryIs(el, `Showing 1 - ${Math.min(10, expected)} of ${expected} entries`);
    expect(column(el, EMAIL).every((email) => email.includes('an'))).to.equal(true);
  });

  it('narrows rows by name, case-insensitively', async () => {
    const el = await render();
    const expected = await countUsers(access, 'name=keller');
    expect(expected).to.be.within(1, 10);
    typeInto(input(el, 'name'), 'KELLER');
    await summaryIs(el, `Showing 1 - ${expected} of ${expected} entries`);
    expect(column(el, NAME).every((name) => /keller/i.test(name))).to.equal(true);
  });

  it('narrows rows by ID', async () => {
    const el = await render();
    const someId = column(el, ID)[3];
    typeInto(input(el, 'id'), someId);
    await waitUntil(
      () => rows(el).length >= 1 && column(el, ID).every((id) => id.includes(someId)),
    );
    expect(column(el, ID)).to.include(someId);
  });

  it('asks for digits when the ID filter holds anything else, and keeps the table', async () => {
    const el = await render();
    typeInto(input(el, 'id'), '12a');
    await waitUntil(() => input(el, 'id').getAttribute('aria-invalid') === 'true');
    const describedBy = input(el, 'id').getAttribute('aria-describedby')!;
    expect(panel(el).getElementById(describedBy)!.textContent!.trim()).to.equal(
      'Enter up to 10 digits of a user ID.',
    );
    await new Promise((resolve) => setTimeout(resolve, 400));
    expect(summary(el)).to.equal(`Showing 1 - 10 of ${total} entries`);
    expect(panel(el).querySelector('tr.error')).to.equal(null);
  });

  it('still applies the email filter while the ID filter holds something other than digits', async () => {
    const el = await render();
    const expected = await countUsers(access, 'email=an');
    expect(expected).to.be.within(1, total - 1);
    typeInto(input(el, 'id'), '12a');
    typeInto(input(el, 'email'), 'an');
    await summaryIs(el, `Showing 1 - ${Math.min(10, expected)} of ${expected} entries`);
    expect(input(el, 'id').getAttribute('aria-invalid')).to.equal('true');
    expect(column(el, EMAIL).every((email) => email.includes('an'))).to.equal(true);
  });

  it('narrows rows to the roles picked in the Roles multi-select and counts them "n/5"', async () => {
    const el = await render();
    const roles = multiSelect(el, 'role');
    expect(roles.trigger.textContent).to.contain('0/5');
    const expected = await countUsers(access, 'role=5&role=2');
    roles.trigger.click();
    await roles.update();
    roles.box('Engineers').click();
    roles.box('Users').click();
    await summaryIs(el, `Showing 1 - ${Math.min(10, expected)} of ${expected} entries`);
    expect(roles.trigger.textContent).to.contain('2/5');
    expect(new Set(column(el, ROLE))).to.deep.equal(new Set(['Engineers', 'Users']));
  });

  it('narrows rows to the languages picked, out of four', async () => {
    const el = await render();
    const langs = multiSelect(el, 'lang');
    expect(langs.trigger.textContent).to.contain('0/4');
    expect(langs.popup.querySelectorAll('input[type="checkbox"]')).to.have.length(4);
    const expected = await countUsers(access, 'lang=de');
    langs.trigger.click();
    await langs.update();
    langs.box('German').click();
    await summaryIs(el, `Showing 1 - ${Math.min(10, expected)} of ${expected} entries`);
    expect(new Set(column(el, LANGUAGE))).to.deep.equal(new Set(['German']));
  });

  it('narrows rows by status', async () => {
    const el = await render();
    const status = selectEl(el, 'status');
    expect([...status.options].map((o) => o.textContent!.trim())).to.deep.equal([
      'All',
      'Active',
      'Not activated',
      'Invitation expired',
    ]);
    // Other test files invite people into the same server: the count is the server's, not the seed's.
    const expected = await countUsers(access, 'status=not_activated');
    expect(expected).to.be.within(1, total - 1);
    select(status, 'not_activated');
    await summaryIs(el, `Showing 1 - ${Math.min(10, expected)} of ${expected} entries`);
    expect(new Set(column(el, STATUS))).to.deep.equal(new Set(['Not activated']));
  });

  it('narrows rows by two-factor authentication', async () => {
    const el = await render();
    // Other test files enable 2FA for users of their own in the same server: count, don't assume.
    const expected = await countUsers(access, 'two_fa=true');
    expect(expected).to.be.greaterThan(0);
    select(selectEl(el, 'two_fa'), 'true');
    await summaryIs(el, `Showing 1 - ${Math.min(10, expected)} of ${expected} entries`);
    expect(new Set(column(el, TWO_FA))).to.deep.equal(new Set(['Activated']));
  });

  it('pages through the account with page numbers, previous and next', async () => {
    const el = await render();
    expect(currentPage(el)).to.equal('1');
    expect(pageButton(el, 'previous').disabled).to.equal(true);
    const firstPage = column(el, ID);
    pageButton(el, '2').click();
    await summaryIs(el, `Showing 11 - 20 of ${total} entries`);
    expect(currentPage(el)).to.equal('2');
    expect(column(el, ID)).to.not.include.members(firstPage);
    pageButton(el, 'next').click();
    await summaryIs(el, `Showing 21 - ${Math.min(30, total)} of ${total} entries`);
    pageButton(el, 'previous').click();
    await summaryIs(el, `Showing 11 - 20 of ${total} entries`);
  });

  it('keeps keyboard focus in the pager when Previous or Next becomes disabled', async () => {
    const el = await render();
    const count = await countUsers(access);
    const last = Math.ceil(count / 10);
    expect(last).to.be.greaterThan(2);

    pageButton(el, '2').click();
    await waitUntil(() => currentPage(el) === '2');
    await settled(el);
    pageButton(el, 'previous').focus();
    await sendKeys({ press: 'Enter' });
    await waitUntil(() => currentPage(el) === '1');
    expect(pageButton(el, 'previous').disabled).to.equal(true);
    await waitUntil(
      () => focused() === describeElement(pageButton(el, '1')),
      `focus is on ${focused()}, not on page 1`,
    );

    pageButton(el, String(last)).click();
    await waitUntil(() => currentPage(el) === String(last));
    await settled(el);
    pageButton(el, 'previous').click();
    await waitUntil(() => currentPage(el) === String(last - 1));
    await settled(el);
    pageButton(el, 'next').focus();
    await sendKeys({ press: 'Enter' });
    await waitUntil(() => currentPage(el) === String(last));
    expect(pageButton(el, 'next').disabled).to.equal(true);
    await waitUntil(
      () => focused() === describeElement(pageButton(el, String(last))),
      `focus is on ${focused()}, not on the last page`,
    );
  });

  it('shows as many rows as "Entries per page" asks, from the first page', async () => {
    const el = await render();
    pageButton(el, '2').click();
    await summaryIs(el, `Showing 11 - 20 of ${total} entries`);
    const perPage = panel(el).querySelector<HTMLSelectElement>('#per-page')!;
    expect([...perPage.options].map((o) => o.value)).to.deep.equal(['10', '25', '50', '100']);
    select(perPage, '25');
    await summaryIs(el, `Showing 1 - ${Math.min(25, total)} of ${total} entries`);
    expect(rows(el)).to.have.length(Math.min(25, total));
    expect(currentPage(el)).to.equal('1');
  });

  it('goes back to page 1 when a filter changes', async () => {
    const el = await render();
    pageButton(el, '2').click();
    await summaryIs(el, `Showing 11 - 20 of ${total} entries`);
    const expected = await countUsers(access, 'status=active');
    select(selectEl(el, 'status'), 'active');
    await summaryIs(el, `Showing 1 - 10 of ${expected} entries`);
    expect(currentPage(el)).to.equal('1');
  });

  it('orders by a column when its header is pressed, ascending then descending', async () => {
    const el = await render();
    const header = panel(el).querySelector<HTMLButtonElement>('th button[data-sort="email"]')!;
    const th = header.closest('th')!;
    expect(th.hasAttribute('aria-sort')).to.equal(false);
    header.click();
    await waitUntil(() => th.getAttribute('aria-sort') === 'ascending');
    await settled(el);
    const ascending = column(el, EMAIL);
    expect(ascending).to.deep.equal([...ascending].sort());
    header.click();
    await waitUntil(() => th.getAttribute('aria-sort') === 'descending');
    await settled(el);
    const descending = column(el, EMAIL);
    expect(descending).to.deep.equal([...descending].sort().reverse());
    // Descending starts from the other end of the whole list, not of the page.
    expect(descending[0] > ascending[ascending.length - 1]).to.equal(true);
  });

  it('shows a busy table with a loading row while a request is pending', async () => {
    const el = await fixture<UserManagement>(
      html`<user-management api="/bff-slow" .token=${access}></user-management>`,
    );
    expect(table(el).getAttribute('aria-busy')).to.equal('true');
    const loading = panel(el).querySelector('tr.loading');
    expect(loading, 'loading row').to.not.equal(null);
    expect(loading!.querySelector('[role="status"]')!.textContent!.trim()).to.equal(
      'Loading users…',
    );
    await settled(el);
    expect(rows(el)).to.have.length(10);
    expect(table(el).getAttribute('aria-busy')).to.equal('false');
  });

  it('shows only the answer to the latest filter when the older answer arrives last', async () => {
    // The older question is answered 2.5 s late, the newer one at once: the older answer reaches
    // the browser last, and only aborting or ignoring it keeps it out of the table.
    const OLD_MS = 2500;
    await setDelays([
      { match: 'status=not_activated', ms: OLD_MS },
      { match: 'status=invitation_expired', ms: 0 },
    ]);
    try {
      const el = await fixture<UserManagement>(
        html`<user-management api="/bff-slow" .token=${access}></user-management>`,
      );
      const statusSelect = selectEl(el, 'status');
      select(statusSelect, 'not_activated');
      await new Promise((resolve) => setTimeout(resolve, 200));
      select(statusSelect, 'invitation_expired');
      const expected = await countUsers(access, 'status=invitation_expired');
      const newer = `Showing 1 - ${Math.min(10, expected)} of ${expected} entries`;
      await summaryIs(el, newer);
      // Past the moment the older answer arrives.
      await new Promise((resolve) => setTimeout(resolve, OLD_MS));
      await settled(el);
      expect(summary(el)).to.equal(newer);
      expect(new Set(column(el, STATUS))).to.deep.equal(new Set(['Invitation expired']));
    } finally {
      await setDelays([]);
    }
  });

  it('says no user matches, and Clear filters brings every user back', async () => {
    const el = await render();
    typeInto(input(el, 'email'), 'no-such-user-anywhere');
    await waitUntil(() => panel(el).querySelector('tr.empty'), 'no empty state');
    expect(panel(el).querySelector('tr.empty')!.textContent).to.contain(
      'No users match these filters',
    );
    expect(summary(el)).to.equal('Showing 0 of 0 entries');
    const clear = [...panel(el).querySelectorAll<HTMLButtonElement>('tr.empty button')].find(
      (b) => b.textContent!.trim() === 'Clear filters',
    )!;
    clear.click();
    await summaryIs(el, `Showing 1 - 10 of ${total} entries`);
    expect(input(el, 'email').value).to.equal('');
  });

  it('opens a multi-select with Enter or Space, and Escape closes it and returns focus', async () => {
    const el = await render();
    const roles = multiSelect(el, 'role');
    expect(roles.trigger.getAttribute('aria-expanded')).to.equal('false');
    expect(roles.popup.hidden).to.equal(true);

    roles.trigger.focus();
    await sendKeys({ press: 'Enter' });
    await roles.update();
    expect(roles.trigger.getAttribute('aria-expanded')).to.equal('true');
    expect(roles.popup.hidden).to.equal(false);
    expect(focused()).to.equal(describeElement(roles.box('Administrators')));

    await sendKeys({ press: 'Space' });
    await summaryIs(
      el,
      `Showing 1 - ${await countUsers(access, 'role=1')} of ${await countUsers(access, 'role=1')} entries`,
    );
    expect(new Set(column(el, ROLE))).to.deep.equal(new Set(['Administrators']));

    await sendKeys({ press: 'Escape' });
    await roles.update();
    expect(roles.trigger.getAttribute('aria-expanded')).to.equal('false');
    expect(roles.popup.hidden).to.equal(true);
    expect(focused()).to.equal(describeElement(roles.trigger));

    await sendKeys({ press: 'Space' });
    await roles.update();
    expect(roles.trigger.getAttribute('aria-expanded')).to.equal('true');
    // A click elsewhere on the page closes it (the page is listened to while it is open).
    document.body.click();
    await roles.update();
    expect(roles.trigger.getAttribute('aria-expanded')).to.equal('false');
  });
});

describe('Users panel paging as the count changes', () => {
  before(async () => {
    access = (await login()).access;
  });

  it('shows the last page that exists when the count shrinks below the page asked for', async () => {
    const tag = `shrink${Date.now()}`;
    const emails = Array.from({ length: 11 }, (_, i) => `${tag}-${i}@invite.test`);
    for (const email of emails) await invite(access, email);
    const el = await render();
    select(selectEl(el, 'status'), 'not_activated');
    typeInto(input(el, 'email'), tag);
    await summaryIs(el, 'Showing 1 - 10 of 11 entries');
    // One of them accepts: ten are left and page 2 is gone, but the pager still offers it.
    await acceptInvitation(await invitationToken(emails[0]), {
      password: 'a-long-enough-passphrase',
    });
    pageButton(el, '2').click();
    await summaryIs(el, 'Showing 1 - 10 of 10 entries');
    expect(currentPage(el)).to.equal('1');
    expect(panel(el).querySelector('tr.empty')).to.equal(null);
    expect(rows(el)).to.have.length(10);
  });
});

describe('Users panel row menu', () => {
  before(async () => {
    access = (await login()).access;
  });

  /** The panel narrowed to one email, so the row under test is the only one. */
  async function renderRow(email: string): Promise<UserManagement> {
    const el = await render();
    await waitUntil(() => panel(el).querySelector('[data-action="invite"]'), 'me did not load');
    typeInto(input(el, 'email'), email);
    await waitUntil(() => rows(el).length === 1 && rows(el)[0][EMAIL] === email, `no row ${email}`);
    return el;
  }

  function menuOf(el: UserManagement, index = 0) {
    const row = panel(el).querySelectorAll('tbody tr[part="row"]')[index];
    const host = row.querySelector('um-row-menu');
    const shadow = host?.shadowRoot;
    return {
      host,
      trigger: shadow?.querySelector<HTMLButtonElement>('button[aria-haspopup="menu"]') ?? null,
      menu: shadow?.querySelector<HTMLElement>('[role="menu"]') ?? null,
      items: () => [...(shadow?.querySelectorAll<HTMLButtonElement>('[role="menuitem"]') ?? [])],
    };
  }

  it('offers Edit on every row, and Resend invite only on rows not yet active', async () => {
    const el = await render();
    select(selectEl(el, 'status'), 'active');
    await waitUntil(() => rows(el).length > 0 && column(el, STATUS).every((s) => s === 'Active'));
    await waitUntil(() => panel(el).querySelector('[data-action="invite"]'), 'me did not load');
    await settled(el);
    expect(panel(el).querySelectorAll('um-row-menu')).to.have.length(rows(el).length);
    expect(
      menuOf(el)
        .items()
        .map((item) => item.textContent!.trim()),
    ).to.deep.equal(['Edit']);

    for (const status of ['not_activated', 'invitation_expired']) {
      select(selectEl(el, 'status'), status);
      await waitUntil(() => rows(el).length > 0 && column(el, STATUS)[0] !== 'Active');
      await settled(el);
      const menus = panel(el).querySelectorAll('um-row-menu');
      expect(menus.length).to.equal(rows(el).length);
      const { trigger, items } = menuOf(el);
      expect(trigger!.getAttribute('aria-label')).to.equal(`Actions for ${rows(el)[0][EMAIL]}`);
      expect(items().map((item) => item.textContent!.trim())).to.deep.equal([
        'Edit',
        'Resend invite',
        'Delete',
      ]);
    }
  });

  it('shows no row menu to a member who is not an Administrator', async () => {
    const engineer = (
      await login({ username: 'alice@acme.test', password: 'demo-member-password' })
    ).access;
    const el = await fixture<UserManagement>(
      html`<user-management api="/bff" .token=${engineer}></user-management>`,
    );
    await settled(el);
    await waitUntil(() => el.shadowRoot!.querySelector('[part="toolbar"]')?.textContent);
    select(selectEl(el, 'status'), 'not_activated');
    await waitUntil(() => rows(el).length > 0 && column(el, STATUS)[0] === 'Not activated');
    expect(panel(el).querySelectorAll('um-row-menu')).to.have.length(0);
    expect(table(el).querySelectorAll('thead th')).to.have.length(COLUMNS.length);
  });

  it('opens from the keyboard, moves with the arrow keys, and Escape closes it and returns focus', async () => {
    const email = uniqueEmail('menu');
    await invite(access, email);
    const el = await renderRow(email);
    const { trigger, menu, items } = menuOf(el);
    expect(trigger!.getAttribute('aria-expanded')).to.equal('false');
    expect(menu!.matches(':popover-open')).to.equal(false);

    trigger!.focus();
    await sendKeys({ press: 'Enter' });
    await waitUntil(() => trigger!.getAttribute('aria-expanded') === 'true');
    expect(menu!.matches(':popover-open')).to.equal(true);
    expect(items().map((item) => item.textContent!.trim())).to.deep.equal([
      'Edit',
      'Resend invite',
      'Delete',
    ]);
    expect(focused()).to.equal(describeElement(items()[0]));
    // The arrows move and wrap around, and focus never leaves the menu.
    await sendKeys({ press: 'ArrowDown' });
    expect(focused()).to.equal(describeElement(items()[1]));
    await sendKeys({ press: 'ArrowDown' });
    expect(focused()).to.equal(describeElement(items()[2]));
    await sendKeys({ press: 'ArrowDown' });
    expect(focused()).to.equal(describeElement(items()[0]));
    await sendKeys({ press: 'ArrowUp' });
    expect(focused()).to.equal(describeElement(items()[2]));
    await sendKeys({ press: 'Home' });
    expect(focused()).to.equal(describeElement(items()[0]));
    await sendKeys({ press: 'End' });
    expect(focused()).to.equal(describeElement(items()[2]));

    await sendKeys({ press: 'Escape' });
    await waitUntil(() => trigger!.getAttribute('aria-expanded') === 'false');
    expect(menu!.matches(':popover-open')).to.equal(false);
    expect(focused()).to.equal(describeElement(trigger));

    await sendKeys({ press: 'ArrowDown' });
    await waitUntil(() => trigger!.getAttribute('aria-expanded') === 'true');
    expect(focused()).to.equal(describeElement(items()[0]));
    // A click elsewhere closes it.
    document.body.click();
    await waitUntil(() => trigger!.getAttribute('aria-expanded') === 'false');
  });

  it('Resend invite sends a new link, kills the old one and says so', async () => {
    const email = uniqueEmail('resend');
    await invite(access, email);
    const oldToken = await invitationToken(email);
    const el = await renderRow(email);
    const { trigger, items } = menuOf(el);
    trigger!.focus();
    await sendKeys({ press: 'Enter' });
    await waitUntil(() => deepActiveElement() === items()[0]);
    await sendKeys({ press: 'ArrowDown' });
    expect(focused()).to.equal(describeElement(items()[1]));
    await sendKeys({ press: 'Enter' });
    const status = panel(el).querySelector('[part="status"]')!;
    await waitUntil(
      () => status.textContent!.trim() === `A new invitation was sent to ${email}`,
      'no status message after the resend',
    );
    expect(focused(), 'focus stays on the row').to.equal(describeElement(menuOf(el).trigger));
    const newToken = await invitationToken(email, 2);
    expect(newToken).to.not.equal(oldToken);
    expect((await invitationState(oldToken)).state).to.equal('expired');
    expect((await invitationState(newToken)).state).to.equal('valid');
    expect(column(el, STATUS)).to.deep.equal(['Not activated']);
  });

  it("shows the BFF's refusal when the invitation was accepted meanwhile, and the row turns Active", async () => {
    const email = uniqueEmail('accepted');
    await invite(access, email);
    const token = await invitationToken(email);
    const el = await renderRow(email);
    await acceptInvitation(token, { password: 'a-long-enough-passphrase' });
    const { trigger, items } = menuOf(el);
    trigger!.click();
    await waitUntil(() => items()[0] === deepActiveElement());
    items()
      .find((item) => item.dataset.action === 'resend-invite')!
      .click();
    await waitUntil(() => panel(el).querySelector('[part="error"][role="alert"]'), 'no alert');
    expect(panel(el).querySelector('[role="alert"]')!.textContent!.trim()).to.equal(
      'This invitation has already been accepted.',
    );
    await waitUntil(() => column(el, STATUS)[0] === 'Active', 'the row did not refresh');
    expect(
      menuOf(el)
        .items()
        .map((item) => item.dataset.action),
    ).to.deep.equal(['edit', 'logins', 'delete']);
  });

  it('passes axe with a row menu open', async () => {
    const email = uniqueEmail('axe-menu');
    await invite(access, email);
    const el = await renderRow(email);
    const { trigger } = menuOf(el);
    const open = async () => {
      trigger!.click();
      await waitUntil(() => trigger!.getAttribute('aria-expanded') === 'true');
    };
    await open();
    await expectAccessible(el, open);
  });
});
