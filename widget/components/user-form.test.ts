import { expect, fixture, html, waitUntil } from '@open-wc/testing';
import { ROLE } from '../../shared/roles.ts';
import {
  describeElement,
  fill,
  focused,
  select,
  expectAccessible,
} from '../../test/widget/helpers.ts';
import { PROJECTS, stubClient } from '../../test/widget/stub-client.ts';
import type { Project } from '../../shared/invitations.ts';
import './user-form.ts';
import { emptyUserForm, type UmUserForm } from './user-form.ts';

/** The form alone with a client that only lists projects; `asked` counts the requests. */
async function mount(projects: () => Promise<Project[]> = async () => PROJECTS) {
  const asked = { projects: 0 };
  const client = stubClient({
    projects: () => {
      asked.projects++;
      return projects();
    },
  });
  const el = await fixture<UmUserForm>(html`<um-user-form .client=${client}></um-user-form>`);
  el.reset(emptyUserForm());
  await el.updateComplete;
  return { el, asked };
}

function field<T extends HTMLElement = HTMLInputElement>(el: UmUserForm, selector: string): T {
  return el.querySelector<T>(selector)!;
}

async function showErrors(el: UmUserForm, fieldErrors: Record<string, string[]>) {
  el.fieldErrors = fieldErrors;
  await el.updateComplete;
}

describe('um-user-form', () => {
  it('shows each field error next to its field, with aria-invalid and aria-describedby', async () => {
    const { el } = await mount();
    await showErrors(el, { name: ['Enter a name.'], email: ['Enter a valid email.'] });

    for (const name of ['name', 'email']) {
      const input = field(el, `#user-${name}`);
      expect(input.getAttribute('aria-invalid'), name).to.equal('true');
      expect(input.getAttribute('aria-describedby'), name).to.equal(`${name}-error`);
      // The message sits in the field's own box, right after its control.
      expect(input.nextElementSibling!.id, name).to.equal(`${name}-error`);
    }
    expect(field(el, '#name-error').textContent).to.equal('Enter a name.');
    expect(field(el, '#email-error').textContent).to.equal('Enter a valid email.');
    await expectAccessible(el);
  });

  it('shows no error state while there is none, and is accessible', async () => {
    const { el } = await mount();
    expect(field(el, '#user-name').getAttribute('aria-invalid')).to.equal('false');
    expect(field(el, '#user-name').hasAttribute('aria-describedby')).to.equal(false);
    expect(el.querySelector('.field-error')?.textContent).to.equal(undefined);
    await expectAccessible(el);
  });

  it('drops a field’s error as soon as its value changes, keeping the others', async () => {
    const { el } = await mount();
    await showErrors(el, { name: ['Enter a name.'], email: ['Enter a valid email.'] });

    fill(field(el, '#user-name'), 'Jane Doe');
    await el.updateComplete;
    expect(field(el, '#user-name').getAttribute('aria-invalid')).to.equal('false');
    expect(el.querySelector('#name-error')?.textContent).to.equal(undefined);
    expect(field(el, '#user-email').getAttribute('aria-invalid')).to.equal('true');
    expect(el.value.name).to.equal('Jane Doe');
  });

  it('shows an IAM role error at the role group and drops it when another role is chosen', async () => {
    const { el } = await mount();
    await showErrors(el, { 'user_role.id': ['Choose a role.'] });
    const radios = [...el.querySelectorAll<HTMLInputElement>('input[name="user_role"]')];
    expect(radios.every((radio) => radio.getAttribute('aria-invalid') === 'true')).to.equal(true);
    expect(field(el, '#user_role-error').textContent).to.equal('Choose a role.');

    field(el, `#role-${ROLE.administrators}`).click();
    await el.updateComplete;
    expect(el.querySelector('#user_role-error')?.textContent).to.equal(undefined);
    expect(el.value.roleId).to.equal(ROLE.administrators);
  });

  it('focuses the first invalid field', async () => {
    const { el } = await mount();
    await showErrors(el, { email: ['Enter a valid email.'] });
    expect(await el.focusFirstInvalid()).to.equal(true);
    expect(focused()).to.equal(describeElement(field(el, '#user-email')));
  });

  it('lists errors of fields it does not show in its alert', async () => {
    const { el } = await mount();
    await showErrors(el, { phone: ['Too long.'] });
    expect(field(el, '[role="alert"]').textContent!.trim()).to.equal('phone: Too long.');
  });

  it('starts project scope with one row when the projects arrive after it was chosen', async () => {
    let answer: (projects: Project[]) => void = () => {};
    const { el } = await mount(() => new Promise((resolve) => (answer = resolve)));
    select(field<HTMLSelectElement>(el, 'select[name="scope"]'), 'project');
    await el.updateComplete;
    expect(el.querySelectorAll('.project-row')).to.have.length(0);

    answer(PROJECTS);
    await waitUntil(() => el.querySelector('[data-row="0"]'), 'no row once the projects came');
    expect(el.value.rows.map((row) => row.projectId)).to.deep.equal([PROJECTS[0].id]);
  });

  it('loads the projects from its client and shows a project row’s errors at its fields', async () => {
    const { el, asked } = await mount();
    select(field<HTMLSelectElement>(el, 'select[name="scope"]'), 'project');
    await waitUntil(() => el.querySelector('[data-row="0"]'), 'no project row');
    expect(asked.projects).to.equal(1);
    const project = field<HTMLSelectElement>(el, '[data-row="0"] select[name="project_id"]');
    expect(project.value).to.equal(String(PROJECTS[0].id));

    await showErrors(el, { 'cloud.projects.0.role': ['Choose a role.'] });
    const role = field<HTMLSelectElement>(el, '[data-row="0"] select[name="project_role"]');
    expect(role.getAttribute('aria-invalid')).to.equal('true');
    expect(role.getAttribute('aria-describedby')).to.equal('cloud-projects-0-role-error');
    expect(field(el, '#cloud-projects-0-role-error').textContent).to.equal('Choose a role.');
    expect(project.getAttribute('aria-invalid')).to.equal('false');
    await expectAccessible(el);

    select(role, 'User');
    await el.updateComplete;
    expect(role.getAttribute('aria-invalid')).to.equal('false');
    expect(el.querySelector('#cloud-projects-0-role-error')?.textContent).to.equal(undefined);
  });
});
