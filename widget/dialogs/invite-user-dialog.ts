import { LitElement, css, html, nothing } from 'lit';
import { property, query, state } from 'lit/decorators.js';
import { Task } from '@lit/task';
import { inviteUserBody, type InviteUserBody, type Project } from '../../shared/invitations.ts';
import type { FieldErrors } from '../../shared/errors.ts';
import {
  CLOUD_PROJECT_ROLES,
  IAM_ROLES,
  OFFERED_LANGUAGES,
  ROLE,
  iamRole,
  type IamRoleId,
} from '../../shared/roles.ts';
import { ApiError, isAbortError, type ApiClient } from '../api/client.ts';
import { UmErrorEvent, UmUserInvitedEvent } from '../events.ts';
import { errorText, fieldErrorText } from '../locales/errors.ts';
import { t, type MessageKey, type Params } from '../locales/index.ts';
import { controls } from '../styles/controls.ts';
import { define } from '../define.ts';

type ProjectRole = (typeof CLOUD_PROJECT_ROLES)[number];
type Scope = 'client' | 'project';

interface ProjectRow {
  /** Stable key of the row, so removing one does not shuffle the others' fields. */
  key: number;
  projectId: number | undefined;
  role: ProjectRole;
}

interface FormState {
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

function emptyForm(): FormState {
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

/** `cloud.projects.0.project_id` → `cloud-projects-0-project_id`: usable in an id reference. */
function errorId(field: string): string {
  return `error-${field.replace(/\./g, '-')}`;
}

const PROJECT_FIELD = /^cloud\.projects\.(\d+)\.(project_id|role)$/;

/**
 * The Invite user form (PRODUCT.md "Invite user"), in a modal `<dialog>`. It validates with the
 * BFF's own zod schema (`inviteUserBody`) before sending, so a malformed email never makes a
 * request; what only the BFF can know (already invited, the daily limit) comes back as field
 * errors or a message in the alert area. On success it closes and fires `um-user-invited`.
 * However it closes (Escape, Cancel, success), focus goes back to the element that opened it.
 */
export class UmInviteUserDialog extends LitElement {
  static override styles = [
    controls,
    css`
      dialog {
        width: min(60rem, calc(100vw - 2rem));
        max-height: calc(100vh - 2rem);
        padding: 0;
        border: 1px solid var(--_border);
        border-radius: var(--_radius);
        color: var(--_text);
        background: var(--_surface);
        box-shadow: 0 8px 32px rgb(0 0 0 / 0.25);
      }
      dialog::backdrop {
        background: rgb(0 0 0 / 0.45);
      }
      form {
        display: flex;
        flex-direction: column;
        max-height: calc(100vh - 2rem);
      }
      header,
      footer {
        padding: calc(var(--_space) * 2) calc(var(--_space) * 3);
      }
      header {
        border-bottom: 1px solid var(--_border);
      }
      h2 {
        margin: 0;
        font-size: 1.5em;
      }
      .body {
        overflow: auto;
        padding: calc(var(--_space) * 2) calc(var(--_space) * 3);
      }
      .columns {
        display: grid;
        gap: calc(var(--_space) * 3);
      }
      @media (min-width: 48rem) {
        .columns {
          grid-template-columns: 1fr 1fr;
        }
      }
      .column {
        display: grid;
        gap: calc(var(--_space) * 2);
        align-content: start;
      }
      footer {
        display: flex;
        justify-content: flex-end;
        gap: var(--_space);
        border-top: 1px solid var(--_border);
      }
      label.field,
      .field {
        display: grid;
        gap: 4px;
      }
      .field > label,
      .field > span:not(.field-error),
      .label {
        font-size: 0.9em;
        color: var(--_text-muted);
      }
      fieldset {
        margin: 0;
        padding: 0;
        border: none;
        display: grid;
        gap: var(--_space);
        min-width: 0;
      }
      legend {
        padding: 0;
        margin-bottom: var(--_space);
        font-weight: 600;
      }
      .inline-radios {
        display: flex;
        flex-wrap: wrap;
        gap: var(--_space) calc(var(--_space) * 2);
      }
      .inline-radios legend {
        font-weight: normal;
        font-size: 0.9em;
        color: var(--_text-muted);
        margin-bottom: 4px;
      }
      .radio {
        display: flex;
        align-items: center;
        gap: 6px;
      }
      .role {
        display: grid;
        grid-template-columns: auto 1fr;
        column-gap: var(--_space);
      }
      .role input {
        margin: 3px 0 0;
      }
      .role .hint {
        grid-column: 2;
      }
      .hint {
        margin: 0;
        font-size: 0.9em;
        color: var(--_text-muted);
      }
      .accent-hint {
        margin: 0;
        color: var(--_accent);
      }
      .field-error {
        color: var(--_danger);
        font-size: 0.9em;
      }
      .project-rows {
        display: grid;
        gap: var(--_space);
      }
      .project-row {
        display: grid;
        grid-template-columns: minmax(0, 1fr) minmax(0, 1.3fr) auto;
        gap: var(--_space);
        align-items: start;
      }
      .project-row .field-error {
        grid-column: 1 / -1;
      }
      .project-head {
        display: grid;
        grid-template-columns: minmax(0, 1fr) minmax(0, 1.3fr) auto;
        gap: var(--_space);
      }
      .alert:empty {
        display: none;
      }
    `,
  ];

  @property({ attribute: false }) client!: ApiClient;
  /** The account invited into (`client_id` of the request). */
  @property({ attribute: false }) clientId = 0;
  @property() override lang = 'en';

  @state() private form: FormState = emptyForm();
  /** The administrator changed Cloud access by hand: a role change no longer resets it. */
  private cloudTouched = false;
  @state() private busy = false;
  @state() private fieldErrors: FieldErrors = {};
  @state() private failure: ApiError | undefined;
  /** The host cancelled `um-error` for the last failure: show no message of our own. */
  @state() private failureSuppressed = false;
  private nextRowKey = 0;

  @query('dialog') private dialog!: HTMLDialogElement;
  /** Takes focus back when the dialog closes (the browser's own restoring misses clicked buttons). */
  private opener: HTMLElement | undefined;

  private readonly projects = new Task(this, {
    task: async ([client], { signal }) => {
      const projects = await client.projects(signal);
      this.addDefaultRow(projects);
      return projects;
    },
    args: () => [this.client] as const,
    autoRun: false,
  });

  private t(key: MessageKey, params?: Params): string {
    return t(key, params, this.lang);
  }

  /** The form exists only while the dialog is open: a closed dialog leaves no fields in the page. */
  @state() private isOpen = false;

  /** Whether the dialog is showing. */
  get open(): boolean {
    return this.dialog?.open ?? false;
  }

  /** Opens the dialog with an empty form, focus on Name; closing focuses `opener` again. */
  async show(opener?: HTMLElement) {
    this.opener = opener;
    this.form = emptyForm();
    this.cloudTouched = false;
    this.fieldErrors = {};
    this.failure = undefined;
    this.busy = false;
    this.isOpen = true;
    void this.projects.run();
    await this.updateComplete;
    if (!this.dialog.open) this.dialog.showModal();
    this.renderRoot.querySelector<HTMLInputElement>('#invite-name')?.focus();
  }

  close() {
    if (this.dialog?.open) this.dialog.close();
    this.opener?.focus();
  }

  override render() {
    return html`
      <dialog
        part="dialog"
        aria-labelledby="invite-heading"
        @cancel=${(event: Event) => {
          // A request in flight finishes first; Escape does not abandon it half-way.
          if (this.busy) event.preventDefault();
        }}
        @close=${() => {
          this.isOpen = false;
          this.opener?.focus();
        }}
      >
        ${this.isOpen ? this.renderForm() : nothing}
      </dialog>
    `;
  }

  private renderForm() {
    const f = this.form;
    return html`
      <form novalidate @submit=${this.onSubmit}>
        <header>
          <h2 id="invite-heading">${this.t('invite.heading')}</h2>
        </header>
        <div class="body">
          <div class="alert" part="error" role="alert">${this.renderFailure()}</div>
          <div class="columns">
            <div class="column">
              ${this.renderTextField('name', 'invite.name', 'text', f.name, 'invite.namePlaceholder')}
              ${this.renderTextField('email', 'invite.email', 'email', f.email, 'invite.emailPlaceholder')}
              ${this.renderLanguage()} ${this.renderRoles()}
            </div>
            <div class="column">${this.renderCloud()}</div>
          </div>
        </div>
        <footer>
          <button type="button" part="button" ?disabled=${this.busy} @click=${() => this.close()}>
            ${this.t('invite.cancel')}
          </button>
          <button
            type="submit"
            class="primary"
            part="button"
            ?disabled=${this.busy}
            aria-busy=${this.busy ? 'true' : 'false'}
          >
            ${this.t(this.busy ? 'invite.submitting' : 'invite.submit')}
          </button>
        </footer>
      </form>
    `;
  }

  private renderFailure() {
    const failure = this.failure;
    const unplaced = Object.entries(this.fieldErrors).filter(([field]) => !this.isPlaced(field));
    if (!failure && unplaced.length === 0) return nothing;
    const lines: string[] = [];
    if (failure && !this.failureSuppressed) {
      lines.push(
        errorText(
          failure,
          this.lang,
          failure.code === 'rate_limited' ? this.t('invite.rateLimited') : undefined,
        ),
      );
    }
    // Field errors the form has no place for (a field this version does not show) still count.
    for (const [field, messages] of unplaced) {
      lines.push(`${field}: ${this.messagesText(messages)}`);
    }
    return lines.map((line) => html`<p>${line}</p>`);
  }

  /** The error messages of one field, joined; undefined when it has none. */
  private errorOf(field: string): string | undefined {
    const messages = this.fieldErrors[field];
    return messages?.length ? this.messagesText(messages) : undefined;
  }

  private messagesText(messages: readonly string[]): string {
    return messages.map((message) => fieldErrorText(message, this.lang)).join(' ');
  }

  /** Errors of a group: the field itself and anything below it (`user_role.id`). */
  private groupError(prefix: string): string | undefined {
    const messages = Object.entries(this.fieldErrors)
      .filter(([field]) => field === prefix || field.startsWith(`${prefix}.`))
      .flatMap(([, list]) => list);
    return messages.length ? this.messagesText(messages) : undefined;
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

  private fieldError(field: string, message: string | undefined) {
    return message
      ? html`<span class="field-error" part="field-error" id=${errorId(field)}>${message}</span>`
      : nothing;
  }

  private renderTextField(
    field: 'name' | 'email',
    label: MessageKey,
    type: 'text' | 'email',
    value: string,
    placeholder: MessageKey,
  ) {
    const error = this.errorOf(field);
    return html`
      <div class="field">
        <label for="invite-${field}">${this.t(label)}</label>
        <input
          id="invite-${field}"
          part="input"
          name=${field}
          type=${type}
          autocomplete="off"
          placeholder=${this.t(placeholder)}
          .value=${value}
          aria-invalid=${error ? 'true' : 'false'}
          aria-describedby=${error ? errorId(field) : nothing}
          @input=${(event: InputEvent) =>
            this.patch({ [field]: (event.target as HTMLInputElement).value })}
        />
        ${this.fieldError(field, error)}
      </div>
    `;
  }

  private renderLanguage() {
    const error = this.groupError('lang');
    return html`
      <fieldset class="inline-radios">
        <legend>${this.t('invite.language')}</legend>
        ${OFFERED_LANGUAGES.map(
          (lang) => html`
            <label class="radio">
              <input
                type="radio"
                name="lang"
                .value=${lang}
                .checked=${this.form.lang === lang}
                aria-invalid=${error ? 'true' : 'false'}
                aria-describedby=${error ? errorId('lang') : nothing}
                @change=${() => this.patch({ lang })}
              />
              ${this.t(`lang.${lang}`)}
            </label>
          `,
        )}
        ${this.fieldError('lang', error)}
      </fieldset>
    `;
  }

  private renderRoles() {
    const error = this.groupError('user_role');
    return html`
      <fieldset>
        <legend>${this.t('invite.iamRole')}</legend>
        ${IAM_ROLES.map(
          (role) => html`
            <div class="role">
              <input
                type="radio"
                id="role-${role.id}"
                name="user_role"
                .value=${String(role.id)}
                .checked=${this.form.roleId === role.id}
                aria-invalid=${error ? 'true' : 'false'}
                aria-describedby="role-${role.id}-info${error ? ` ${errorId('user_role')}` : ''}"
                @change=${() => this.chooseRole(role.id)}
              />
              <label for="role-${role.id}">${this.t(`role.${role.id}`)}</label>
              <p class="hint" id="role-${role.id}-info">${this.t(`roleInfo.${role.id}`)}</p>
            </div>
          `,
        )}
        ${this.fieldError('user_role', error)}
      </fieldset>
    `;
  }

  private renderCloud() {
    const f = this.form;
    const cloudError = this.errorOf('cloud');
    return html`
      <fieldset>
        <legend>${this.t('invite.cloud')}</legend>
        <p class="accent-hint">${this.t('invite.cloudHint')}</p>
        <label class="field">
          <span>${this.t('invite.scope')}</span>
          <select part="input" name="scope" @change=${this.onScope}>
            <option value="client" ?selected=${f.scope === 'client'}>
              ${this.t('invite.scope.client')}
            </option>
            <option value="project" ?selected=${f.scope === 'project'}>
              ${this.t('invite.scope.project')}
            </option>
          </select>
        </label>
        ${f.scope === 'client' ? this.renderClientRole() : this.renderProjectRows()}
        ${this.fieldError('cloud', cloudError)}
      </fieldset>
    `;
  }

  private renderClientRole() {
    const error = this.errorOf('cloud.client_role');
    return html`
      <div class="field">
        <label for="invite-client-role">${this.t('invite.clientRole')}</label>
        <select
          id="invite-client-role"
          part="input"
          name="client_role"
          aria-invalid=${error ? 'true' : 'false'}
          aria-describedby=${error ? errorId('cloud.client_role') : nothing}
          @change=${(event: Event) => {
            this.cloudTouched = true;
            this.patch({
              clientRole: (event.target as HTMLSelectElement).value as FormState['clientRole'],
            });
          }}
        >
          <option value="" ?selected=${this.form.clientRole === ''}>
            ${this.t('invite.clientRole.none')}
          </option>
          <option
            value="ClientAdministrator"
            ?selected=${this.form.clientRole === 'ClientAdministrator'}
          >
            ${this.t('invite.clientRole.ClientAdministrator')}
          </option>
        </select>
        ${this.fieldError('cloud.client_role', error)}
      </div>
    `;
  }

  private renderProjectRows() {
    const projects = this.projects.value ?? [];
    const rows = this.form.rows;
    const listError = this.errorOf('cloud.projects');
    const status = this.projects.render({
      pending: () => html`<p class="hint" role="status">${this.t('invite.projectsLoading')}</p>`,
      error: (error) =>
        isAbortError(error)
          ? nothing
          : html`<p class="field-error">
              ${this.t('invite.projectsFailed')}
              <button type="button" part="button" class="link" @click=${() => this.projects.run()}>
                ${this.t('users.retry')}
              </button>
            </p>`,
      complete: (list) =>
        list.length === 0 ? html`<p class="hint">${this.t('invite.noProjects')}</p>` : nothing,
    });
    return html`
      ${status}
      ${
        rows.length
          ? html`<div class="project-head" aria-hidden="true">
              <span class="label">${this.t('invite.project')}</span>
              <span class="label">${this.t('invite.projectRole')}</span>
            </div>`
          : projects.length
            ? html`<p class="hint">${this.t('invite.noProjectRows')}</p>`
            : nothing
      }
      <div class="project-rows">
        ${rows.map((row, index) => this.renderProjectRow(row, index, projects))}
      </div>
      ${this.fieldError('cloud.projects', listError)}
      <div>
        <button
          type="button"
          part="button"
          data-action="add-project"
          aria-label=${this.t('invite.addProject')}
          title=${this.t('invite.addProject')}
          ?disabled=${rows.length >= projects.length}
          @click=${this.addRow}
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
    const projectError = this.errorOf(projectField);
    const roleError = this.errorOf(roleField);
    const rowError = this.errorOf(`cloud.projects.${index}`);
    const taken = new Set(this.form.rows.filter((r) => r !== row).map((r) => r.projectId));
    return html`
      <div class="project-row" data-row=${index}>
        <select
          part="input"
          name="project_id"
          aria-label=${this.t('invite.projectN', { n })}
          aria-invalid=${projectError ? 'true' : 'false'}
          aria-describedby=${projectError ? errorId(projectField) : nothing}
          @change=${(event: Event) =>
            this.updateRow(row, { projectId: Number((event.target as HTMLSelectElement).value) })}
        >
          ${row.projectId === undefined ? html`<option value="" selected></option>` : nothing}
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
          aria-label=${this.t('invite.projectRoleN', { n })}
          aria-invalid=${roleError ? 'true' : 'false'}
          aria-describedby=${roleError ? errorId(roleField) : nothing}
          @change=${(event: Event) =>
            this.updateRow(row, { role: (event.target as HTMLSelectElement).value as ProjectRole })}
        >
          ${CLOUD_PROJECT_ROLES.map(
            (role) => html`
              <option value=${role} ?selected=${row.role === role}>
                ${this.t(`cloudRole.${role}`)}
              </option>
            `,
          )}
        </select>
        <button
          type="button"
          part="button"
          data-action="remove-project"
          aria-label=${this.t('invite.removeProject', { n })}
          title=${this.t('invite.removeProject', { n })}
          @click=${() => this.removeRow(row)}
        >
          <span aria-hidden="true">✕</span>
        </button>
        ${this.fieldError(projectField, projectError)} ${this.fieldError(roleField, roleError)}
        ${this.fieldError(`cloud.projects.${index}`, rowError)}
      </div>
    `;
  }

  private patch(change: Partial<FormState>) {
    this.form = { ...this.form, ...change };
  }

  /** PRODUCT.md: choosing Administrators preselects Client scope with Administrator. */
  private chooseRole(roleId: IamRoleId) {
    const change: Partial<FormState> = { roleId };
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
      this.addRow();
    }
  }

  private addRow() {
    const used = new Set(this.form.rows.map((row) => row.projectId));
    const free = (this.projects.value ?? []).find((project) => !used.has(project.id));
    if (!free) return;
    this.cloudTouched = true;
    this.patch({
      rows: [
        ...this.form.rows,
        { key: ++this.nextRowKey, projectId: free.id, role: DEFAULT_PROJECT_ROLE },
      ],
    });
  }

  private removeRow(row: ProjectRow) {
    this.cloudTouched = true;
    this.patch({ rows: this.form.rows.filter((r) => r !== row) });
    // Removing the row that had focus would drop focus on the body: keep it in the form.
    void this.updateComplete.then(() =>
      this.renderRoot.querySelector<HTMLButtonElement>('[data-action="add-project"]')?.focus(),
    );
  }

  private updateRow(row: ProjectRow, change: Partial<ProjectRow>) {
    this.cloudTouched = true;
    this.patch({ rows: this.form.rows.map((r) => (r === row ? { ...r, ...change } : r)) });
  }

  /** The request body, as the BFF's schema expects it (before validation). */
  private body(): InviteUserBody {
    const f = this.form;
    const name = f.name.trim();
    return {
      client_id: this.clientId,
      email: f.email,
      user_role: { id: f.roleId, name: iamRole(f.roleId).name },
      ...(name ? { name } : {}),
      lang: f.lang as InviteUserBody['lang'],
      cloud:
        f.scope === 'client'
          ? { client_role: f.clientRole || null, projects: [] }
          : {
              client_role: null,
              projects: f.rows.map((row) => ({ project_id: row.projectId ?? 0, role: row.role })),
            },
    };
  }

  private async onSubmit(event: SubmitEvent) {
    event.preventDefault();
    if (this.busy) return;
    this.failure = undefined;
    const parsed = inviteUserBody.safeParse(this.body());
    if (!parsed.success) {
      const errors: FieldErrors = {};
      for (const issue of parsed.error.issues) {
        const field = issue.path.join('.') || 'cloud';
        (errors[field] ??= []).push(issue.message);
      }
      this.fieldErrors = errors;
      await this.focusFirstInvalid();
      return;
    }
    this.fieldErrors = {};
    this.busy = true;
    try {
      const result = await this.client.inviteUser(parsed.data);
      this.busy = false;
      this.close();
      this.dispatchEvent(
        new UmUserInvitedEvent({ userId: result.user_id, email: parsed.data.email }),
      );
    } catch (error) {
      this.busy = false;
      const apiError =
        error instanceof ApiError ? error : new ApiError(0, 'unexpected_response', String(error));
      const notice = new UmErrorEvent({ error: apiError });
      this.dispatchEvent(notice);
      this.failureSuppressed = notice.defaultPrevented;
      this.failure = apiError;
      this.fieldErrors = apiError.fieldErrors;
      await this.focusFirstInvalid();
    }
  }

  private async focusFirstInvalid() {
    await this.updateComplete;
    this.renderRoot.querySelector<HTMLElement>('[aria-invalid="true"]')?.focus();
  }
}

define('um-invite-user-dialog', UmInviteUserDialog);

declare global {
  interface HTMLElementTagNameMap {
    'um-invite-user-dialog': UmInviteUserDialog;
  }
}
