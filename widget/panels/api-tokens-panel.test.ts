/// <reference types="mocha" />
import { expect, fixture, html, oneEvent, waitUntil } from '@open-wc/testing';
import { resetMouse, sendMouse } from '@web/test-runner-commands';
import '../user-management.ts';
import type { UserManagement } from '../user-management.ts';
import type { UmTokenCreatedEvent } from '../events.ts';
import {
  fill,
  focused,
  newMember,
  select,
  setRole,
  type Member,
  setDelays,
  expectAccessible,
} from '../../test/widget/helpers.ts';
import {
  cellText,
  createDialog,
  createToken,
  deleteMember,
  deleteToken,
  listTokens,
  ownAccount,
  secretDialog,
  statusWithApiKey,
  tokenRow,
  tokenRows,
  tokensPanel,
  tokensSettled,
} from '../../test/widget/tokens.ts';

const COLUMNS = [
  'ID',
  'Token name',
  'Issued by',
  'Role',
  'Status',
  'Expire',
  'Description',
  'Start',
  'Last usage',
];
const [ID, NAME, ISSUER, ROLE, STATUS, EXPIRE, DESCRIPTION] = COLUMNS.map((_, i) => i);
const ALL_ROLES = [
  'Administrators',
  'Engineers',
  'Purge and Prefetch only (API+Web)',
  'Purge and Prefetch only (API)',
  'Users',
];

let adminAccess: string;
let clientId: number;

async function render(access = adminAccess): Promise<UserManagement> {
  const el = await fixture<UserManagement>(
    html`<user-management api="/bff" panel="api-tokens" .token=${access}></user-management>`,
  );
  await tokensSettled(el);
  return el;
}

function selectEl(el: UserManagement, name: string): HTMLSelectElement {
  return tokensPanel(el).querySelector<HTMLSelectElement>(`select[name="${name}"]`)!;
}

function selectedText(selectElement: HTMLSelectElement): string {
  return selectElement.selectedOptions[0]?.textContent?.trim() ?? '';
}

async function openCreate(el: UserManagement): Promise<ShadowRoot> {
  tokensPanel(el).querySelector<HTMLButtonElement>('[data-action="create-token"]')!.click();
  await waitUntil(
    () => createDialog(el).querySelector<HTMLDialogElement>('dialog.form')?.open,
    'the create dialog did not open',
  );
  return createDialog(el);
}

function offeredRoles(dialog: ShadowRoot): string[] {
  return [...dialog.querySelectorAll<HTMLInputElement>('input[name="role"]')].map((radio) =>
    dialog.querySelector(`label[for="${radio.id}"]`)!.textContent!.trim(),
  );
}

function chooseRole(dialog: ShadowRoot, label: string) {
  const radio = [...dialog.querySelectorAll<HTMLInputElement>('input[name="role"]')].find(
    (r) => dialog.querySelector(`label[for="${r.id}"]`)!.textContent!.trim() === label,
  )!;
  radio.click();
}

function submit(dialog: ShadowRoot) {
  dialog.querySelector<HTMLButtonElement>('[data-action="create"]')!.click();
}

async function secretShown(el: UserManagement): Promise<string> {
  await waitUntil(
    () => secretDialog(el).querySelector<HTMLDialogElement>('dialog.secret')?.open,
    'the one-time dialog did not open',
  );
  return secretDialog(el).querySelector<HTMLInputElement>('#token-secret')!.value;
}

/** Creates a token through the dialog (Never expire); returns the secret and the event's id. */
async function createThroughDialog(
  el: UserManagement,
  name: string,
  role?: string,
): Promise<{ secret: string; tokenId: number }> {
  const dialog = await openCreate(el);
  fill(dialog.querySelector<HTMLInputElement>('#token-name')!, name);
  dialog.querySelector<HTMLInputElement>('#expiration-never')!.click();
  if (role) chooseRole(dialog, role);
  const created = oneEvent(el, 'um-token-created') as Promise<UmTokenCreatedEvent>;
  submit(dialog);
  const event = await created;
  const secret = await secretShown(el);
  return { secret, tokenId: event.detail.tokenId };
}

function closeSecret(el: UserManagement) {
  secretDialog(el).querySelector<HTMLButtonElement>('[data-action="done"]')!.click();
}

function menuOf(el: UserManagement, tokenId: number) {
  const menu = tokenRow(el, tokenId)!.querySelector('um-row-menu')!;
  return {
    trigger: menu.shadowRoot!.querySelector<HTMLButtonElement>('[part~="menu-button"]')!,
    item: (action: string) =>
      menu.shadowRoot!.querySelector<HTMLButtonElement>(`[data-action="${action}"]`)!,
  };
}

function confirmDialog(el: UserManagement): ShadowRoot {
  return tokensPanel(el).querySelector('um-confirm-dialog')!.shadowRoot!;
}

async function askDelete(el: UserManagement, tokenId: number): Promise<ShadowRoot> {
  const menu = menuOf(el, tokenId);
  // An open row menu closes on any resize or scroll of the page, and one may still be on its way
  // from what came before (the axe check at 375 px and back, a dialog's focus given back): in CI
  // the menu once closed before this saw it open. Opened again until it is seen open.
  await waitUntil(
    () => {
      const open = menu.trigger.getAttribute('aria-expanded') === 'true';
      if (!open) menu.trigger.click();
      return open;
    },
    'the row menu did not open',
    { timeout: 3000 },
  );
  menu.item('delete').click();
  await waitUntil(
    () => confirmDialog(el).querySelector('dialog')?.open,
    'the confirmation did not open',
  );
  return confirmDialog(el);
}

describe('API tokens panel', () => {
  before(async () => {
    ({ access: adminAccess, clientId } = await ownAccount('Tokens panel'));
  });

  it('lists tokens with their columns; the Status filter starts at Active', async () => {
    const token = await createToken(adminAccess, {
      name: 'columns token',
      description: 'for the columns test',
      roleId: 5,
    });
    const dated = await createToken(adminAccess, {
      name: 'dated token',
      exp_date: '2031-03-15T23:59:59Z',
    });
    const el = await render();
    const headers = [...tokensPanel(el).querySelectorAll('thead th')].map((th) =>
      th.textContent!.trim(),
    );
    expect(headers).to.deep.equal([...COLUMNS, 'Actions']);
    expect(selectedText(selectEl(el, 'status'))).to.equal('Active');
    const row = tokenRow(el, token.id)!;
    const cells = [...row.querySelectorAll('td')].map(cellText);
    expect(cells[ID]).to.equal(String(token.id));
    expect(cells[NAME]).to.equal('columns token');
    expect(cells[ISSUER]).to.contain('admin@demo.test');
    expect(cells[ROLE]).to.equal('Engineers');
    expect(cells[STATUS]).to.equal('Active');
    expect(cells[EXPIRE]).to.equal('Never');
    expect(cells[DESCRIPTION]).to.equal('for the columns test');
    expect(cells[8]).to.equal('Not used yet');
    const datedCells = [...tokenRow(el, dated.id)!.querySelectorAll('td')].map(cellText);
    expect(datedCells[EXPIRE]).to.equal('Mar 15, 2031');
    // Newest first, as the server lists them.
    expect(tokenRows(el)[0][ID]).to.equal(String(dated.id));
    expect(tokensPanel(el).querySelector('[part="summary"]')!.textContent!.trim()).to.match(
      /^Showing 1 - \d+ of \d+ tokens$/,
    );
    // Admins filter by issuer too.
    expect(selectEl(el, 'issuer')).to.not.equal(null);
  });

  it('shows deleted tokens under Status "Deleted" only, and filters by role', async () => {
    const gone = await createToken(adminAccess, { name: 'gone token' });
    const engineerToken = await createToken(adminAccess, { name: 'role filter', roleId: 5 });
    await deleteToken(adminAccess, gone.id);
    const el = await render();
    expect(tokenRow(el, gone.id)).to.equal(null);
    select(selectEl(el, 'status'), 'deleted');
    await tokensSettled(el);
    await waitUntil(() => tokenRow(el, gone.id), 'the deleted token is not listed');
    expect(tokenRows(el).every((cells) => cells[STATUS] === 'Deleted')).to.equal(true);
    expect(tokenRow(el, gone.id)!.querySelector('um-row-menu')).to.equal(null);
    select(selectEl(el, 'status'), 'active');
    await tokensSettled(el);
    select(selectEl(el, 'role'), '5');
    await waitUntil(() => tokenRow(el, engineerToken.id), 'the Engineers token is not listed');
    expect(tokenRows(el).every((cells) => cells[ROLE] === 'Engineers')).to.equal(true);
  });

  it('shows a token past its expiration under Status "Expired"', async () => {
    const soon = await createToken(adminAccess, {
      name: 'short-lived',
      exp_date: new Date(Date.now() + 1500).toISOString(),
    });
    await new Promise((resolve) => setTimeout(resolve, 2000));
    const el = await render();
    expect(tokenRow(el, soon.id), 'an expired token is not Active').to.equal(null);
    select(selectEl(el, 'status'), 'expired');
    await waitUntil(() => tokenRow(el, soon.id), 'the expired token is not listed');
    expect(tokenRows(el).every((cells) => cells[STATUS] === 'Expired')).to.equal(true);
    expect(await statusWithApiKey(soon.token)).to.equal(401);
  });

  it('pages the list on the client: 10 a page, then 25', async () => {
    const { access } = await ownAccount('Tokens paging');
    for (let i = 1; i <= 12; i++) await createToken(access, { name: `page token ${i}` });
    const el = await render(access);
    const summary = () => tokensPanel(el).querySelector('[part="summary"]')!.textContent!.trim();
    expect(summary()).to.equal('Showing 1 - 10 of 12 tokens');
    expect(tokenRows(el)).to.have.length(10);
    tokensPanel(el).querySelector<HTMLButtonElement>('[data-page="2"]')!.click();
    await waitUntil(() => summary() === 'Showing 11 - 12 of 12 tokens', summary());
    expect(tokenRows(el).map((cells) => cells[NAME])).to.deep.equal([
      'page token 2',
      'page token 1',
    ]);
    select(tokensPanel(el).querySelector<HTMLSelectElement>('#tokens-per-page')!, '25');
    await waitUntil(() => summary() === 'Showing 1 - 12 of 12 tokens', summary());
  });

  it('creates a token as an Administrator with each role offered', async () => {
    const el = await render();
    const dialog = await openCreate(el);
    expect(offeredRoles(dialog)).to.deep.equal(ALL_ROLES);
    dialog.querySelector<HTMLButtonElement>('footer button:not([data-action])')!.click();
    for (const role of ALL_ROLES) {
      const { tokenId } = await createThroughDialog(el, `role ${role}`, role);
      closeSecret(el);
      await waitUntil(() => tokenRow(el, tokenId), `the ${role} token is not listed`);
      expect(cellText(tokenRow(el, tokenId)!.querySelectorAll('td')[ROLE])).to.equal(role);
    }
    const live = await listTokens(adminAccess);
    for (const role of ALL_ROLES) {
      expect(live.find((t) => t.name === `role ${role}`)?.client_user.role.name).to.equal(role);
    }
  });

  it('offers an Engineer only Engineers and lower, and no Issuer filter', async () => {
    const engineer = await newMember(adminAccess, 'engineer-tokens', {
      user_role: { id: 5, name: 'Engineers' },
    });
    const el = await render(engineer.access);
    expect(selectEl(el, 'issuer')).to.equal(null);
    const dialog = await openCreate(el);
    expect(offeredRoles(dialog)).to.deep.equal(ALL_ROLES.slice(1));
    // The lowest role is chosen to begin with.
    expect(dialog.querySelector<HTMLInputElement>('input[name="role"]:checked')!.value).to.equal(
      '2',
    );
  });

  it('shows the field error of a role the server refuses', async () => {
    const engineer = await newMember(adminAccess, 'demoted-tokens', {
      user_role: { id: 5, name: 'Engineers' },
    });
    const el = await render(engineer.access);
    const dialog = await openCreate(el);
    fill(dialog.querySelector<HTMLInputElement>('#token-name')!, 'too high');
    chooseRole(dialog, 'Engineers');
    // Meanwhile an Administrator makes them a Users member: Engineers is above them now.
    await setRole(adminAccess, clientId, engineer.userId, 2);
    submit(dialog);
    await waitUntil(() => dialog.querySelector('#role-error'), 'no role error shown');
    expect(dialog.querySelector('#role-error')!.textContent!.trim()).to.equal(
      'You cannot create a token with the role Engineers.',
    );
    expect(focused()).to.contain('token-role-5');
    expect(createDialog(el).querySelector<HTMLDialogElement>('dialog.form')!.open).to.equal(true);
  });

  it('checks the form before sending: a name is required, and a day when it expires', async () => {
    const el = await render();
    const dialog = await openCreate(el);
    const before = (await listTokens(adminAccess)).length;
    const date = dialog.querySelector<HTMLInputElement>('#token-date')!;
    fill(date, '');
    submit(dialog);
    await waitUntil(() => dialog.querySelector('#name-error'), 'no name error shown');
    expect(dialog.querySelector('#name-error')!.textContent!.trim()).to.equal(
      'Fill in this field.',
    );
    expect(dialog.querySelector('#date-error')!.textContent!.trim()).to.equal(
      'Choose the day the token expires.',
    );
    expect(focused()).to.contain('token-name');
    expect((await listTokens(adminAccess)).length).to.equal(before);
  });

  it('sends the end of the chosen day in UTC as the expiration', async () => {
    const el = await render();
    const dialog = await openCreate(el);
    fill(dialog.querySelector<HTMLInputElement>('#token-name')!, 'dated in the dialog');
    fill(dialog.querySelector<HTMLInputElement>('#token-date')!, '2032-07-09');
    const created = oneEvent(el, 'um-token-created') as Promise<UmTokenCreatedEvent>;
    submit(dialog);
    const { detail } = await created;
    const token = (await listTokens(adminAccess)).find((t) => t.id === detail.tokenId)!;
    expect(new Date(token.exp_date!).toISOString()).to.equal('2032-07-09T23:59:59.000Z');
    closeSecret(el);
    await waitUntil(() => tokenRow(el, detail.tokenId));
    expect(cellText(tokenRow(el, detail.tokenId)!.querySelectorAll('td')[EXPIRE])).to.equal(
      'Jul 9, 2032',
    );
  });

  it('shows the token once, copies it, and the token works with APIKey', async () => {
    const el = await render();
    const { secret, tokenId } = await createThroughDialog(el, 'one-time');
    expect(secret).to.match(new RegExp(`^${tokenId}_\\S{32,}$`));
    const shadow = secretDialog(el);
    expect(shadow.querySelector('#secret-text')!.textContent).to.contain(
      'Copy it now, we do not store tokens',
    );
    expect(shadow.querySelector<HTMLInputElement>('#token-secret')!.readOnly).to.equal(true);
    expect(focused()).to.contain('data-action="copy"');
    const copied: string[] = [];
    const original = Object.getOwnPropertyDescriptor(navigator.clipboard, 'writeText');
    Object.defineProperty(navigator.clipboard, 'writeText', {
      configurable: true,
      value: (text: string) => {
        copied.push(text);
        return Promise.resolve();
      },
    });
    try {
      shadow.querySelector<HTMLButtonElement>('[data-action="copy"]')!.click();
      await waitUntil(() => shadow.querySelector('.copied')!.textContent!.trim() === 'Copied');
    } finally {
      if (original) Object.defineProperty(navigator.clipboard, 'writeText', original);
      else delete (navigator.clipboard as { writeText?: unknown }).writeText;
    }
    expect(copied).to.deep.equal([secret]);
    expect(await statusWithApiKey(secret)).to.equal(200);
    closeSecret(el);
    await waitUntil(() => !shadow.querySelector('#token-secret'), 'the secret is still there');
    expect(shadow.querySelector<HTMLDialogElement>('dialog.secret')!.open).to.equal(false);
    // The secret part may itself contain "_" (base64url), so cut at the first one only.
    expect(shadow.innerHTML).to.not.contain(secret.slice(secret.indexOf('_') + 1));
    expect(focused()).to.contain('data-action="create-token"');
  });

  it('deletes a token after a confirmation; the next APIKey request is refused', async () => {
    const token = await createToken(adminAccess, { name: 'to delete' });
    expect(await statusWithApiKey(token.token)).to.equal(200);
    const el = await render();
    // Cancel first: nothing happens.
    let confirm = await askDelete(el, token.id);
    expect(confirm.querySelector('#confirm-message')!.textContent).to.contain('cannot be undone');
    expect(focused()).to.contain('data-action="cancel"');
    confirm.querySelector<HTMLButtonElement>('[data-action="cancel"]')!.click();
    await waitUntil(() => !confirm.querySelector('dialog')!.open);
    expect(await statusWithApiKey(token.token)).to.equal(200);
    confirm = await askDelete(el, token.id);
    confirm.querySelector<HTMLButtonElement>('[data-action="confirm"]')!.click();
    await waitUntil(() => !tokenRow(el, token.id), 'the deleted token is still listed');
    expect(tokensPanel(el).querySelector('[part="status"]')!.textContent!.trim()).to.equal(
      'The token "to delete" was deleted',
    );
    expect(await statusWithApiKey(token.token)).to.equal(401);
  });

  it('shows a slow deletion on its row, and a second press sends nothing', async () => {
    const token = await createToken(adminAccess, { name: 'slow to delete' });
    await setDelays([
      { match: `/tokens/${token.id}`, ms: 2000 },
      { match: '', ms: 0 },
    ]);
    try {
      const el = await fixture<UserManagement>(
        html`<user-management api="/bff-slow" panel="api-tokens" .token=${adminAccess}>
        </user-management>`,
      );
      await tokensSettled(el);
      await waitUntil(() => tokenRow(el, token.id), 'the token is not listed');
      const confirm = await askDelete(el, token.id);
      confirm.querySelector<HTMLButtonElement>('[data-action="confirm"]')!.click();
      await waitUntil(
        () => tokenRow(el, token.id)?.getAttribute('aria-busy') === 'true',
        'not busy',
      );
      const row = tokenRow(el, token.id)!;
      expect(row.querySelector('[part~="row-busy"]')!.textContent!.trim()).to.equal('Working…');
      const { trigger } = menuOf(el, token.id);
      expect(trigger.getAttribute('aria-disabled')).to.equal('true');
      trigger.click();
      expect(trigger.getAttribute('aria-expanded'), 'the menu opened while busy').to.equal('false');
      await waitUntil(() => !tokenRow(el, token.id), 'the row stayed', { timeout: 8000 });
      expect(tokensPanel(el).querySelector('[part="error"][role="alert"]')).to.equal(null);
    } finally {
      await setDelays([]);
    }
  });

  describe('a deleted issuer', () => {
    let member: Member;
    let tokenId: number;

    before(async () => {
      member = await newMember(adminAccess, 'deleted-issuer', { name: 'Gone Person' });
      const token = await createToken(member.access, { name: 'orphan' });
      tokenId = token.id;
      await deleteToken(member.access, token.id);
      await deleteMember(adminAccess, member.userId);
    });

    async function deletedRow() {
      const el = await render();
      select(selectEl(el, 'status'), 'deleted');
      await tokensSettled(el);
      await waitUntil(() => tokenRow(el, tokenId), 'the orphan token is not listed');
      const cell = tokenRow(el, tokenId)!.querySelectorAll('td')[ISSUER];
      const issuer = cell.querySelector<HTMLElement>('.deleted-issuer')!;
      const tip = tokensPanel(el).getElementById(issuer.getAttribute('aria-describedby')!)!;
      return { el, cell, issuer, tip };
    }

    const shown = (tip: HTMLElement) => getComputedStyle(tip).display !== 'none';

    it('is crossed out, with "The user has been deleted" on focus', async () => {
      const { cell, issuer, tip } = await deletedRow();
      expect(cellText(cell)).to.equal(`Gone Person ${member.email}`);
      const struck = [...cell.querySelectorAll('s')].map((s) => s.textContent!.trim());
      expect(struck).to.deep.equal(['Gone Person', member.email]);
      expect(getComputedStyle(cell.querySelector('s')!).textDecorationLine).to.contain(
        'line-through',
      );
      expect(tip.getAttribute('role')).to.equal('tooltip');
      expect(tip.textContent!.trim()).to.equal('The user has been deleted');
      expect(shown(tip)).to.equal(false);
      issuer.focus();
      expect(issuer.tabIndex).to.equal(0);
      expect(shown(tip)).to.equal(true);
      issuer.dispatchEvent(new KeyboardEvent('keydown', { key: 'Escape', bubbles: true }));
      expect(shown(tip)).to.equal(false);
      issuer.blur();
      expect(shown(tip)).to.equal(false);
    });

    it('shows the tooltip while the pointer is over the name', async () => {
      const { issuer, tip } = await deletedRow();
      issuer.scrollIntoView({ block: 'center' });
      const box = issuer.getBoundingClientRect();
      try {
        await sendMouse({
          type: 'move',
          position: [Math.round(box.x + box.width / 2), Math.round(box.y + box.height / 2)],
        });
        await waitUntil(() => shown(tip), 'the tooltip did not show on hover');
        await sendMouse({ type: 'move', position: [0, 0] });
        await waitUntil(() => !shown(tip), 'the tooltip stayed after the pointer left');
      } finally {
        await resetMouse();
      }
    });
  });

  it('passes axe on the panel, the create dialog, the one-time dialog and the confirmation', async function () {
    // Eight runs of axe: four states, each at the test's width and at 375 px.
    this.timeout(30_000);
    const el = await render();
    await expectAccessible(el);
    const dialog = await openCreate(el);
    submit(dialog);
    await waitUntil(() => dialog.querySelector('#name-error'));
    await expectAccessible(el);
    dialog.querySelector<HTMLButtonElement>('footer button:not([data-action])')!.click();
    await createThroughDialog(el, 'axe token');
    await expectAccessible(el);
    closeSecret(el);
    const [first] = await listTokens(adminAccess);
    await waitUntil(() => tokenRow(el, first.id));
    await askDelete(el, first.id);
    await expectAccessible(el);
    confirmDialog(el).querySelector<HTMLButtonElement>('[data-action="cancel"]')!.click();
  });
});
