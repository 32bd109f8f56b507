import { LitElement, html, nothing } from 'lit';
import { query, state } from 'lit/decorators.js';
import type { ClientMe } from '../../shared/clients.ts';
import type { FieldErrors } from '../../shared/errors.ts';
import { actorOf, can, type Actor } from '../../shared/permissions.ts';
import { IAM_ROLES, ROLE, type IamRoleId } from '../../shared/roles.ts';
import { createTokenBody } from '../../shared/form-checks.ts';
import type { CreateTokenBody } from '../../shared/tokens.ts';
import type { ApiClient, ApiError } from '../api/client.ts';
import { announceError, UmTokenCreatedEvent } from '../events.ts';
import { issuesToFieldErrors } from '../locales/errors.ts';
import { controls } from '../styles/controls.ts';
import { dialogColumn, dialogStyles } from '../styles/dialog.ts';
import { formFields } from '../styles/form.ts';
import { createTokenDialogStyles } from './create-token-dialog.styles.ts';
import { define } from '../define.ts';
import '../locales/en.ts'; // its English texts come with it (decision 031)
import { submitButton } from '../components/submit-button.ts';
import './token-secret-dialog.ts';
import type { UmTokenSecretDialog } from './token-secret-dialog.ts';
import { FormController } from '../controllers/form.ts';
import { LocalizeController } from '../controllers/localize.ts';
import { clientContext, meContext, provided } from '../context.ts';

type Expiration = 'never' | 'date';

/** `YYYY-MM-DD` of a date, in UTC (what a native date input holds). */
function isoDay(date: Date): string {
  return date.toISOString().slice(0, 10);
}

/** The chosen day's last second in UTC: a token set to expire "on 31 Jan" works all that day. */
function endOfDayUtc(day: string): string {
  return `${day}T23:59:59Z`;
}

/** The form's fields and the body paths their errors come back under. */
/** The BFF's error keys of the fields whose names differ. */
const ALIASES = { date: ['exp_date'], role: ['client_user'] };

/**
 * Create API token (PRODUCT.md "API tokens panel"), in a modal `<dialog>`: Name, Description
 * (optional), Expiration (Never expire, or a day: the token works until the end of that day in
 * UTC) and the IAM role, offered only as far as the caller may grant (`tokens.grant_role` of
 * shared/permissions.ts; the BFF checks it again). The body is checked with the BFF's own schema
 * (`createTokenBody`) first. On success the form closes, `um-token-created` fires and
 * `<um-token-secret-dialog>` shows the token `<id>_<secret>` once. Focus goes back to the element
 * that opened the form.
 */
export class UmCreateTokenDialog extends LitElement {
  static override styles = [
    controls,
    dialogStyles,
    dialogColumn,
    formFields,
    createTokenDialogStyles,
  ];

  private readonly localize = new LocalizeController(this);
  private readonly fields = new FormController(this, this.localize, {
    root: () => this.renderRoot.querySelector('form'),
    aliases: ALIASES,
    groups: ['role'],
    message: (message) => this.fieldMessage(message),
  });

  @provided(clientContext) client!: ApiClient;
  /** The account and the caller (`GET /iam/clients/me`): what roles may be granted. */
  @provided(meContext) me: ClientMe | undefined;

  @state() private isOpen = false;
  @state() private busy = false;
  @state() private name = '';
  @state() private description = '';
  @state() private expiration: Expiration = 'date';
  @state() private day = '';
  @state() private roleId: IamRoleId = ROLE.users;
  @state() private failure: ApiError | undefined;
  @state() private failureSuppressed = false;
  /** The form's token went to the one-time dialog, which hands focus back when it closes. */
  private handedOver = false;

  @query('dialog.form') private dialog!: HTMLDialogElement;
  @query('um-token-secret-dialog') private secretDialog!: UmTokenSecretDialog;
  private opener: HTMLElement | undefined;

  /** Whether the form is showing. */
  get open(): boolean {
    return this.dialog?.open ?? false;
  }

  /** Whether the one-time dialog with the new token is showing. */
  get secretOpen(): boolean {
    return this.secretDialog?.open ?? false;
  }

  private get actor(): Actor | undefined {
    return actorOf(this.me);
  }

  /** The roles the caller may give a token, highest first. */
  get grantableRoles(): IamRoleId[] {
    const actor = this.actor;
    if (!actor) return [];
    return IAM_ROLES.map((role) => role.id).filter((roleId) =>
      can(actor, 'tokens.grant_role', { roleId }),
    );
  }

  /** Opens an empty form (a year from today as the expiration, like the reference), focus on Name. */
  async show(opener?: HTMLElement) {
    this.opener = opener;
    this.name = '';
    this.description = '';
    this.expiration = 'date';
    const nextYear = new Date();
    nextYear.setUTCFullYear(nextYear.getUTCFullYear() + 1);
    this.day = isoDay(nextYear);
    // Least privilege: the lowest role is chosen until the user picks another.
    this.roleId = this.grantableRoles.at(-1) ?? ROLE.users;
    this.fields.clear();
    this.failure = undefined;
    this.busy = false;
    this.handedOver = false;
    this.isOpen = true;
    await this.updateComplete;
    if (!this.dialog.open) this.dialog.showModal();
    this.renderRoot.querySelector<HTMLInputElement>('#token-name')?.focus();
  }

  close() {
    if (this.dialog?.open) this.dialog.close();
  }

  override render() {
    return html`
      <dialog
        class="form"
        part="dialog"
        aria-labelledby="token-heading"
        @cancel=${(event: Event) => {
          if (this.busy) event.preventDefault();
        }}
        @close=${this.onFormClosed}
      >
        ${this.isOpen ? this.renderForm() : nothing}
      </dialog>
      <um-token-secret-dialog
        exportparts="dialog, token-secret, input, button"
      ></um-token-secret-dialog>
    `;
  }

  /** The BFF's role refusal names the role: said in the widget's words (and language). */
  private fieldMessage(message: string): string {
    const refused = /^Can't create token with role (.+)$/.exec(message);
    if (refused) {
      const role = IAM_ROLES.find((r) => r.name === refused[1]);
      return this.localize.t('tokens.create.roleTooHigh', {
        role: role ? this.localize.t(`role.${role.id}`) : refused[1],
      });
    }
    return this.localize.fieldError(message);
  }

  private renderForm() {
    const fields = this.fields;
    const failure =
      this.failure && !this.failureSuppressed && !fields.hasErrors
        ? this.localize.error(this.failure)
        : '';
    return html`
      <form novalidate @submit=${this.onSubmit}>
        <header>
          <h2 id="token-heading">${this.localize.t('tokens.create.heading')}</h2>
        </header>
        <div class="body">
          <p class="alert" part="error" role="alert" ?hidden=${!failure}>${failure}</p>
          ${fields.textField({
            id: 'token-name',
            name: 'name',
            label: this.localize.t('tokens.create.name'),
            maxlength: 255,
            placeholder: this.localize.t('tokens.create.namePlaceholder'),
            value: this.name,
            onInput: (value) => (this.name = value),
          })}
          ${fields.textField({
            id: 'token-description',
            name: 'description',
            label: this.localize.t('tokens.create.description'),
            multiline: true,
            maxlength: 1000,
            placeholder: this.localize.t('tokens.create.descriptionPlaceholder'),
            value: this.description,
            onInput: (value) => (this.description = value),
          })}
          <fieldset>
            <legend>${this.localize.t('tokens.create.expiration')}</legend>
            <label class="radio">
              <input
                type="radio"
                name="expiration"
                value="never"
                id="expiration-never"
                .checked=${this.expiration === 'never'}
                @change=${() => (this.expiration = 'never')}
              />
              ${this.localize.t('tokens.create.neverExpire')}
            </label>
            <label class="radio">
              <input
                type="radio"
                name="expiration"
                value="date"
                id="expiration-date"
                .checked=${this.expiration === 'date'}
                @change=${() => (this.expiration = 'date')}
              />
              ${this.localize.t('tokens.create.setDate')}
            </label>
            ${
              this.expiration === 'date'
                ? html`<div class="field date">
                    <label for="token-date">${this.localize.t('tokens.create.date')}</label>
                    <input
                      id="token-date"
                      part="input"
                      type="date"
                      name="exp_date"
                      data-field="date"
                      min=${isoDay(new Date())}
                      aria-invalid=${fields.invalid('date')}
                      aria-describedby=${fields.describedBy('date')}
                      .value=${this.day}
                      @input=${(e: InputEvent) => (this.day = (e.target as HTMLInputElement).value)}
                      @change=${(e: Event) => (this.day = (e.target as HTMLInputElement).value)}
                    />
                    ${fields.message('date')}
                  </div>`
                : nothing
            }
          </fieldset>
          <fieldset aria-describedby=${fields.describedBy('role')}>
            <legend>${this.localize.t('tokens.create.role')}</legend>
            ${this.grantableRoles.map(
              (roleId) => html`
                <div class="role">
                  <input
                    type="radio"
                    name="role"
                    id="token-role-${roleId}"
                    value=${roleId}
                    aria-describedby="token-role-${roleId}-info"
                    aria-invalid=${fields.invalid('role')}
                    .checked=${this.roleId === roleId}
                    @change=${() => (this.roleId = roleId)}
                  />
                  <label for="token-role-${roleId}">${this.localize.t(`role.${roleId}`)}</label>
                  <p class="hint" id="token-role-${roleId}-info">
                    ${this.localize.t(`roleInfo.${roleId}`)}
                  </p>
                </div>
              `,
            )}
            ${fields.message('role')}
          </fieldset>
        </div>
        <footer>
          <button type="button" part="button" ?disabled=${this.busy} @click=${() => this.close()}>
            ${this.localize.t('tokens.create.cancel')}
          </button>
          ${submitButton(
            this.localize.t(this.busy ? 'tokens.create.submitting' : 'tokens.create.submit'),
            this.busy,
            { action: 'create' },
          )}
        </footer>
      </form>
    `;
  }

  private onFormClosed() {
    // Reopened before the close event arrived (the event is queued): keep the new form.
    if (this.dialog.open) return;
    this.isOpen = false;
    // After a success the one-time dialog has focus and hands it back; otherwise back to the opener.
    if (!this.handedOver) this.opener?.focus();
  }

  /** The body to send, or the field errors that keep it from being sent. */
  private body(): { body: CreateTokenBody } | { errors: FieldErrors } {
    const errors: FieldErrors = {};
    let exp_date: string | null = null;
    if (this.expiration === 'date') {
      if (!this.day) errors.exp_date = [this.localize.t('tokens.create.dateRequired')];
      else if (this.day < isoDay(new Date()))
        errors.exp_date = [this.localize.t('tokens.create.datePast')];
      else exp_date = endOfDayUtc(this.day);
    }
    const description = this.description.trim();
    const candidate = {
      name: this.name,
      ...(description ? { description } : {}),
      exp_date,
      client_user: { role: { id: this.roleId } },
    };
    const check = createTokenBody(candidate);
    if (!check.success) Object.assign(errors, issuesToFieldErrors(check.error.issues, 'name'));
    if (Object.keys(errors).length || !check.success) return { errors };
    return { body: check.data };
  }

  private async onSubmit(event: SubmitEvent) {
    event.preventDefault();
    const me = this.me;
    if (this.busy || !me) return;
    this.failure = undefined;
    const checked = this.body();
    if ('errors' in checked) {
      this.fields.show(checked.errors);
      await this.fields.focusFirstInvalid();
      return;
    }
    this.fields.clear();
    this.busy = true;
    try {
      const created = await this.client.createToken(me.id, checked.body);
      this.busy = false;
      this.handedOver = true;
      this.close();
      this.dispatchEvent(new UmTokenCreatedEvent({ tokenId: created.id }));
      await this.secretDialog.show(created.token, this.opener);
    } catch (error) {
      this.busy = false;
      const { error: apiError, suppressed } = announceError(this, error);
      this.failureSuppressed = suppressed;
      this.failure = apiError;
      this.fields.show(apiError.fieldErrors);
      await this.fields.focusFirstInvalid('[data-action="create"]');
    }
  }
}

define('um-create-token-dialog', UmCreateTokenDialog);

declare global {
  interface HTMLElementTagNameMap {
    'um-create-token-dialog': UmCreateTokenDialog;
  }
}
