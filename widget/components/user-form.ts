import { LitElement, html, nothing, type PropertyValues } from 'lit';
import { property, state } from 'lit/decorators.js';
import { repeat } from 'lit/directives/repeat.js';
import { Task } from '@lit/task';
import type { Project } from '../../shared/invitations.ts';
import type { FieldErrors } from '../../shared/errors.ts';
import {
  CLOUD_PROJECT_ROLES,
  IAM_ROLES,
  OFFERED_LANGUAGES,
  ROLE,
  type IamRoleId,
} from '../../shared/roles.ts';
import { isAbortError, type ApiClient } from '../api/client.ts';
import { define } from '../define.ts';
import { FormController } from '../controllers/form.ts';
import { LocalizeController } from '../controllers/localize.ts';
import { clientContext, provided } from '../context.ts';

export type ProjectRole = (typeof CLOUD_PROJECT_ROLES)[number];
export type Scope = 'client' | 'project';

interface ProjectRow {
  /** Stable key of the row, so removing one does not shuffle the others' fields. */
  key: number;
  projectId: number | undefined;
  role: ProjectRole;
}

/** What the Invite and Edit user forms hold. */
export interface UserFormState {
  name: string;
  email: string;
  lang: string;
  roleId: IamRoleId;
  scope: Scope;
  clientRole: '' | 'ClientAdministrator';
  rows: ProjectRow[];
}

/** Least privilege until the administrator picks more. */
const DEFAULT_ROLE: IamRoleId = ROLE.users;
const DEFAULT_PROJECT_ROLE: ProjectRole = 'Observer';

let nextRowKey = 0;

/** A new project row (its key unique on the page). */
export function projectRow(projectId: number | undefined, role: ProjectRole): ProjectRow {
  return { key: ++nextRowKey, projectId, role };
}

export function emptyUserForm(): UserFormState {
  return {
    name: '',
    email: '',
    lang: 'en',
    roleId: DEFAULT_ROLE,
    scope: 'client',
    clientRole: '',
    rows: [],
  };
}

/** Cloud access of the form as the BFF's `cloud` object of an invitation expects it. */
export function cloudOf(form: UserFormState): {
  client_role: 'ClientAdministrator' | null;
  projects: { project_id: number; role: ProjectRole }[];
} {
  return form.scope === 'client'
    ? { client_role: form.clientRole || null, projects: [] }
    : {
        client_role: null,
        projects: form.rows.map((row) => ({ project_id: row.projectId ?? 0, role: row.role })),
      };
}

const PROJECT_FIELD = /^cloud\.projects\.(\d+)\.(project_id|role)$/;

/**
 * The fields the Invite user and Edit user dialogs share (PRODUCT.md "Invite user", "Edit user"):
 * an alert area, Name, Email, Language, IAM role, Cloud access. It renders into its own light DOM,
 * so its fields live in the dialog's shadow root (one form, one set of ids, the dialog's styles).
 * The dialog owns validation and the requests; the form holds what is typed (`value`) and shows
 * the `fieldErrors` it is given, each next to its field.
 */
export class UmUserForm extends LitElement {
  private readonly localize = new LocalizeController(this);
  /** Its own element is the root: the fields render in the form's light DOM. */
  private readonly fields = new FormController(this, this.localize, {
    root: () => this,
    groups: ['lang', 'user_role'],
  });

  @provided(clientContext) client!: ApiClient;
  /** `readonly`: the email is shown but only its owner may change it (the Edit dialog). */
  @property() emailMode: 'edit' | 'readonly' = 'edit';
  /** Field errors to show, by dotted path (`cloud.projects.0.role`). */
  @property({ attribute: false }) fieldErrors: FieldErrors = {};
  /** Lines of the alert above the fields (a refused request); empty: no alert. */
  @property({ attribute: false }) failure: string[] = [];
  /** When set, the IAM role radios are disabled and this reason is shown (and referenced). */
  @property() roleLockedReason = '';
  /**
   * When set, Name and Language are read-only with this reason (a person who also belongs to
   * another account changes their profile themself).
   */
  @property() profileLockedReason = '';

  @state() private form: UserFormState = emptyUserForm();
  /** The administrator changed Cloud access by hand: a role change no longer resets it. */
  private cloudTouched = false;

  private readonly projects = new Task(this, {
    task: async ([client], { signal }) => {
      const projects = await client.projects(signal);
      this.addDefaultRow(projects);
      return projects;
    },
    args: () => [this.client] as const,
    autoRun: false,
  });

  protected override createRenderRoot() {
    return this;
  }

  /** What the form holds now. */
  get value(): UserFormState {
    return this.form;
  }

  /** Starts over from `state` (an empty form, or a user's current values) and loads the projects. */
  reset(state: UserFormState) {
    this.form = state;
    this.cloudTouched = state.scope === 'project' || state.clientRole !== '';
    void this.projects.run();
  }

  /** Focuses the first field marked invalid; false when there is none. */
  focusFirstInvalid(): Promise<boolean> {
    return this.fields.focusFirstInvalid();
  }

  protected override willUpdate(changed: PropertyValues<this>): void {
    if (changed.has('fieldErrors')) this.fields.show(this.fieldErrors);
  }

  override render() {
    return html`
      <div class="alert" part="error" role="alert">${this.renderFailure()}</div>
      <div class="columns">
        <div class="column">
          ${this.renderName()} ${this.renderEmail()} ${this.renderLanguage()} ${this.renderRoles()}
        </div>
        <div class="column">${this.renderCloud()}</div>
      </div>
    `;
  }

  private renderFailure() {
    const unplaced = Object.entries(this.fields.all).filter(([field]) => !this.isPlaced(field));
    // Field errors the form has no place for (a field this version does not show) still count.
    const lines = [
      ...this.failure,
      ...unplaced.map(([field]) => `${field}: ${this.fields.text(field)}`),
    ];
    return lines.length ? lines.map((line) => html`<p>${line}</p>`) : nothing;
  }

  private isPlaced(field: string): boolean {
    if (['name', 'email', 'cloud.client_role', 'cloud.projects', 'cloud'].includes(field)) {
      return true;
    }
    if (field === 'lang' || field.startsWith('user_role')) return true;
    const project = PROJECT_FIELD.exec(field);
    if (project) return Number(project[1]) < this.form.rows.length;
    return /^cloud\.projects\.\d+$/.test(field) && this.form.scope === 'project';
  }

  private renderName() {
    const locked = this.profileLockedReason;
    return this.fields.textField({
      id: 'user-name',
      name: 'name',
      label: this.localize.t('invite.name'),
      placeholder: locked ? undefined : this.localize.t('invite.namePlaceholder'),
      value: this.form.name,
      readonly: Boolean(locked),
      hint: locked || undefined,
      onInput: (name) => this.patch({ name }),
    });
  }

  /** In the Edit dialog the email is shown, read-only: only its owner may change it. */
  private renderEmail() {
    const readonly = this.emailMode === 'readonly';
    return this.fields.textField({
      id: 'user-email',
      name: 'email',
      label: this.localize.t('invite.email'),
      type: 'email',
      placeholder: readonly ? undefined : this.localize.t('invite.emailPlaceholder'),
      value: this.form.email,
      readonly,
      hint: readonly ? this.localize.t('edit.emailOwnerOnly') : undefined,
      onInput: (email) => this.patch({ email }),
    });
  }

  private renderLanguage() {
    return html`
      <fieldset class="inline-radios">
        <legend>${this.localize.t('invite.language')}</legend>
        ${OFFERED_LANGUAGES.map(
          (lang) => html`
            <label class="radio">
              <input
                type="radio"
                name="lang"
                .value=${lang}
                .checked=${this.form.lang === lang}
                ?disabled=${Boolean(this.profileLockedReason)}
                aria-invalid=${this.fields.invalid('lang')}
                aria-describedby=${this.fields.describedBy(
                  'lang',
                  this.profileLockedReason ? 'user-name-hint' : '',
                )}
                @change=${() => this.patch({ lang })}
              />
              ${this.localize.t(`lang.${lang}`)}
            </label>
          `,
        )}
        ${this.fields.message('lang')}
      </fieldset>
    `;
  }

  private renderRoles() {
    const locked = this.roleLockedReason;
    return html`
      <fieldset>
        <legend>${this.localize.t('invite.iamRole')}</legend>
        ${locked ? html`<p class="locked" id="role-locked">${locked}</p>` : nothing}
        ${IAM_ROLES.map((role) => {
          const hints = [locked ? 'role-locked' : '', `role-${role.id}-info`];
          return html`
            <div class="role">
              <input
                type="radio"
                id="role-${role.id}"
                name="user_role"
                .value=${String(role.id)}
                .checked=${this.form.roleId === role.id}
                ?disabled=${Boolean(locked)}
                aria-invalid=${this.fields.invalid('user_role')}
                aria-describedby=${this.fields.describedBy('user_role', ...hints)}
                @change=${() => this.chooseRole(role.id)}
              />
              <label for="role-${role.id}">${this.localize.t(`role.${role.id}`)}</label>
              <p class="hint" id="role-${role.id}-info">
                ${this.localize.t(`roleInfo.${role.id}`)}
              </p>
            </div>
          `;
        })}
        ${this.fields.message('user_role')}
      </fieldset>
    `;
  }

  private renderCloud() {
    const f = this.form;
    return html`
      <fieldset>
        <legend>${this.localize.t('invite.cloud')}</legend>
        <p class="accent-hint">${this.localize.t('invite.cloudHint')}</p>
        <label class="field">
          <span>${this.localize.t('invite.scope')}</span>
          <select part="input" name="scope" @change=${this.onScope}>
            <option value="client" ?selected=${f.scope === 'client'}>
              ${this.localize.t('invite.scope.client')}
            </option>
            <option value="project" ?selected=${f.scope === 'project'}>
              ${this.localize.t('invite.scope.project')}
            </option>
          </select>
        </label>
        ${f.scope === 'client' ? this.renderClientRole() : this.renderProjectRows()}
        ${this.fields.message('cloud')}
      </fieldset>
    `;
  }

  private renderClientRole() {
    return html`
      <div class="field">
        <label for="user-client-role">${this.localize.t('invite.clientRole')}</label>
        <select
          id="user-client-role"
          part="input"
          name="client_role"
          data-field="cloud.client_role"
          aria-invalid=${this.fields.invalid('cloud.client_role')}
          aria-describedby=${this.fields.describedBy('cloud.client_role')}
          @change=${(event: Event) => {
            this.cloudTouched = true;
            this.patch({
              clientRole: (event.target as HTMLSelectElement).value as UserFormState['clientRole'],
            });
          }}
        >
          <option value="" ?selected=${this.form.clientRole === ''}>
            ${this.localize.t('invite.clientRole.none')}
          </option>
          <option
            value="ClientAdministrator"
            ?selected=${this.form.clientRole === 'ClientAdministrator'}
          >
            ${this.localize.t('invite.clientRole.ClientAdministrator')}
          </option>
        </select>
        ${this.fields.message('cloud.client_role')}
      </div>
    `;
  }

  private renderProjectRows() {
    const projects = this.projects.value ?? [];
    const rows = this.form.rows;
    const status = this.projects.render({
      pending: () =>
        html`<p class="hint" role="status">${this.localize.t('invite.projectsLoading')}</p>`,
      error: (error) =>
        isAbortError(error)
          ? nothing
          : html`<p class="field-error">
              ${this.localize.t('invite.projectsFailed')}
              <button type="button" part="button" class="link" @click=${() => this.projects.run()}>
                ${this.localize.t('users.retry')}
              </button>
            </p>`,
      complete: (list) =>
        list.length === 0
          ? html`<p class="hint">${this.localize.t('invite.noProjects')}</p>`
          : nothing,
    });
    return html`
      ${status}
      ${
        rows.length
          ? html`<div class="project-head" aria-hidden="true">
              <span class="label">${this.localize.t('invite.project')}</span>
              <span class="label">${this.localize.t('invite.projectRole')}</span>
            </div>`
          : projects.length
            ? html`<p class="hint">${this.localize.t('invite.noProjectRows')}</p>`
            : nothing
      }
      <div class="project-rows">
        ${repeat(
          rows,
          (row) => row.key,
          (row, index) => this.renderProjectRow(row, index, projects),
        )}
      </div>
      ${this.fields.message('cloud.projects')}
      <div>
        <button
          type="button"
          part="button"
          data-action="add-project"
          aria-label=${this.localize.t('invite.addProject')}
          title=${this.localize.t('invite.addProject')}
          ?disabled=${rows.length >= projects.length}
          @click=${() => this.addRow()}
        >
          +
        </button>
      </div>
    `;
  }

  private renderProjectRow(row: ProjectRow, index: number, projects: Project[]) {
    const n = index + 1;
    const projectField = `cloud.projects.${index}.project_id`;
    const roleField = `cloud.projects.${index}.role`;
    const taken = new Set(this.form.rows.filter((r) => r.key !== row.key).map((r) => r.projectId));
    // A row may name a project the list does not hold (yet, or any more): keep it selectable.
    const known = projects.some((project) => project.id === row.projectId);
    return html`
      <div class="project-row" data-row=${index}>
        <select
          part="input"
          name="project_id"
          aria-label=${this.localize.t('invite.projectN', { n })}
          data-field=${projectField}
          aria-invalid=${this.fields.invalid(projectField)}
          aria-describedby=${this.fields.describedBy(projectField)}
          @change=${(event: Event) =>
            this.updateRow(row, { projectId: Number((event.target as HTMLSelectElement).value) })}
        >
          ${row.projectId === undefined ? html`<option value="" selected></option>` : nothing}
          ${
            row.projectId !== undefined && !known
              ? html`<option value=${row.projectId} selected>
                  ${this.localize.t('edit.projectN', { id: row.projectId })}
                </option>`
              : nothing
          }
          ${projects.map(
            (project) => html`
              <option
                value=${project.id}
                ?selected=${row.projectId === project.id}
                ?disabled=${taken.has(project.id)}
              >
                ${project.name}
              </option>
            `,
          )}
        </select>
        <select
          part="input"
          name="project_role"
          aria-label=${this.localize.t('invite.projectRoleN', { n })}
          data-field=${roleField}
          aria-invalid=${this.fields.invalid(roleField)}
          aria-describedby=${this.fields.describedBy(roleField)}
          @change=${(event: Event) =>
            this.updateRow(row, { role: (event.target as HTMLSelectElement).value as ProjectRole })}
        >
          ${CLOUD_PROJECT_ROLES.map(
            (role) => html`
              <option value=${role} ?selected=${row.role === role}>
                ${this.localize.t(`cloudRole.${role}`)}
              </option>
            `,
          )}
        </select>
        <button
          type="button"
          part="button"
          data-action="remove-project"
          aria-label=${this.localize.t('invite.removeProject', { n })}
          title=${this.localize.t('invite.removeProject', { n })}
          @click=${() => this.removeRow(row)}
        >
          <span aria-hidden="true">✕</span>
        </button>
        ${this.fields.message(projectField)} ${this.fields.message(roleField)}
        ${this.fields.message(`cloud.projects.${index}`)}
      </div>
    `;
  }

  private patch(change: Partial<UserFormState>) {
    this.form = { ...this.form, ...change };
  }

  /** PRODUCT.md: choosing Administrators preselects Client scope with Administrator. */
  private chooseRole(roleId: IamRoleId) {
    const change: Partial<UserFormState> = { roleId };
    if (roleId === ROLE.administrators) {
      Object.assign(change, { scope: 'client', clientRole: 'ClientAdministrator', rows: [] });
      this.cloudTouched = false;
    } else if (!this.cloudTouched && this.form.roleId === ROLE.administrators) {
      // Leaving Administrators undoes what it preselected, unless the admin changed it since.
      Object.assign(change, { scope: 'client', clientRole: '', rows: [] });
    }
    this.patch(change);
  }

  private onScope(event: Event) {
    const scope = (event.target as HTMLSelectElement).value as Scope;
    this.cloudTouched = true;
    this.patch({ scope, clientRole: '', rows: [] });
    if (scope === 'project') this.addDefaultRow(this.projects.value ?? []);
  }

  /** Project scope starts with one row, on the first project. */
  private addDefaultRow(projects: Project[]) {
    if (this.form.scope === 'project' && this.form.rows.length === 0 && projects.length) {
      this.addRow(projects);
    }
  }

  /**
   * `projects`: the list when it has just arrived; the task stores it only after its function
   * returns, so a scope chosen while it loaded would otherwise get no row.
   */
  private addRow(projects: Project[] = this.projects.value ?? []) {
    const used = new Set(this.form.rows.map((row) => row.projectId));
    const free = projects.find((project) => !used.has(project.id));
    if (!free) return;
    this.cloudTouched = true;
    this.patch({ rows: [...this.form.rows, projectRow(free.id, DEFAULT_PROJECT_ROLE)] });
  }

  private removeRow(row: ProjectRow) {
    this.cloudTouched = true;
    this.patch({ rows: this.form.rows.filter((r) => r.key !== row.key) });
    // Removing the row that had focus would drop focus on the body: keep it in the form.
    void this.updateComplete.then(() =>
      this.querySelector<HTMLButtonElement>('[data-action="add-project"]')?.focus(),
    );
  }

  /** Rows are matched by key: a handler of an older render still finds its row. */
  private updateRow(row: ProjectRow, change: Partial<ProjectRow>) {
    this.cloudTouched = true;
    this.patch({
      rows: this.form.rows.map((r) => (r.key === row.key ? { ...r, ...change } : r)),
    });
  }
}

define('um-user-form', UmUserForm);

declare global {
  interface HTMLElementTagNameMap {
    'um-user-form': UmUserForm;
  }
}
