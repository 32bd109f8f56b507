import { LitElement, html, nothing } from 'lit';
import { property, state } from 'lit/decorators.js';
import type { ClientMe } from '../../shared/clients.ts';
import { PASSWORD_MIN_LENGTH, changePasswordBody } from '../../shared/form-checks.ts';
import type { ApiClient } from '../api/client.ts';
import { announceError } from '../events.ts';
import { issuesToFieldErrors } from '../locales/errors.ts';
import { type MessageKey } from '../locales/index.ts';
import { define } from '../define.ts';
import { FormController } from '../controllers/form.ts';
import { LocalizeController } from '../controllers/localize.ts';
import { clientContext, meContext, provided } from '../context.ts';
import { submitButton } from '../components/submit-button.ts';

/** One form's outcome besides its field errors: a refused request, a success notice. */
export interface Outcome {
  busy: boolean;
  failure: string;
  notice: string;
}

export const IDLE: Outcome = { busy: false, failure: '', notice: '' };

/** Where focus goes after a refusal that names no field. */
export const SUBMIT = 'button[type="submit"]';

interface Passwords {
  old: string;
  new: string;
  double: string;
}

const NO_PASSWORDS: Passwords = { old: '', new: '', double: '' };

/**
 * The Account panel's Password form (PRODUCT.md "Account panel"): old, new, repeat, checked with
 * the BFF's rules first (shared/form-checks.ts), then `PUT /iam/users/{id}/password`. It renders into its own light
 * DOM, so its fields live in the panel's shadow root (the panel's styles, one set of ids).
 */
export class UmAccountPasswordForm extends LitElement {
  private readonly localize = new LocalizeController(this);
  private readonly fields = new FormController(this, this.localize, {
    root: () => this.querySelector('[part~="account-password"]'),
    idPrefix: 'password-',
  });

  @provided(clientContext) client!: ApiClient;
  /** The account and the caller (`GET /iam/clients/me`). */
  @provided(meContext) me: ClientMe | undefined;
  /** The account's email, for password managers to file the new password under. */
  @property() email = '';

  @state() private passwords: Passwords = NO_PASSWORDS;
  @state() private outcome: Outcome = IDLE;

  protected override createRenderRoot() {
    return this;
  }

  /** Empties the form: the user was (re)loaded. */
  reset() {
    this.passwords = NO_PASSWORDS;
    this.outcome = IDLE;
    this.fields.clear();
  }

  override render() {
    const p = this.passwords;
    const outcome = this.outcome;
    const patch = (change: Partial<Passwords>) => {
      this.passwords = { ...this.passwords, ...change };
      if (this.outcome.notice) this.outcome = { ...this.outcome, notice: '' };
    };
    const field = (name: keyof Passwords, label: MessageKey, autocomplete: string, hint?: string) =>
      this.fields.textField({
        id: `password-${name}`,
        name,
        label: this.localize.t(label),
        type: 'password',
        value: p[name],
        autocomplete,
        required: true,
        hint,
        onInput: (value) => patch({ [name]: value }),
      });
    return html`
      <form
        class="card"
        part="account-password"
        aria-labelledby="password-heading"
        novalidate
        @submit=${this.save}
      >
        <h3 id="password-heading">${this.localize.t('account.password')}</h3>
        <p
          class=${outcome.notice ? 'notice' : 'notice quiet'}
          part="notice"
          role="status"
          tabindex="-1"
          data-notice="password"
        >
          ${outcome.notice}
        </p>
        <div class="alert" part="error" role="alert">
          ${outcome.failure ? html`<p>${outcome.failure}</p>` : nothing}
        </div>
        <!-- The account's email as a username helps password managers file the new password. -->
        <input
          type="email"
          name="username"
          autocomplete="username"
          .value=${this.email}
          hidden
          readonly
        />
        ${field('old', 'account.oldPassword', 'current-password')}
        ${field(
          'new',
          'account.newPassword',
          'new-password',
          this.localize.t('account.newPasswordHint', { min: PASSWORD_MIN_LENGTH }),
        )}
        ${field('double', 'account.repeatPassword', 'new-password')}
        <div class="actions">
          ${submitButton(this.localize.t(outcome.busy ? 'account.saving' : 'account.save'), outcome.busy)}
        </div>
      </form>
    `;
  }

  private async save(event: SubmitEvent) {
    event.preventDefault();
    const userId = this.me?.currentUser;
    if (!userId || this.outcome.busy) return;
    const body = { ...this.passwords };
    const check = changePasswordBody(body);
    this.fields.show(check.success ? {} : issuesToFieldErrors(check.error.issues, 'new'));
    if (this.fields.hasErrors) {
      this.outcome = IDLE;
      await this.fields.focusFirstInvalid(SUBMIT);
      return;
    }
    this.outcome = { ...IDLE, busy: true };
    try {
      await this.client.changePassword(userId, body);
      this.passwords = NO_PASSWORDS;
      this.outcome = { ...IDLE, notice: this.localize.t('account.passwordChanged') };
      await this.updateComplete;
      this.querySelector<HTMLElement>('[data-notice="password"]')?.focus();
    } catch (error) {
      const { error: apiError, suppressed } = announceError(this, error);
      this.fields.show(apiError.fieldErrors);
      // No alert text when the host cancelled `um-error` to show the failure its own way.
      this.outcome = { ...IDLE, failure: suppressed ? '' : this.localize.error(apiError) };
      await this.fields.focusFirstInvalid(SUBMIT);
    }
  }
}

define('um-account-password-form', UmAccountPasswordForm);

declare global {
  interface HTMLElementTagNameMap {
    'um-account-password-form': UmAccountPasswordForm;
  }
}
