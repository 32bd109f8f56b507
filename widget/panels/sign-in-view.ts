import { LitElement, html, nothing } from 'lit';
import { property, state } from 'lit/decorators.js';
import type { LoginBody } from '../../shared/auth.ts';
import { ApiError, type ApiClient, asApiError } from '../api/client.ts';
import { UmErrorEvent, UmSessionEvent } from '../events.ts';
import { controls } from '../styles/controls.ts';
import { viewCard } from '../styles/card.ts';
import { signInViewStyles } from './sign-in-view.styles.ts';
import { define } from '../define.ts';
import '../locales/en.ts'; // its English texts come with it (decision 031)
import { FormController } from '../controllers/form.ts';
import { LocalizeController } from '../controllers/localize.ts';
import { clientContext, provided } from '../context.ts';

/**
 * The sign-in form. On success it fires `um-session` (UmSessionEvent, internal) with the token pair;
 * the root element stores it and shows the panel.
 *
 * With two-factor authentication on, the BFF answers the password with `two_fa_required`: the
 * view then asks for the authenticator app's 6-digit code (or, through "Use a backup code", a
 * backup code) and sends the email and password again with it (`one_time_password`); a wrong or
 * used code is shown next to the field. Its form is the `sign-in-form` and `sign-in-code` parts.
 */
export class UmSignInView extends LitElement {
  static override styles = [controls, viewCard, signInViewStyles];

  private readonly localize = new LocalizeController(this);
  private readonly fields = new FormController(this, this.localize, {
    root: () => this.renderRoot.querySelector('form'),
  });

  @provided(clientContext) client!: ApiClient;
  /** Prefills the email (after an accepted invitation). */
  @property() email = '';
  /** A success notice above the form (after an accepted invitation). */
  @property() notice = '';
  @state() private busy = false;
  /**
   * The second step, after the BFF answered `two_fa_required`: the credentials to send again with
   * the code; `backup` when the field takes a backup code instead of the app's.
   */
  @state() private codeStep: { username: string; password: string; backup: boolean } | undefined;
  @state() private error: ApiError | undefined;
  @state() private errorSuppressed = false;

  override render() {
    if (this.codeStep) return this.renderCodeStep(this.codeStep);
    const fields = this.fields;
    return html`
      <form
        class="card"
        part="sign-in-form"
        @submit=${this.onSubmit}
        aria-labelledby="sign-in-heading"
      >
        <h2 id="sign-in-heading">${this.localize.t('signIn.heading')}</h2>
        ${this.notice ? html`<p class="notice" part="notice" role="status">${this.notice}</p>` : nothing}
        ${
          this.error && !this.errorSuppressed
            ? html`<p class="alert" part="error" role="alert">
                ${this.localize.error(this.error)}
              </p>`
            : nothing
        }
        ${fields.textField({
          id: 'sign-in-email',
          name: 'username',
          label: this.localize.t('signIn.email'),
          type: 'email',
          autocomplete: 'username',
          required: true,
          value: this.email,
        })}
        ${fields.textField({
          id: 'sign-in-password',
          name: 'password',
          label: this.localize.t('signIn.password'),
          type: 'password',
          autocomplete: 'current-password',
          required: true,
        })}
        <button class="primary" part="button submit" type="submit" ?disabled=${this.busy}>
          ${this.localize.t(this.busy ? 'signIn.submitting' : 'signIn.submit')}
        </button>
      </form>
    `;
  }

  /** "Enter authenticator code": one field, the app's code or (after the link) a backup code. */
  private renderCodeStep(step: { backup: boolean }) {
    const error = this.error;
    const fieldError =
      error?.code === 'invalid_one_time_password'
        ? this.localize.t('signIn.code.invalid')
        : error?.code === 'two_fa_required'
          ? this.localize.t('field.required')
          : '';
    const alert = error && !fieldError && !this.errorSuppressed ? this.localize.error(error) : '';
    return html`
      <form
        class="card"
        part="sign-in-form sign-in-code"
        novalidate
        @submit=${this.onSubmitCode}
        aria-labelledby="code-heading"
      >
        <h2 id="code-heading" tabindex="-1">${this.localize.t('signIn.code.heading')}</h2>
        <p class="hint" id="code-intro">
          ${this.localize.t(step.backup ? 'signIn.code.backupIntro' : 'signIn.code.intro')}
        </p>
        ${alert ? html`<p class="alert" part="error" role="alert">${alert}</p>` : nothing}
        <label>
          ${this.localize.t(step.backup ? 'signIn.code.backupLabel' : 'signIn.code.label')}
          <input
            part="input"
            name="one_time_password"
            autocomplete="one-time-code"
            inputmode=${step.backup ? 'text' : 'numeric'}
            maxlength=${step.backup ? 32 : 6}
            required
            aria-invalid=${fieldError ? 'true' : 'false'}
            aria-describedby=${fieldError ? 'code-intro code-error' : 'code-intro'}
          />
          ${
            fieldError
              ? html`<span class="field-error" part="field-error" id="code-error"
                  >${fieldError}</span
                >`
              : nothing
          }
        </label>
        <button class="primary" part="button submit" type="submit" ?disabled=${this.busy}>
          ${this.localize.t(this.busy ? 'signIn.submitting' : 'signIn.submit')}
        </button>
        <div class="row">
          <button
            type="button"
            class="link"
            part="button"
            data-action="switch-code"
            @click=${this.switchCodeKind}
          >
            ${this.localize.t(step.backup ? 'signIn.code.useApp' : 'signIn.code.useBackup')}
          </button>
          <button type="button" class="link" part="button" data-action="back" @click=${this.back}>
            ${this.localize.t('signIn.code.back')}
          </button>
        </div>
      </form>
    `;
  }

  private async focusCodeField() {
    await this.updateComplete;
    this.renderRoot.querySelector<HTMLInputElement>('input[name="one_time_password"]')?.focus();
  }

  private async switchCodeKind() {
    if (!this.codeStep) return;
    this.codeStep = { ...this.codeStep, backup: !this.codeStep.backup };
    this.error = undefined;
    const input = this.renderRoot.querySelector<HTMLInputElement>(
      'input[name="one_time_password"]',
    );
    if (input) input.value = '';
    await this.focusCodeField();
  }

  private async back() {
    const username = this.codeStep?.username ?? '';
    this.codeStep = undefined;
    this.error = undefined;
    await this.updateComplete;
    const email = this.renderRoot.querySelector<HTMLInputElement>('input[name="username"]');
    if (email) email.value = username;
    this.renderRoot.querySelector<HTMLInputElement>('input[name="password"]')?.focus();
  }

  private async onSubmitCode(event: SubmitEvent) {
    event.preventDefault();
    const step = this.codeStep;
    if (!step || this.busy) return;
    const data = new FormData(event.currentTarget as HTMLFormElement);
    const code = String(data.get('one_time_password') ?? '').trim();
    if (!code) {
      this.error = new ApiError(400, 'two_fa_required', 'A one-time code is required.');
      this.errorSuppressed = false;
      await this.focusCodeField();
      return;
    }
    await this.signIn({
      username: step.username,
      password: step.password,
      one_time_password: code,
    });
  }

  protected override firstUpdated(): void {
    // The email is known: the password is what is left to type.
    if (this.email)
      this.renderRoot.querySelector<HTMLInputElement>('input[name="password"]')?.focus();
  }

  private async onSubmit(event: SubmitEvent) {
    event.preventDefault();
    const form = event.currentTarget as HTMLFormElement;
    const data = new FormData(form);
    await this.signIn({
      username: String(data.get('username') ?? ''),
      password: String(data.get('password') ?? ''),
    });
  }

  private async signIn(body: LoginBody) {
    this.busy = true;
    this.error = undefined;
    this.fields.clear();
    try {
      const pair = await this.client.login(body);
      this.dispatchEvent(new UmSessionEvent(pair));
    } catch (error) {
      const apiError = asApiError(error);
      if (apiError.code === 'two_fa_required' && !this.codeStep) {
        // The password was right: the second step asks for the code, no error to show yet.
        this.codeStep = { username: body.username, password: body.password, backup: false };
        this.busy = false;
        await this.updateComplete;
        this.renderRoot.querySelector<HTMLElement>('#code-heading')?.focus();
        await this.focusCodeField();
        return;
      }
      const notice = new UmErrorEvent({ error: apiError });
      this.dispatchEvent(notice);
      this.errorSuppressed = notice.defaultPrevented;
      this.error = apiError;
      if (!this.codeStep) this.fields.show(apiError.fieldErrors);
      if (this.codeStep) {
        this.busy = false;
        await this.focusCodeField();
      }
    } finally {
      this.busy = false;
    }
  }
}

define('um-sign-in-view', UmSignInView);

declare global {
  interface HTMLElementTagNameMap {
    'um-sign-in-view': UmSignInView;
  }
}
