import { LitElement, css, html, nothing, type PropertyValues } from 'lit';
import { property, state } from 'lit/decorators.js';
import { ApiError, type ApiClient } from '../api/client.ts';
import { UmErrorEvent } from '../events.ts';
import { errorText } from '../locales/errors.ts';
import { t, type MessageKey } from '../locales/index.ts';
import { controls } from '../styles/controls.ts';
import { viewCard } from '../styles/card.ts';
import { define } from '../define.ts';
import { removeLinkTokenFromUrl } from '../link-tokens.ts';

/** Fired (bubbles, not composed) when the user leaves the view with Continue. */
export class UmDisable2faDoneEvent extends Event {
  static readonly type = 'um-disable-2fa-done';
  constructor(readonly detail: { disabled: boolean }) {
    super(UmDisable2faDoneEvent.type, { bubbles: true });
  }
}

type Outcome = 'working' | 'done' | 'invalid' | 'failed';

/**
 * The view of the emailed link `?disable_2fa_token=…`: it posts the token
 * (`POST /iam/auth/2fa/disable/confirm`, no session needed) as soon as it has one, then says that
 * two-factor authentication is off, or that the link was used, replaced or is over an hour old.
 * Either way it takes the token out of the page's URL. Continue fires `um-disable-2fa-done`
 * (`detail.disabled`), for the root element to show the sign-in view or the panel again.
 *
 * @csspart disable-2fa-view - The view's card.
 */
export class UmDisable2faView extends LitElement {
  static override styles = [
    controls,
    viewCard,
    css`
      .card {
        max-width: 28rem;
      }
    `,
  ];

  /** A client for requests without a session (the link works signed out). */
  @property({ attribute: false }) client!: ApiClient;
  /** The link's token. */
  @property() token = '';
  @property() override lang = 'en';

  @state() private outcome: Outcome = 'working';
  @state() private error: ApiError | undefined;
  @state() private errorSuppressed = false;

  private t(key: MessageKey): string {
    return t(key, undefined, this.lang);
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
      await this.client.confirmTwoFaDisable(token);
      if (token !== this.token) return;
      this.outcome = 'done';
    } catch (error) {
      if (token !== this.token) return;
      const apiError =
        error instanceof ApiError ? error : new ApiError(0, 'unexpected_response', String(error));
      this.error = apiError;
      // A refused token is final; a failure to reach the server is worth a retry.
      this.outcome =
        apiError.code === 'invalid_token' || apiError.status === 400 ? 'invalid' : 'failed';
      const notice = new UmErrorEvent({ error: apiError });
      this.dispatchEvent(notice);
      this.errorSuppressed = notice.defaultPrevented;
    }
    if (this.outcome !== 'failed') removeLinkTokenFromUrl('disable2fa');
    await this.updateComplete;
    this.renderRoot.querySelector<HTMLElement>('h2')?.focus();
  }

  override render() {
    if (this.outcome === 'working') {
      return html`<div class="card" part="disable-2fa-view">
        <p class="hint" role="status">${this.t('disableTwoFa.working')}</p>
      </div>`;
    }
    const [heading, text]: [MessageKey, string] =
      this.outcome === 'done'
        ? ['disableTwoFa.done.heading', this.t('disableTwoFa.done.text')]
        : this.outcome === 'invalid'
          ? ['disableTwoFa.invalid.heading', this.t('disableTwoFa.invalid.text')]
          : [
              'disableTwoFa.failed.heading',
              this.error && !this.errorSuppressed ? errorText(this.error, this.lang) : '',
            ];
    // The heading takes focus when the answer comes, so screen readers read it out.
    return html`<div class="card" part="disable-2fa-view">
      <h2 tabindex="-1" data-outcome=${this.outcome}>${this.t(heading)}</h2>
      ${text ? html`<p class="hint">${text}</p>` : nothing}
      <div class="actions">
        ${
          this.outcome === 'failed'
            ? html`<button type="button" part="button" @click=${() => this.confirm()}>
                ${this.t('disableTwoFa.retry')}
              </button>`
            : nothing
        }
        <button type="button" class="primary" part="button" @click=${this.onContinue}>
          ${this.t('disableTwoFa.continue')}
        </button>
      </div>
    </div>`;
  }

  private onContinue() {
    removeLinkTokenFromUrl('disable2fa');
    this.dispatchEvent(new UmDisable2faDoneEvent({ disabled: this.outcome === 'done' }));
  }
}

define('um-disable-2fa-view', UmDisable2faView);

declare global {
  interface HTMLElementTagNameMap {
    'um-disable-2fa-view': UmDisable2faView;
  }
}
