import { LitElement, css, html, nothing, type PropertyValues } from 'lit';
import { property, state } from 'lit/decorators.js';
import { ApiError, type ApiClient } from '../api/client.ts';
import { UmErrorEvent } from '../events.ts';
import { errorText } from '../locales/errors.ts';
import { t, type MessageKey, type Params } from '../locales/index.ts';
import { controls } from '../styles/controls.ts';
import { viewCard } from '../styles/card.ts';
import { define } from '../define.ts';
import { removeLinkTokenFromUrl } from '../link-tokens.ts';

/** Fired (bubbles, not composed) when the user leaves the view with Continue. */
export class UmConfirmEmailDoneEvent extends Event {
  static readonly type = 'um-confirm-email-done';
  /** `email`: the new address when it changed. */
  constructor(readonly detail: { changed: boolean; email?: string }) {
    super(UmConfirmEmailDoneEvent.type, { bubbles: true });
  }
}

/** `taken`: the link was good, but another account took the address meanwhile. */
type Outcome = 'working' | 'done' | 'invalid' | 'taken' | 'failed';

/**
 * The view of the emailed link `?confirm_email_token=…` (sent to the new address after a change
 * of email in the Account panel): it posts the token (`POST /iam/auth/email/confirm`, no session
 * needed) as soon as it has one, then says what the email is now, or that the link was used,
 * replaced or is over 24 hours old. Either way it takes the token out of the page's URL. When the
 * server could not be reached it offers Retry and keeps the token. Continue fires
 * `um-confirm-email-done` (`detail.changed`, `detail.email`), for the root element to show the
 * sign-in view or the panel again.
 *
 * @csspart confirm-email-view - The view's card.
 */
export class UmConfirmEmailView extends LitElement {
  static override styles = [
    controls,
    viewCard,
    css`
      .card {
        max-width: 28rem;
      }
      h2 {
        overflow-wrap: anywhere;
      }
    `,
  ];

  /** A client for requests without a session (the link works signed out). */
  @property({ attribute: false }) client!: ApiClient;
  /** The link's token. */
  @property() token = '';
  @property() override lang = 'en';

  @state() private outcome: Outcome = 'working';
  /** The email after the change. */
  @state() private email = '';
  @state() private error: ApiError | undefined;
  @state() private errorSuppressed = false;

  private t(key: MessageKey, params?: Params): string {
    return t(key, params, this.lang);
  }

  protected override willUpdate(changed: PropertyValues<this>): void {
    if ((changed.has('token') || changed.has('client')) && this.token && this.client) {
      void this.confirm();
    }
  }

  private async confirm() {
    const token = this.token;
    this.outcome = 'working';
    this.error = undefined;
    try {
      const result = await this.client.confirmEmailChange(token);
      if (token !== this.token) return;
      this.email = result.email;
      this.outcome = 'done';
    } catch (error) {
      if (token !== this.token) return;
      const apiError =
        error instanceof ApiError ? error : new ApiError(0, 'unexpected_response', String(error));
      this.error = apiError;
      // A refused token is final; a failure to reach the server is worth a retry.
      this.outcome =
        apiError.status === 400 && apiError.fieldErrors.new_email
          ? 'taken'
          : apiError.code === 'invalid_token' || apiError.status === 400
            ? 'invalid'
            : 'failed';
      const notice = new UmErrorEvent({ error: apiError });
      this.dispatchEvent(notice);
      this.errorSuppressed = notice.defaultPrevented;
    }
    if (this.outcome !== 'failed') removeLinkTokenFromUrl('confirmEmail');
    await this.updateComplete;
    this.renderRoot.querySelector<HTMLElement>('h2')?.focus();
  }

  override render() {
    if (this.outcome === 'working') {
      return html`<div class="card" part="confirm-email-view">
        <p class="hint" role="status">${this.t('confirmEmail.working')}</p>
      </div>`;
    }
    const [heading, text]: [string, string] =
      this.outcome === 'done'
        ? [
            this.t('confirmEmail.done.heading', { email: this.email }),
            this.t('confirmEmail.done.text'),
          ]
        : this.outcome === 'invalid'
          ? [this.t('confirmEmail.invalid.heading'), this.t('confirmEmail.invalid.text')]
          : this.outcome === 'taken'
            ? [this.t('confirmEmail.invalid.heading'), this.t('confirmEmail.taken.text')]
            : [
                this.t('confirmEmail.failed.heading'),
                this.error && !this.errorSuppressed ? errorText(this.error, this.lang) : '',
              ];
    // The heading takes focus when the answer comes, so screen readers read it out.
    return html`<div class="card" part="confirm-email-view">
      <h2 tabindex="-1" data-outcome=${this.outcome}>${heading}</h2>
      ${text ? html`<p class="hint">${text}</p>` : nothing}
      <div class="actions">
        ${
          this.outcome === 'failed'
            ? html`<button type="button" part="button" @click=${() => this.confirm()}>
                ${this.t('confirmEmail.retry')}
              </button>`
            : nothing
        }
        <button type="button" class="primary" part="button" @click=${this.onContinue}>
          ${this.t('confirmEmail.continue')}
        </button>
      </div>
    </div>`;
  }

  private onContinue() {
    removeLinkTokenFromUrl('confirmEmail');
    const changed = this.outcome === 'done';
    this.dispatchEvent(
      new UmConfirmEmailDoneEvent(changed ? { changed, email: this.email } : { changed }),
    );
  }
}

define('um-confirm-email-view', UmConfirmEmailView);

declare global {
  interface HTMLElementTagNameMap {
    'um-confirm-email-view': UmConfirmEmailView;
  }
}
