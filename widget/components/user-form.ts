import { LitElement, html, nothing, type PropertyValues } from 'lit';
import { property, state } from 'lit/decorators.js';
import type { FieldErrors } from '../../shared/errors.ts';
import { IAM_ROLES, OFFERED_LANGUAGES, ROLE, type IamRoleId } from '../../shared/roles.ts';
import type { ApiClient } from '../api/client.ts';
import { define } from '../define.ts';
import { FormController } from '../controllers/form.ts';
import { LocalizeController } from '../controllers/localize.ts';
import { clientContext, provided } from '../context.ts';
import { CloudAccess, type CloudState } from './user-form-cloud.ts';

export {
  cloudOf,
  projectRow,
  type ProjectRole,
  type ProjectRow,
  type Scope,
} from './user-form-cloud.ts';

/** What the Invite and Edit user forms hold. */
export interface UserFormState extends CloudState {
  name: string;
  email: string;
  lang: string;
  roleId: IamRoleId;
}

/** Least privilege until the administrator picks more. */
const DEFAULT_ROLE: IamRoleId = ROLE.users;

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
  /** Scope, client role and project rows, with the projects they choose from. */
  private readonly cloud = new CloudAccess(this, this.localize, this.fields, {
    get: () => this.form,
    patch: (change) => this.patch(change),
  });

  @provided(clientContext) client!: ApiClient;
  /** "Invite several": names and emails come from the list, so only the rest is asked. */
  @property({ type: Boolean }) several = false;
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
    this.cloud.reset(state);
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
          ${this.several ? nothing : [this.renderName(), this.renderEmail()]}
          ${this.renderLanguage()} ${this.renderRoles()}
        </div>
        <div class="column">${this.cloud.render()}</div>
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
    if (['name', 'email', 'lang'].includes(field) || field.startsWith('user_role')) return true;
    return this.cloud.isPlaced(field);
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

  private patch(change: Partial<UserFormState>) {
    this.form = { ...this.form, ...change };
  }

  /** PRODUCT.md: choosing Administrators preselects Client scope with Administrator. */
  private chooseRole(roleId: IamRoleId) {
    const change: Partial<UserFormState> = { roleId };
    if (roleId === ROLE.administrators) {
      Object.assign(change, { scope: 'client', clientRole: 'ClientAdministrator', rows: [] });
      this.cloud.touched = false;
    } else if (!this.cloud.touched && this.form.roleId === ROLE.administrators) {
      // Leaving Administrators undoes what it preselected, unless the admin changed it since.
      Object.assign(change, { scope: 'client', clientRole: '', rows: [] });
    }
    this.patch(change);
  }
}

define('um-user-form', UmUserForm);

declare global {
  interface HTMLElementTagNameMap {
    'um-user-form': UmUserForm;
  }
}
