/// <reference types="mocha" />
import { expect, fixture, html, oneEvent, waitUntil } from '@open-wc/testing';
import { sendKeys } from '@web/test-runner-commands';
import '../user-management.ts';
import type { UserManagement } from '../user-management.ts';
import type { UmUserInvitedEvent } from '../events.ts';
import {
  describeElement,
  focused,
  fill,
  inviteDialog,
  login,
  messagesTo,
  panel,
  requestsTo,
  root,
  rows,
  select,
  settled,
  typeInto,
  uniqueEmail,
  expectAccessible,
} from '../../test/widget/helpers.ts';

const MEMBER = { username: 'alice@acme.test', password: 'demo-member-password' };
const [, EMAIL, NAME, ROLE, LANGUAGE, STATUS] = [0, 1, 2, 3, 4, 5, 6];

let adminAccess: string;

/** The widget for a signed-in caller, once the table and the account (`me`) have loaded. */
async function render(access = adminAccess): Promise<UserManagement> {
  const el = await fixture<UserManagement>(
    html`<user-management api="/bff" .token=${access}></user-management>`,
  );
  await settled(el);
  await waitUntil(
    () => root(el).querySelector('[part="toolbar"]')?.textContent?.includes('Acme Cloud'),
    'the account did not load',
  );
  await el.updateComplete;
  return el;
}

function inviteButton(el: UserManagement): HTMLButtonElement | null {
  return panel(el).querySelector<HTMLButtonElement>('[data-action="invite"]');
}

function dialog(el: UserManagement): HTMLDialogElement {
  return inviteDialog(el).querySelector('dialog')!;
}

function field(el: UserManagement, selector: string) {
  return inviteDialog(el).querySelector<HTMLInputElement & HTMLSelectElement>(selector)!;
}

/** The text of the error a field points at through aria-describedby. */
function errorOf(el: UserManagement, control: Element): string {
  expect(control.getAttribute('aria-invalid'), 'aria-invalid').to.equal('true');
  const ids = control.getAttribute('aria-describedby')!.split(' ');
  const error = ids
    .map((id) => inviteDialog(el).getElementById(id))
    .find((node) => node?.classList.contains('field-error'));
  return error?.textContent?.trim() ?? '';
}

function alertText(el: UserManagement): string {
  return inviteDialog(el).querySelector('[role="alert"]')!.textContent!.replace(/\s+/g, ' ').trim();
}

async function openDialog(el: UserManagement) {
  inviteButton(el)!.click();
  await waitUntil(() => dialog(el).open, 'the dialog did not open');
}

function submit(el: UserManagement) {
  inviteDialog(el).querySelector<HTMLButtonElement>('button[type="submit"]')!.click();
}

describe('Invite user dialog', () => {
  before(async () => {
    adminAccess = (await login()).access;
  });

  it('offers "Invite user" to an Administrator and not to an Engineer', async () => {
    const admin = await render();
    expect(inviteButton(admin)!.textContent!.trim()).to.equal('Invite user');

    const engineer = await render((await login(MEMBER)).access);
    expect(inviteButton(engineer)).to.equal(null);
    expect(panel(engineer).querySelector('um-invite-user-dialog')).to.equal(null);
  });

  it('opens a modal dialog from the keyboard; Escape closes it and focus returns to the button', async () => {
    const el = await render();
    inviteButton(el)!.focus();
    await sendKeys({ press: 'Enter' });
    await waitUntil(() => dialog(el).open, 'the dialog did not open');
    expect(dialog(el).matches(':modal')).to.equal(true);
    expect(focused()).to.equal(describeElement(field(el, 'input[name="name"]')));
    const labels = [...inviteDialog(el).querySelectorAll('input[name="lang"]')].map((radio) =>
      radio.closest('label')!.textContent!.trim(),
    );
    expect(labels).to.deep.equal(['English', 'German', 'Chinese', 'Russian']);

    await sendKeys({ press: 'Escape' });
    await waitUntil(() => !dialog(el).open, 'Escape did not close the dialog');
    expect(focused()).to.equal(describeElement(inviteButton(el)));
  });

  it('closes on Cancel and returns focus to the button', async () => {
    const el = await render();
    await openDialog(el);
    const cancel = [...inviteDialog(el).querySelectorAll('button')].find(
      (b) => b.textContent!.trim() === 'Cancel',
    )!;
    cancel.click();
    await waitUntil(() => !dialog(el).open, 'Cancel did not close the dialog');
    expect(focused()).to.equal(describeElement(inviteButton(el)));
  });

  it('describes each IAM role next to its radio', async () => {
    const el = await render();
    await openDialog(el);
    const radios = [...inviteDialog(el).querySelectorAll('input[name="user_role"]')];
    expect(radios).to.have.length(5);
    const admins = field(el, '#role-1');
    const info = inviteDialog(el).getElementById(admins.getAttribute('aria-describedby')!)!;
    expect(info.textContent).to.contain('invite and manage users');
    const users = field(el, '#role-2');
    expect(users.checked, 'least privilege by default').to.equal(true);
  });

  it('preselects Client scope with Administrator when Administrators is chosen', async () => {
    const el = await render();
    await openDialog(el);
    expect(field(el, 'select[name="client_role"]').value).to.equal('');
    field(el, '#role-1').click();
    await el.updateComplete;
    await waitUntil(() => field(el, 'select[name="client_role"]').value === 'ClientAdministrator');
    expect(field(el, 'select[name="scope"]').value).to.equal('client');
    // Back to a lesser role: the preselection goes with it.
    field(el, '#role-5').click();
    await waitUntil(() => field(el, 'select[name="client_role"]').value === '');
  });

  it('refuses a malformed email next to the field, without asking the BFF', async () => {
    const el = await render();
    await openDialog(el);
    performance.clearResourceTimings();
    fill(field(el, 'input[name="email"]'), 'not-an-email');
    submit(el);
    await waitUntil(() => field(el, 'input[name="email"]').getAttribute('aria-invalid') === 'true');
    expect(errorOf(el, field(el, 'input[name="email"]'))).to.equal(
      'Enter an email address such as jane@example.com.',
    );
    expect(focused()).to.equal(describeElement(field(el, 'input[name="email"]')));
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(requestsTo('invite_user')).to.have.length(0);
    expect(dialog(el).open).to.equal(true);
  });

  it("shows the BFF's refusal of someone already in the account next to Email", async () => {
    const el = await render();
    await openDialog(el);
    fill(field(el, 'input[name="email"]'), 'Alice@Acme.test');
    submit(el);
    await waitUntil(
      () => field(el, 'input[name="email"]').getAttribute('aria-invalid') === 'true',
      'no field error from the BFF',
    );
    // The BFF says "User N has already been invited to client M"; the widget says it in its words.
    expect(errorOf(el, field(el, 'input[name="email"]'))).to.equal(
      'This person is already a member of the account or has been invited.',
    );
    expect(alertText(el)).to.equal(
      'This person is already a member of the account or has been invited.',
    );
    expect(dialog(el).open).to.equal(true);
  });

  it('invites a new person: the dialog closes, um-user-invited fires and a "Not activated" row appears', async () => {
    const el = await render();
    const email = uniqueEmail('dialog');
    await openDialog(el);
    fill(field(el, 'input[name="name"]'), 'Dora Dialog');
    fill(field(el, 'input[name="email"]'), `  ${email.toUpperCase()} `);
    field(el, 'input[name="lang"][value="de"]').click();
    field(el, '#role-5').click();
    const invited = oneEvent(el, 'um-user-invited') as Promise<UmUserInvitedEvent>;
    submit(el);
    const event = await invited;
    expect(event.detail.email).to.equal(email);
    expect(event.detail.userId).to.be.a('number');
    expect(event.bubbles && event.composed).to.equal(true);
    await waitUntil(() => !dialog(el).open, 'the dialog stayed open');
    const status = panel(el).querySelector('[part="status"]')!;
    expect(status.getAttribute('role')).to.equal('status');
    expect(status.textContent!.trim()).to.equal(`Invitation sent to ${email}`);
    expect(focused()).to.equal(describeElement(inviteButton(el)));

    typeInto(panel(el).querySelector<HTMLInputElement>('input[name="email"]')!, email);
    await waitUntil(() => rows(el).length === 1 && rows(el)[0][EMAIL] === email, 'no new row');
    const [row] = rows(el);
    expect([row[NAME], row[ROLE], row[LANGUAGE], row[STATUS]]).to.deep.equal([
      'Dora Dialog',
      'Engineers',
      'German',
      'Not activated',
    ]);
    expect((await messagesTo(email))[0].links.some((link) => link.includes('token='))).to.equal(
      true,
    );
  });

  it('adds and removes project rows and sends them as Cloud access at project scope', async () => {
    const el = await render();
    const email = uniqueEmail('projects');
    await openDialog(el);
    fill(field(el, 'input[name="email"]'), email);
    select(field(el, 'select[name="scope"]'), 'project');
    // The first row waits for the account's projects to load.
    await waitUntil(() => inviteDialog(el).querySelectorAll('.project-row').length === 1, '', {
      timeout: 5000,
    });
    const add = field(el, '[data-action="add-project"]');
    const projectCount = field(el, 'select[name="project_id"]').options.length;
    expect(projectCount).to.be.greaterThan(1);
    add.click();
    await waitUntil(() => inviteDialog(el).querySelectorAll('.project-row').length === 2);
    const [first, second] = inviteDialog(el).querySelectorAll<HTMLSelectElement>(
      'select[name="project_id"]',
    );
    expect(second.value, 'a new row takes a project not yet chosen').to.not.equal(first.value);
    // A project already chosen in another row cannot be chosen again.
    const taken = [...second.options].find((option) => option.value === first.value)!;
    expect(taken.disabled).to.equal(true);
    select(
      inviteDialog(el).querySelectorAll<HTMLSelectElement>('select[name="project_role"]')[1],
      'ProjectAdministrator',
    );
    inviteDialog(el).querySelector<HTMLButtonElement>('[data-action="remove-project"]')!.click();
    await waitUntil(() => inviteDialog(el).querySelectorAll('.project-row').length === 1);
    const kept = field(el, 'select[name="project_id"]');
    expect(kept.value).to.equal(second.value);
    expect(field(el, 'select[name="project_role"]').value).to.equal('ProjectAdministrator');

    const invited = oneEvent(el, 'um-user-invited') as Promise<UmUserInvitedEvent>;
    submit(el);
    const { userId } = (await invited).detail;
    const response = await fetch(`/bff/iam/users/${userId}`, {
      headers: { Authorization: `Bearer ${adminAccess}` },
    });
    const user = (await response.json()) as {
      cloud: { client_role: string | null; projects: { project_id: number; role: string }[] };
    };
    expect(user.cloud.client_role).to.equal(null);
    expect(user.cloud.projects.map((p) => [p.project_id, p.role])).to.deep.equal([
      [Number(kept.value), 'ProjectAdministrator'],
    ]);
  });

  it('passes axe with the dialog open, and with field errors shown', async () => {
    const el = await render();
    await openDialog(el);
    await expectAccessible(el);
    fill(field(el, 'input[name="email"]'), 'nope');
    submit(el);
    await waitUntil(() => field(el, 'input[name="email"]').getAttribute('aria-invalid') === 'true');
    await expectAccessible(el);
  });
});
