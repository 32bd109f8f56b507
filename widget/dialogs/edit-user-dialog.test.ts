/// <reference types="mocha" />
import { expect, fixture, html, oneEvent, waitUntil } from '@open-wc/testing';
import { sendKeys } from '@web/test-runner-commands';
import '../user-management.ts';
import type { UserManagement } from '../user-management.ts';
import type { UmUserUpdatedEvent } from '../events.ts';
import {
  cloudAssignments,
  createAccount,
  deepActiveElement,
  describeElement,
  editDialog,
  fill,
  focused,
  getUser,
  invite,
  login,
  newMember,
  panel,
  projects,
  root,
  rows,
  select,
  setRole,
  settled,
  switchAccount,
  typeInto,
  uniqueEmail,
  expectAccessible,
} from '../../test/widget/helpers.ts';

const [, EMAIL, NAME, ROLE, LANGUAGE] = [0, 1, 2, 3, 4];

let adminAccess: string;

async function render(access: string, company = 'Acme Cloud'): Promise<UserManagement> {
  const el = await fixture<UserManagement>(
    html`<user-management api="/bff" .token=${access}></user-management>`,
  );
  await settled(el);
  await waitUntil(
    () => root(el).querySelector('[part="toolbar"]')?.textContent?.includes(company),
    'the account did not load',
  );
  await el.updateComplete;
  return el;
}

/** The panel narrowed to one email, so the row under test is the only one. */
async function renderRow(email: string, access = adminAccess, company?: string) {
  const el = await render(access, company);
  typeInto(panel(el).querySelector<HTMLInputElement>('input[name="email"]')!, email);
  await waitUntil(() => rows(el).length === 1 && rows(el)[0][EMAIL] === email, `no row ${email}`);
  return el;
}

function menuOf(el: UserManagement) {
  const shadow = panel(el).querySelector('tbody tr[part="row"] um-row-menu')!.shadowRoot!;
  return {
    trigger: shadow.querySelector<HTMLButtonElement>('button[aria-haspopup="menu"]')!,
    items: () => [...shadow.querySelectorAll<HTMLButtonElement>('[role="menuitem"]')],
  };
}

function dialog(el: UserManagement): HTMLDialogElement {
  return editDialog(el).querySelector('dialog')!;
}

function field(el: UserManagement, selector: string) {
  return editDialog(el).querySelector<HTMLInputElement & HTMLSelectElement>(selector)!;
}

function alertText(el: UserManagement): string {
  return editDialog(el).querySelector('[role="alert"]')!.textContent!.replace(/\s+/g, ' ').trim();
}

/** Opens Edit from the row menu with the keyboard and waits for the user's values. */
async function openEdit(el: UserManagement) {
  const { trigger, items } = menuOf(el);
  trigger.focus();
  await sendKeys({ press: 'Enter' });
  await waitUntil(() => deepActiveElement() === items()[0], 'the menu did not open');
  expect(items()[0].textContent!.trim()).to.equal('Edit');
  await sendKeys({ press: 'Enter' });
  await waitUntil(() => editDialog(el).querySelector('dialog')?.open, 'the dialog did not open');
  await waitUntil(
    () => editDialog(el).querySelector('um-user-form input[name="name"]'),
    'the user did not load',
  );
  await waitUntil(() => focused() === describeElement(field(el, 'input[name="name"]')));
}

function save(el: UserManagement) {
  editDialog(el).querySelector<HTMLButtonElement>('button[type="submit"]')!.click();
}

describe('Edit user dialog', () => {
  let projectList: { id: number; name: string }[];

  before(async () => {
    adminAccess = (await login()).access;
    projectList = await projects(adminAccess);
    expect(projectList.length).to.be.greaterThan(1);
  });

  it('follows an Administrator who changes their own language on their own row', async () => {
    const self = await newMember(adminAccess, 'edit-self-lang', {
      user_role: { id: 1, name: 'Administrators' },
    });
    const el = await renderRow(self.email, self.access);
    expect(root(el).querySelector('[part~="toolbar"]')!.getAttribute('lang')).to.equal('en');
    await openEdit(el);
    field(el, 'input[name="lang"][value="de"]').click();
    save(el);
    await waitUntil(
      () => root(el).querySelector('[part~="toolbar"]')!.getAttribute('lang') === 'de',
      'the widget did not follow the new language',
    );
    expect((await getUser(self.access, self.userId)).lang).to.equal('de');
  });

  it("opens from the row menu with the user's current values; Escape closes it and focus returns", async () => {
    const email = uniqueEmail('edit-open');
    const [p1] = projectList;
    await invite(adminAccess, email, {
      name: 'Eddie Open',
      lang: 'de',
      user_role: { id: 5, name: 'Engineers' },
      cloud: { client_role: null, projects: [{ project_id: p1.id, role: 'User' }] },
    });
    const el = await renderRow(email);
    await openEdit(el);
    expect(dialog(el).matches(':modal')).to.equal(true);
    expect(editDialog(el).querySelector('h2')!.textContent!.trim()).to.equal('Edit user');
    expect(field(el, 'input[name="name"]').value).to.equal('Eddie Open');
    expect(field(el, 'input[name="lang"]:checked').value).to.equal('de');
    expect(field(el, 'input[name="user_role"]:checked').id).to.equal('role-5');
    expect(field(el, 'select[name="scope"]').value).to.equal('project');
    const projectSelects = editDialog(el).querySelectorAll<HTMLSelectElement>(
      'select[name="project_id"]',
    );
    expect(projectSelects).to.have.length(1);
    expect(projectSelects[0].value).to.equal(String(p1.id));
    expect(field(el, 'select[name="project_role"]').value).to.equal('User');
    // The email is there, but only its owner may change it.
    const emailInput = field(el, 'input[name="email"]');
    expect(emailInput.value).to.equal(email);
    expect(emailInput.readOnly).to.equal(true);
    const note = editDialog(el).getElementById(emailInput.getAttribute('aria-describedby')!)!;
    expect(note.textContent!.trim()).to.equal(
      'Only the owner of this email can change it, in their account settings.',
    );

    await sendKeys({ press: 'Escape' });
    await waitUntil(() => !dialog(el).open, 'Escape did not close the dialog');
    expect(focused()).to.equal(describeElement(menuOf(el).trigger));
  });

  it('saves a name and role change: the row and the server show it, and um-user-updated fires', async () => {
    const email = uniqueEmail('edit-save');
    const userId = await invite(adminAccess, email, { name: 'Eddie Before' });
    const el = await renderRow(email);
    expect(rows(el)[0][ROLE]).to.equal('Users');
    await openEdit(el);
    fill(field(el, 'input[name="name"]'), 'Eddie After');
    field(el, '#role-5').click();
    field(el, 'input[name="lang"][value="ru"]').click();
    const updated = oneEvent(el, 'um-user-updated') as Promise<UmUserUpdatedEvent>;
    save(el);
    const event = await updated;
    expect(event.detail.userId).to.equal(userId);
    expect(event.bubbles && event.composed).to.equal(true);
    await waitUntil(() => !dialog(el).open, 'the dialog stayed open');
    await waitUntil(() => rows(el)[0]?.[NAME] === 'Eddie After', 'the row did not refresh');
    expect([rows(el)[0][ROLE], rows(el)[0][LANGUAGE]]).to.deep.equal(['Engineers', 'Russian']);
    expect(panel(el).querySelector('[part="status"]')!.textContent!.trim()).to.equal(
      `Changes to ${email} saved`,
    );
    expect(focused()).to.equal(describeElement(menuOf(el).trigger));

    const user = await getUser(adminAccess, userId);
    expect([user.name, user.lang, user.groups[0].id]).to.deep.equal(['Eddie After', 'ru', 5]);
  });

  it('sends Cloud access changes as assignments: a project added, one removed, then Client scope', async () => {
    const email = uniqueEmail('edit-cloud');
    const [p1, p2] = projectList;
    const userId = await invite(adminAccess, email, {
      cloud: { client_role: null, projects: [{ project_id: p1.id, role: 'User' }] },
    });
    const el = await renderRow(email);
    await openEdit(el);
    await waitUntil(
      () => !field(el, '[data-action="add-project"]').disabled,
      'the projects did not load',
    );
    field(el, '[data-action="add-project"]').click();
    await waitUntil(() => editDialog(el).querySelectorAll('.project-row').length === 2);
    const [, second] = editDialog(el).querySelectorAll<HTMLSelectElement>(
      'select[name="project_id"]',
    );
    select(second, String(p2.id));
    select(
      editDialog(el).querySelectorAll<HTMLSelectElement>('select[name="project_role"]')[1],
      'ProjectAdministrator',
    );
    editDialog(el).querySelector<HTMLButtonElement>('[data-action="remove-project"]')!.click();
    await waitUntil(() => editDialog(el).querySelectorAll('.project-row').length === 1);
    save(el);
    await waitUntil(() => !dialog(el).open, 'the dialog stayed open');
    const afterProjects = await cloudAssignments(adminAccess, userId);
    expect(afterProjects.map((a) => [a.project_id, a.role])).to.deep.equal([
      [p2.id, 'ProjectAdministrator'],
    ]);

    await openEdit(el);
    expect(field(el, 'select[name="project_id"]').value).to.equal(String(p2.id));
    select(field(el, 'select[name="scope"]'), 'client');
    await waitUntil(() => field(el, 'select[name="client_role"]'));
    select(field(el, 'select[name="client_role"]'), 'ClientAdministrator');
    save(el);
    await waitUntil(() => !dialog(el).open, 'the dialog stayed open');
    const afterClient = await cloudAssignments(adminAccess, userId);
    expect(afterClient.map((a) => [a.project_id, a.role])).to.deep.equal([
      [null, 'ClientAdministrator'],
    ]);
  });

  it('refuses a name that is too long in the browser, next to the field', async () => {
    const email = uniqueEmail('edit-invalid');
    await invite(adminAccess, email);
    const el = await renderRow(email);
    await openEdit(el);
    fill(field(el, 'input[name="name"]'), 'x'.repeat(300));
    save(el);
    const name = field(el, 'input[name="name"]');
    await waitUntil(() => name.getAttribute('aria-invalid') === 'true', 'no field error');
    const error = editDialog(el).getElementById(name.getAttribute('aria-describedby')!)!;
    expect(error.textContent!.trim()).to.equal('Enter at most 255 characters.');
    expect(focused()).to.equal(describeElement(name));
    expect(dialog(el).open).to.equal(true);
  });

  it('shows the profile of a person who also belongs to another account read-only, and saves the rest', async () => {
    const shared = await newMember(adminAccess, 'shared-profile', { name: 'Shared Person' });
    await createAccount(shared.access, `Elsewhere ${Date.now()}`);
    const el = await renderRow(shared.email);
    await openEdit(el);
    const name = field(el, 'input[name="name"]');
    expect(name.readOnly).to.equal(true);
    const hint = editDialog(el).getElementById('user-name-hint')!;
    expect(hint.textContent!.trim()).to.equal(
      'This person also belongs to another account: only they can change their profile.',
    );
    expect(name.getAttribute('aria-describedby')!.split(' ')).to.include('user-name-hint');
    const languages = [...editDialog(el).querySelectorAll<HTMLInputElement>('input[name="lang"]')];
    expect(languages.every((radio) => radio.disabled)).to.equal(true);
    field(el, '#role-5').click();
    save(el);
    await waitUntil(() => !dialog(el).open, 'the dialog stayed open');
    const user = await getUser(adminAccess, shared.userId);
    expect([user.name, user.groups[0].id]).to.deep.equal(['Shared Person', 5]);
  });

  it('disables the IAM role of the last Administrator editing themself, saying why', async () => {
    const founder = await newMember(adminAccess, 'solo');
    const account = await createAccount(founder.access, `Solo ${Date.now()}`);
    const { access } = await switchAccount(founder.access, account.id);
    const el = await renderRow(founder.email, access, account.company);
    await openEdit(el);
    const radios = [
      ...editDialog(el).querySelectorAll<HTMLInputElement>('input[name="user_role"]'),
    ];
    expect(radios.every((radio) => radio.disabled)).to.equal(true);
    const reason = editDialog(el).getElementById('role-locked')!;
    expect(reason.textContent!.trim()).to.equal('You are the last Administrator of this account.');
    for (const radio of radios) {
      expect(radio.getAttribute('aria-describedby')!.split(' ')).to.include('role-locked');
    }
    // The rest of the form stays editable.
    expect(field(el, 'input[name="name"]').disabled).to.equal(false);
  });

  it("shows the BFF's refusal to demote the last Administrator, when the form was opened before", async () => {
    const founder = await newMember(adminAccess, 'founder');
    const account = await createAccount(founder.access, `Duo ${Date.now()}`);
    const { access } = await switchAccount(founder.access, account.id);
    // A second Administrator in the new account: the founder's role is editable when the form opens.
    const partner = await newMember(access, 'partner', {
      user_role: { id: 1, name: 'Administrators' },
    });
    const el = await renderRow(founder.email, access, account.company);
    await openEdit(el);
    expect(field(el, '#role-5').disabled).to.equal(false);
    // Meanwhile the partner is demoted (elsewhere): the founder is the last Administrator now.
    await setRole(access, account.id, partner.userId, 2);
    field(el, '#role-5').click();
    save(el);
    await waitUntil(() => alertText(el) !== '', 'no refusal shown');
    expect(alertText(el)).to.equal(
      'The last Administrator of an account can be neither demoted nor removed.',
    );
    expect(dialog(el).open).to.equal(true);
    expect((await getUser(access, founder.userId)).groups[0].id).to.equal(1);
  });

  it('offers no Edit to a member who is not an Administrator', async () => {
    const engineer = await login({ username: 'alice@acme.test', password: 'demo-member-password' });
    const el = await render(engineer.access);
    expect(panel(el).querySelectorAll('um-row-menu')).to.have.length(0);
    expect(panel(el).querySelector('um-edit-user-dialog')).to.equal(null);
    expect(panel(el).querySelector('[data-action="invite"]')).to.equal(null);
  });

  it('passes axe with the dialog open', async () => {
    const email = uniqueEmail('edit-axe');
    await invite(adminAccess, email);
    const el = await renderRow(email);
    await openEdit(el);
    await expectAccessible(el);
  });
});
