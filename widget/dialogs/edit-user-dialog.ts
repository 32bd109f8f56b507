import { LitElement, html, nothing } from 'lit';
import { query, state } from 'lit/decorators.js';
import type { ClientMe } from '../../shared/clients.ts';
import type { CloudAssignment } from '../../shared/cloud.ts';
import type { FieldErrors } from '../../shared/errors.ts';
import { clientUserRole, cloudAccessInput, updateUserBody } from '../../shared/form-checks.ts';
import { actorOf, can } from '../../shared/permissions.ts';
import { ROLE, iamRole, isIamRoleId, type CloudRole } from '../../shared/roles.ts';
import type { UpdateUserBody, User } from '../../shared/users.ts';
import type { ApiClient, ApiError } from '../api/client.ts';
import '../components/user-form.ts';
import {
  cloudOf,
  projectRow,
  type ProjectRole,
  type UmUserForm,
  type UserFormState,
} from '../components/user-form.ts';
import { userFormStyles } from '../components/user-form.styles.ts';
import { announceError, UmUserUpdatedEvent } from '../events.ts';
import { issuesToFieldErrors } from '../locales/errors.ts';
import { controls } from '../styles/controls.ts';
import { dialogStyles } from '../styles/dialog.ts';
import { formFields } from '../styles/form.ts';
import { define } from '../define.ts';
import '../locales/en.ts'; // its English texts come with it (decision 031)
import { LocalizeController } from '../controllers/localize.ts';
import { clientContext, meContext, provided } from '../context.ts';
import * as history from './edit-user-history.ts';

/** What the server holds for the user being edited: the baseline a save is compared with. */
interface Loaded {
  user: User;
  assignments: CloudAssignment[];
  /** Editing yourself as the account's only active Administrator: the role cannot change. */
  lastAdministrator: boolean;
}

/** Key of a Cloud assignment's scope: `client`, or the project's id. */
type ScopeKey = 'client' | number;

function scopeKey(projectId: number | null): ScopeKey {
  return projectId === null ? 'client' : projectId;
}

/** The form's values for a user as the server holds them. */
function formOf(user: User, assignments: CloudAssignment[]): UserFormState {
  const roleId = user.groups[0]?.id;
  const client = assignments.find((a) => a.project_id === null);
  const projects = assignments.filter((a) => a.project_id !== null);
  return {
    name: user.name ?? '',
    email: user.email,
    lang: user.lang,
    roleId: roleId !== undefined && isIamRoleId(roleId) ? roleId : ROLE.users,
    scope: !client && projects.length ? 'project' : 'client',
    clientRole: client ? 'ClientAdministrator' : '',
    rows: client ? [] : projects.map((a) => projectRow(a.project_id!, a.role as ProjectRole)),
  };
}

/**
 * Edit user (PRODUCT.md "Edit user"), for Administrators: the shared `<um-user-form>` filled with
 * the user's current values (`GET /iam/users/{id}` and their Cloud assignments). The email is shown
 * but read-only: only its owner changes it. Save sends only what changed: the IAM role
 * (`PUT …/client-users/{id}`), name and language (`PATCH /iam/users/{id}`), then the difference
 * of Cloud access (`POST`/`PATCH`/`DELETE /cloud/v1/users/assignments`). Everything is checked
 * with the BFF's rules first (shared/form-checks.ts). Refusals (the last Administrator, a token of a higher role)
 * appear in the alert with their message. When anything was saved it fires `um-user-updated`;
 * on full success it closes, and focus goes back to the element that opened it.
 */
export class UmEditUserDialog extends LitElement {
  static override styles = [controls, dialogStyles, formFields, userFormStyles];

  private readonly localize = new LocalizeController(this);

  @provided(clientContext) client!: ApiClient;
  /** The account and the caller (`GET /iam/clients/me`). */
  @provided(meContext) me: ClientMe | undefined;

  @state() private isOpen = false;
  @state() private loaded: Loaded | undefined;
  @state() private loadError: ApiError | undefined;
  @state() private busy = false;
  @state() private fieldErrors: FieldErrors = {};
  @state() private failure: ApiError | undefined;
  @state() private failureSuppressed = false;
  /** The Profile form, or the member's History (Administrators: the account's audit rows). */
  @state() private tab: history.EditTab = 'profile';

  @query('dialog') private dialog!: HTMLDialogElement;
  @query('um-user-form') private form!: UmUserForm | null;
  private opener: HTMLElement | undefined;
  private userId = 0;
  private loading: AbortController | undefined;

  /** Whether the dialog is showing. */
  get open(): boolean {
    return this.dialog?.open ?? false;
  }

  /** Opens the dialog for `userId`, loads their current values and focuses Name. */
  async show(userId: number, opener?: HTMLElement) {
    this.opener = opener;
    this.userId = userId;
    this.fieldErrors = {};
    this.failure = undefined;
    this.busy = false;
    this.loaded = undefined;
    this.tab = 'profile';
    this.isOpen = true;
    await this.updateComplete;
    if (!this.dialog.open) this.dialog.showModal();
    await this.load();
  }

  close() {
    if (this.dialog?.open) this.dialog.close();
    this.opener?.focus();
  }

  private async load() {
    this.loading?.abort();
    const controller = new AbortController();
    this.loading = controller;
    this.loadError = undefined;
    try {
      const loaded = await this.fetchLoaded(controller.signal);
      if (controller.signal.aborted) return;
      this.loaded = loaded;
      await this.updateComplete;
      this.form?.reset(formOf(loaded.user, loaded.assignments));
      await this.form?.updateComplete;
      this.renderRoot.querySelector<HTMLInputElement>('#user-name')?.focus();
    } catch (error) {
      if (controller.signal.aborted) return;
      this.loadError = this.report(error);
      await this.updateComplete;
      this.renderRoot.querySelector<HTMLButtonElement>('[data-action="retry"]')?.focus();
    }
  }

  private async fetchLoaded(signal?: AbortSignal): Promise<Loaded> {
    const me = this.me;
    const self = me?.currentUser === this.userId;
    const [user, assignments, administrators] = await Promise.all([
      this.client.user(this.userId, signal),
      this.client.cloudAssignments(this.userId, signal),
      self
        ? this.client.listUsers(
            { role: [String(ROLE.administrators)], status: 'active', limit: 1, offset: 0 },
            signal,
          )
        : undefined,
    ]);
    const isAdministrator = user.groups[0]?.id === ROLE.administrators;
    return {
      user,
      assignments,
      lastAdministrator: self && isAdministrator && (administrators?.count ?? 0) <= 1,
    };
  }

  /** Whether this account may change the person's name and language (shared/permissions.ts). */
  private mayEditProfile(user: User): boolean {
    const actor = actorOf(this.me);
    return actor
      ? can(actor, 'users.update_profile', { userId: user.id, sharedProfile: user.shared_profile })
      : false;
  }

  override render() {
    return html`
      <dialog
        part="dialog"
        aria-labelledby="edit-heading"
        @cancel=${(event: Event) => {
          if (this.busy) event.preventDefault();
        }}
        @close=${() => {
          this.isOpen = false;
          this.loading?.abort();
          this.opener?.focus();
        }}
      >
        ${this.isOpen ? this.renderForm() : nothing}
      </dialog>
    `;
  }

  private renderForm() {
    const loaded = this.loaded;
    const profile = history.profilePanel(this.tabs);
    return html`
      <form novalidate @submit=${this.onSubmit}>
        <header>
          <h2 id="edit-heading">${this.localize.t('edit.heading')}</h2>
        </header>
        ${history.renderEditTabs(this.tabs)}
        <div
          class="body"
          role=${profile.role}
          id=${profile.id}
          aria-labelledby=${profile.labelledBy}
          ?hidden=${profile.hidden}
        >
          ${
            loaded
              ? html`<um-user-form
                  emailMode="readonly"
                  .roleLockedReason=${loaded.lastAdministrator ? this.localize.t('edit.lastAdministrator') : ''}
                  .profileLockedReason=${this.mayEditProfile(loaded.user) ? '' : this.localize.t('edit.profileShared')}
                  .fieldErrors=${this.fieldErrors}
                  .failure=${this.failureLines()}
                ></um-user-form>`
              : this.loadError
                ? html`<div class="alert" part="error" role="alert">
                    <p>
                      ${this.localize.t('edit.loadFailed')}
                      ${this.failureSuppressed ? '' : this.localize.error(this.loadError)}
                    </p>
                    <button
                      type="button"
                      part="button"
                      data-action="retry"
                      @click=${() => this.load()}
                    >
                      ${this.localize.t('users.retry')}
                    </button>
                  </div>`
                : html`<p class="loading" role="status">${this.localize.t('edit.loading')}</p>`
          }
        </div>
        ${history.renderHistoryPanel(this.tabs)}
        <footer>
          <button type="button" part="button" ?disabled=${this.busy} @click=${() => this.close()}>
            ${this.localize.t('edit.cancel')}
          </button>
          <button
            type="submit"
            class="primary"
            part="button"
            ?disabled=${this.busy || !loaded}
            aria-busy=${this.busy ? 'true' : 'false'}
          >
            ${this.localize.t(this.busy ? 'edit.submitting' : 'edit.submit')}
          </button>
        </footer>
      </form>
    `;
  }

  /** What the Profile and History tabs need (edit-user-history.ts). */
  private get tabs(): history.EditTabsOptions {
    const user = this.loaded?.user;
    return {
      localize: this.localize,
      client: this.client,
      me: this.me,
      tab: this.tab,
      onSelect: (tab) => (this.tab = tab),
      userId: this.userId,
      userLabel: user?.name ?? user?.email ?? `#${this.userId}`,
    };
  }

  private failureLines(): string[] {
    const failure = this.failure;
    return failure && !this.failureSuppressed ? [this.localize.error(failure)] : [];
  }

  private async onSubmit(event: SubmitEvent) {
    event.preventDefault();
    const loaded = this.loaded;
    const form = this.form;
    if (this.busy || !loaded || !form || !this.me) return;
    this.failure = undefined;
    const f = form.value;
    const { user, assignments } = loaded;

    // What changed, each part checked with the BFF's own schema.
    const errors: FieldErrors = {};
    const profile: UpdateUserBody = {};
    if (this.mayEditProfile(user)) {
      if (f.name.trim() !== (user.name ?? '')) profile.name = f.name.trim();
      if (f.lang !== user.lang) profile.lang = f.lang as UpdateUserBody['lang'];
    }
    const profileCheck = updateUserBody(profile);
    if (!profileCheck.success)
      Object.assign(errors, issuesToFieldErrors(profileCheck.error.issues, 'name'));

    const currentRole = user.groups[0]?.id;
    const roleBody =
      f.roleId !== currentRole
        ? { user_role: { id: f.roleId, name: iamRole(f.roleId).name } }
        : undefined;
    if (roleBody) {
      const roleCheck = clientUserRole(roleBody);
      if (!roleCheck.success)
        Object.assign(errors, issuesToFieldErrors(roleCheck.error.issues, 'user_role'));
    }

    const cloud = cloudOf(f);
    const cloudCheck = cloudAccessInput(cloud);
    if (!cloudCheck.success) {
      for (const [field, messages] of Object.entries(
        issuesToFieldErrors(cloudCheck.error.issues, ''),
      )) {
        errors[field ? `cloud.${field}` : 'cloud'] = messages;
      }
    }
    if (Object.keys(errors).length) {
      this.fieldErrors = errors;
      await this.updateComplete;
      await form.focusFirstInvalid();
      return;
    }
    this.fieldErrors = {};

    const wanted = new Map<ScopeKey, CloudRole>();
    if (cloud.client_role) wanted.set('client', cloud.client_role);
    for (const row of cloud.projects) wanted.set(row.project_id, row.role);
    const held = new Map(assignments.map((a) => [scopeKey(a.project_id), a]));
    const removals = [...held].filter(([key]) => !wanted.has(key)).map(([, a]) => a);
    const changes = [...held]
      .filter(([key, a]) => wanted.has(key) && wanted.get(key) !== a.role)
      .map(([key, a]) => ({ id: a.id, role: wanted.get(key)! }));
    const clientId = this.me!.id;
    const additions = [...wanted].filter(([key]) => !held.has(key));

    const steps: (() => Promise<unknown>)[] = [];
    // The role first: it is the change most likely to be refused (last Administrator, tokens).
    if (roleBody) steps.push(() => this.client.setRole(this.me!.id, user.id, roleBody));
    if (Object.keys(profile).length) steps.push(() => this.client.updateUser(user.id, profile));
    for (const a of removals) steps.push(() => this.client.deleteCloudAssignment(a.id));
    for (const c of changes) {
      steps.push(() => this.client.updateCloudAssignment(c.id, { role: c.role, user_id: user.id }));
    }
    for (const [key, role] of additions) {
      steps.push(() =>
        this.client.createCloudAssignment({
          user_id: user.id,
          client_id: clientId,
          project_id: key === 'client' ? null : key,
          role,
        }),
      );
    }
    if (steps.length === 0) {
      this.close();
      return;
    }

    this.busy = true;
    let saved = 0;
    try {
      for (const step of steps) {
        await step();
        saved++;
      }
      this.busy = false;
      this.close();
      this.dispatchEvent(new UmUserUpdatedEvent({ userId: user.id, lang: f.lang }));
    } catch (error) {
      this.busy = false;
      const apiError = this.report(error);
      this.failure = apiError;
      this.fieldErrors = apiError.fieldErrors;
      if (saved > 0) {
        // Part of it is on the server: compare the next Save with what is there now.
        this.dispatchEvent(new UmUserUpdatedEvent({ userId: user.id }));
        try {
          const fresh = await this.fetchLoaded();
          this.loaded = { ...fresh, lastAdministrator: loaded.lastAdministrator };
        } catch {
          // keep the old baseline; the alert already says something went wrong
        }
      }
      await this.updateComplete;
      if (!(await form.focusFirstInvalid())) {
        this.renderRoot.querySelector<HTMLButtonElement>('button[type="submit"]')?.focus();
      }
    }
  }

  /** Announces a failure as `um-error`; the host may cancel it to show its own message. */
  private report(error: unknown): ApiError {
    const { error: apiError, suppressed } = announceError(this, error);
    this.failureSuppressed = suppressed;
    return apiError;
  }
}

define('um-edit-user-dialog', UmEditUserDialog);

declare global {
  interface HTMLElementTagNameMap {
    'um-edit-user-dialog': UmEditUserDialog;
  }
}
