import { expect, fixture, html, waitUntil } from '@open-wc/testing';
import { sendKeys } from '@web/test-runner-commands';
import type { ClientMe } from '../../shared/clients.ts';
import type { CloudAssignment } from '../../shared/cloud.ts';
import { ROLE } from '../../shared/roles.ts';
import type { User } from '../../shared/users.ts';
import {
  describeElement,
  fill,
  focused,
  select,
  expectAccessible,
} from '../../test/widget/helpers.ts';
import { PROJECTS, recordingClient } from '../../test/widget/stub-client.ts';
import type { ApiClient } from '../api/client.ts';
import { ApiError } from '../api/client.ts';
import type { UmUserUpdatedEvent } from '../events.ts';
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

/** Jane, an Engineer with the User role in the project Website. */
const JANE: User = {
  id: 42,
  email: 'jane@acme.test',
  name: 'Jane Doe',
  phone: null,
  company: 'Acme Cloud',
  lang: 'en',
  client: 7,
  deleted: false,
  groups: [{ id: ROLE.engineers, name: 'Engineers' }],
  activated: true,
  is_active: true,
  sso_auth: false,
  two_fa: false,
  auth_types: ['password'],
  user_type: 'common',
  client_and_roles: [
    { client_id: 7, client_company_name: 'Acme Cloud', user_id: 42, user_roles: ['Engineers'] },
  ],
  status: 'active',
  shared_profile: false,
  invitation_expires_at: null,
  cloud: {
    client_role: null,
    projects: [{ project_id: PROJECTS[0].id, project_name: PROJECTS[0].name, role: 'User' }],
  },
};

const JANE_IN_WEBSITE: CloudAssignment = {
  id: 901,
  user_id: JANE.id,
  client_id: 7,
  project_id: PROJECTS[0].id,
  role: 'User',
  assigned_by: 1,
  created_at: '2026-01-05T10:00:00Z',
  updated_at: null,
};

/**
 * The dialog beside the button that opens it, with a client that answers Jane and her Cloud
 * access and accepts every change, unless the test says otherwise; `calls` lists the requests.
 */
async function mount(methods: Partial<ApiClient> = {}, me: ClientMe = ME) {
  const { client, calls } = recordingClient({
    user: async () => JANE,
    cloudAssignments: async () => [JANE_IN_WEBSITE],
    projects: async () => PROJECTS,
    setRole: async () => undefined,
    updateUser: async (_id, body) => ({ ...JANE, ...body }) as User,
    updateCloudAssignment: async () => undefined,
    deleteCloudAssignment: async () => undefined,
    createCloudAssignment: async () => undefined,
    ...methods,
  });
  const box = await fixture<HTMLDivElement>(html`
    <div>
      <button type="button" id="opener">Edit</button>
      <um-edit-user-dialog .client=${client} .me=${me}></um-edit-user-dialog>
    </div>
  `);
  const opener = box.querySelector<HTMLButtonElement>('#opener')!;
  const el = box.querySelector('um-edit-user-dialog')!;
  const updates: UmUserUpdatedEvent[] = [];
  el.addEventListener('um-user-updated', (event) => updates.push(event));
  // Focus is not on the opener (Safari does not focus a clicked button): only the dialog's
  // own hand-back, not the browser's restoring, can bring it there when the dialog closes.
  (document.activeElement as HTMLElement | null)?.blur();
  return { el, opener, calls, updates };
}

/** Mounts the dialog and opens it for Jane; resolves once her values are in the form. */
async function openForJane(methods: Partial<ApiClient> = {}) {
  const mounted = await mount(methods);
  await mounted.el.show(JANE.id, mounted.opener);
  mounted.calls.length = 0;
  return mounted;
}

function field<T extends HTMLElement = HTMLInputElement>(el: UmEditUserDialog, selector: string) {
  return el.shadowRoot!.querySelector<T>(selector)!;
}

function save(el: UmEditUserDialog) {
  field<HTMLButtonElement>(el, 'button[type="submit"]').click();
}

function alertText(el: UmEditUserDialog): string {
  return field(el, '[role="alert"]').textContent!.replace(/\s+/g, ' ').trim();
}

async function closed(el: UmEditUserDialog, opener: HTMLElement) {
  await waitUntil(() => !el.open && document.activeElement === opener, 'focus did not return');
}

describe('um-edit-user-dialog', () => {
  it('loads the user and their Cloud access, shows their values with focus on Name, and is accessible', async () => {
    const { el, opener, calls } = await mount();
    await el.show(JANE.id, opener);

    expect(calls).to.deep.equal([
      ['user', JANE.id],
      ['cloudAssignments', JANE.id],
    ]);
    expect(el.open).to.equal(true);
    expect(field(el, 'h2').textContent).to.equal('Edit user');
    expect(focused()).to.equal(describeElement(field(el, '#user-name')));
    expect(field(el, '#user-name').value).to.equal('Jane Doe');
    expect(field(el, '#user-email').value).to.equal('jane@acme.test');
    expect(field(el, '#user-email').readOnly).to.equal(true);
    expect(field(el, 'input[name="lang"][value="en"]').checked).to.equal(true);
    expect(field(el, `#role-${ROLE.engineers}`).checked).to.equal(true);
    expect(field<HTMLSelectElement>(el, 'select[name="scope"]').value).to.equal('project');
    const row = '[data-row="0"]';
    expect(field<HTMLSelectElement>(el, `${row} select[name="project_id"]`).value).to.equal(
      String(PROJECTS[0].id),
    );
    expect(field<HTMLSelectElement>(el, `${row} select[name="project_role"]`).value).to.equal(
      'User',
    );
    await expectAccessible(el);
  });

  it('saves a new role, name and language (role first), fires um-user-updated and closes', async () => {
    const { el, opener, calls, updates } = await openForJane();
    fill(field(el, '#user-name'), ' Jane Q. Doe ');
    field(el, 'input[name="lang"][value="de"]').click();
    field(el, `#role-${ROLE.users}`).click();
    save(el);

    await closed(el, opener);
    expect(calls).to.deep.equal([
      ['setRole', ME.id, JANE.id, { user_role: { id: ROLE.users, name: 'Users' } }],
      ['updateUser', JANE.id, { name: 'Jane Q. Doe', lang: 'de' }],
    ]);
    expect(updates.map((event) => event.detail)).to.deep.equal([{ userId: JANE.id, lang: 'de' }]);
    expect(updates[0].bubbles && updates[0].composed).to.equal(true);
  });

  it("changes the role of a project's assignment, and nothing else", async () => {
    const { el, opener, calls, updates } = await openForJane();
    select(field<HTMLSelectElement>(el, '[data-row="0"] select[name="project_role"]'), 'Observer');
    save(el);

    await closed(el, opener);
    expect(calls).to.deep.equal([
      ['updateCloudAssignment', JANE_IN_WEBSITE.id, { role: 'Observer', user_id: JANE.id }],
    ]);
    expect(updates).to.have.length(1);
  });

  it('replaces project access by Client scope: the old assignment goes, a new one comes', async () => {
    const { el, opener, calls } = await openForJane();
    select(field<HTMLSelectElement>(el, 'select[name="scope"]'), 'client');
    await el.updateComplete;
    select(field<HTMLSelectElement>(el, 'select[name="client_role"]'), 'ClientAdministrator');
    save(el);

    await closed(el, opener);
    expect(calls).to.deep.equal([
      ['deleteCloudAssignment', JANE_IN_WEBSITE.id],
      [
        'createCloudAssignment',
        { user_id: JANE.id, client_id: ME.id, project_id: null, role: 'ClientAdministrator' },
      ],
    ]);
  });

  it('closes without a request when nothing changed', async () => {
    const { el, opener, calls, updates } = await openForJane();
    save(el);
    await closed(el, opener);
    expect(calls).to.deep.equal([]);
    expect(updates).to.have.length(0);
  });

  it('shows a refused save in the alert and stays open, focus on Save, nothing announced as saved', async () => {
    const refusal = new ApiError(403, 'last_administrator', 'The last Administrator.');
    const { el, calls, updates } = await openForJane({ setRole: () => Promise.reject(refusal) });
    field(el, `#role-${ROLE.users}`).click();
    save(el);

    await waitUntil(() => alertText(el) !== '', 'no alert');
    expect(alertText(el)).to.equal(
      'The last Administrator of an account can be neither demoted nor removed.',
    );
    expect(calls.map(([method]) => method)).to.deep.equal(['setRole']);
    expect(updates).to.have.length(0);
    expect(el.open).to.equal(true);
    expect(focused()).to.equal(describeElement(field(el, 'button[type="submit"]')));
    await expectAccessible(el);
  });

  it('after a partial save, says so with um-user-updated and reloads the user to compare with', async () => {
    const failure = new ApiError(500, 'internal_error', 'boom', {}, undefined, 'req-9');
    const { el, calls, updates } = await openForJane({
      updateUser: () => Promise.reject(failure),
    });
    fill(field(el, '#user-name'), 'Jane Q. Doe');
    field(el, `#role-${ROLE.users}`).click();
    save(el);

    await waitUntil(() => alertText(el) !== '', 'no alert');
    expect(alertText(el)).to.equal('Something went wrong on the server. Reference: req-9');
    // The role was saved: the host hears of it, without a language (not everything was saved).
    expect(updates.map((event) => event.detail)).to.deep.equal([{ userId: JANE.id }]);
    await waitUntil(() => calls.length === 4, `calls: ${JSON.stringify(calls)}`);
    expect(calls.map(([method]) => method)).to.deep.equal([
      'setRole',
      'updateUser',
      'user',
      'cloudAssignments',
    ]);
    expect(el.open).to.equal(true);
  });

  it('shows a failed load in the alert with Retry, which loads the user again', async () => {
    let answers = 0;
    const { el, opener, calls } = await mount({
      user: async () => {
        answers++;
        if (answers === 1) {
          throw new ApiError(503, 'service_unavailable', 'down', {}, 30);
        }
        return JANE;
      },
    });
    await el.show(JANE.id, opener);

    expect(alertText(el)).to.equal(
      'The user could not be loaded. The service is temporarily unavailable. Try again in 30 s. Retry',
    );
    expect(focused()).to.equal(describeElement(field(el, '[data-action="retry"]')));
    expect(field<HTMLButtonElement>(el, 'button[type="submit"]').disabled).to.equal(true);
    await expectAccessible(el);

    field<HTMLButtonElement>(el, '[data-action="retry"]').click();
    await waitUntil(
      () => el.shadowRoot!.querySelector<HTMLInputElement>('#user-name')?.value === 'Jane Doe',
      'the user did not load',
    );
    expect(calls.filter(([method]) => method === 'user')).to.have.length(2);
  });

  it('locks the IAM role of the last Administrator editing themself, saying why', async () => {
    const self: User = { ...JANE, id: ME.currentUser, groups: [{ id: 1, name: 'Administrators' }] };
    const { el, opener, calls } = await mount({
      user: async () => self,
      cloudAssignments: async () => [],
      listUsers: async () => ({ count: 1, next: null, previous: null, results: [self] }),
    });
    await el.show(self.id, opener);

    expect(calls.map(([method]) => method)).to.deep.equal([
      'user',
      'cloudAssignments',
      'listUsers',
    ]);
    const radios = [...el.shadowRoot!.querySelectorAll<HTMLInputElement>('[name="user_role"]')];
    expect(radios.every((radio) => radio.disabled)).to.equal(true);
    expect(field(el, '#role-locked').textContent).to.equal(
      'You are the last Administrator of this account.',
    );
  });

  it('closes on Escape, and focus returns to the opener', async () => {
    const { el, opener } = await openForJane();
    await sendKeys({ press: 'Escape' });
    await closed(el, opener);
  });
});
