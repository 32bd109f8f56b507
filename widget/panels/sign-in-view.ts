import { LitElement, css, html, nothing } from 'lit';
import { property, state } from 'lit/decorators.js';
import type { TokenPair } from '../../shared/auth.ts';
import { ApiError, type ApiClient } from '../api/client.ts';
import { UmErrorEvent } from '../events.ts';
import { errorText, fieldErrorText } from '../locales/errors.ts';
import { t, type MessageKey } from '../locales/index.ts';
import { controls } from '../styles/controls.ts';
import { define } from '../define.ts';

/**
 * The sign-in form. On success it fires `um-session` (internal, not composed) with the token pair;
 * the root element stores it and shows the panel.
 */
export class UmSignInView extends LitElement {
  static override styles = [
    controls,
    css`
      :host {
        display: block;
      }
      form {
        display: grid;
        gap: calc(var(--_space) * 2);
        max-width: 24rem;
        margin: 0 auto;
        padding: calc(var(--_space) * 3);
        border: 1px solid var(--_border);
        border-radius: var(--_radius);
      }
      h2 {
        margin: 0;
        font-size: 1.5em;
      }
      label {
        display: grid;
        gap: 4px;
      }
      .notice {
        margin: 0;
        padding: var(--_space) calc(var(--_space) * 1.5);
        border-inline-start: 3px solid var(--_accent);
        background: var(--_surface-alt);
      }
      .field-error {
        color: var(--_danger);
        font-size: 0.9em;
      }
    `,
  ];

  @property({ attribute: false }) client!: ApiClient;
  @property() override lang = 'en';
  /** Prefills the email (after an accepted invitation). */
  @property() email = '';
  /** A success notice above the form (after an accepted invitation). */
  @property() notice = '';
  @state() private busy = false;
  @state() private error: ApiError | undefined;
  @state() private errorSuppressed = false;

  private t(key: MessageKey): string {
    return t(key, undefined, this.lang);
  }

  override render() {
    const fieldErrors = this.error?.fieldErrors ?? {};
    const fieldError = (name: string) => {
      const messages = fieldErrors[name];
      if (!messages?.length) return nothing;
      const text = messages.map((message) => fieldErrorText(message, this.lang)).join(' ');
      return html`<span class="field-error" id="${name}-error">${text}</span>`;
    };
    return html`
      <form part="sign-in-form" @submit=${this.onSubmit} aria-labelledby="sign-in-heading">
        <h2 id="sign-in-heading">${this.t('signIn.heading')}</h2>
        ${this.notice ? html`<p class="notice" part="notice" role="status">${this.notice}</p>` : nothing}
        ${
          this.error && !this.errorSuppressed
            ? html`<p class="alert" part="error" role="alert">
                ${errorText(this.error, this.lang)}
              </p>`
            : nothing
        }
        <label>
          ${this.t('signIn.email')}
          <input
            part="input"
            name="username"
            type="email"
            autocomplete="username"
            required
            .value=${this.email}
            aria-invalid=${fieldErrors.username ? 'true' : 'false'}
            aria-describedby=${fieldErrors.username ? 'username-error' : nothing}
          />
          ${fieldError('username')}
        </label>
        <label>
          ${this.t('signIn.password')}
          <input
            part="input"
            name="password"
            type="password"
            autocomplete="current-password"
            required
            aria-invalid=${fieldErrors.password ? 'true' : 'false'}
            aria-describedby=${fieldErrors.password ? 'password-error' : nothing}
          />
          ${fieldError('password')}
        </label>
        <button class="primary" part="button submit" type="submit" ?disabled=${this.busy}>
          ${this.t(this.busy ? 'signIn.submitting' : 'signIn.submit')}
        </button>
      </form>
    `;
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
    this.busy = true;
    this.error = undefined;
    try {
      const pair = await this.client.login({
        username: String(data.get('username') ?? ''),
        password: String(data.get('password') ?? ''),
      });
      this.dispatchEvent(new CustomEvent<TokenPair>('um-session', { detail: pair }));
    } catch (error) {
      const apiError =
        error instanceof ApiError ? error : new ApiError(0, 'unexpected_response', String(error));
      const notice = new UmErrorEvent({ error: apiError });
      this.dispatchEvent(notice);
      this.errorSuppressed = notice.defaultPrevented;
      this.error = apiError;
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
