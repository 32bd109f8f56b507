import { LitElement, css, html, nothing, type PropertyValues } from 'lit';
import { property, state } from 'lit/decorators.js';
import type { ApiClient, ApiError } from '../api/client.ts';
import type { LinkKind } from '../../shared/links.ts';
import { announceError } from '../events.ts';
import { type MessageKey, type Params } from '../locales/index.ts';
import { controls } from '../styles/controls.ts';
import { viewCard } from '../styles/card.ts';
import { removeLinkTokenFromUrl } from '../link-tokens.ts';
import { LocalizeController } from '../controllers/localize.ts';
import { clientContext, provided } from '../context.ts';

/**
 * `taken`: the link was good, but what it would do can no longer be done (another account took
 * the new email). `failed`: the server could not be reached or answered oddly: worth a Retry.
 */
export type LinkOutcome = 'working' | 'done' | 'invalid' | 'taken' | 'failed';

/** The texts of one kind of link, as dictionary keys. */
export interface LinkTexts {
  working: MessageKey;
  doneHeading: MessageKey;
  doneText: MessageKey;
  invalidHeading: MessageKey;
  invalidText: MessageKey;
  takenText?: MessageKey;
  failedHeading: MessageKey;
  retry: MessageKey;
  continue: MessageKey;
}

/**
 * What the views of the emailed links that need no session have in common (a new email's
 * confirmation, turning 2FA off): post the link's token as soon as there is one, say how it went
 * with the heading focused (screen readers read it out), take the token out of the page's URL
 * unless the server could not be reached (then Retry keeps it), and leave with Continue.
 */
export abstract class EmailedLinkView extends LitElement {
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
  protected readonly localize = new LocalizeController(this);

  @provided(clientContext) client!: ApiClient;
  /** The link's token. */
  @property() token = '';

  @state() protected outcome: LinkOutcome = 'working';
  @state() private error: ApiError | undefined;
  @state() private errorSuppressed = false;

  /** Which link: its query parameter is taken out of the URL once answered. */
  protected abstract readonly kind: LinkKind;
  /** The `::part()` name of the view's card. */
  protected abstract readonly partName: string;
  protected abstract readonly texts: LinkTexts;
  /** Posts the token; resolves when the link did its work. */
  protected abstract send(token: string): Promise<void>;
  /** Continue: tells the root element the user is done here. */
  protected abstract leave(): void;
  /** The heading's parameters once done (the new email, say). */
  protected doneParams(): Params | undefined {
    return undefined;
  }

  /** A refusal is final; anything else is worth a retry. */
  protected outcomeOf(error: ApiError): LinkOutcome {
    return error.code === 'invalid_token' || error.status === 400 ? 'invalid' : 'failed';
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
      await this.send(token);
      if (token !== this.token) return;
      this.outcome = 'done';
    } catch (error) {
      if (token !== this.token) return;
      const { error: apiError, suppressed } = announceError(this, error);
      this.error = apiError;
      this.errorSuppressed = suppressed;
      this.outcome = this.outcomeOf(apiError);
    }
    if (this.outcome !== 'failed') removeLinkTokenFromUrl(this.kind);
    await this.updateComplete;
    this.renderRoot.querySelector<HTMLElement>('h2')?.focus();
  }

  override render() {
    const x = this.texts;
    if (this.outcome === 'working') {
      return html`<div class="card" part=${this.partName}>
        <p class="hint" role="status">${this.localize.t(x.working)}</p>
      </div>`;
    }
    const [heading, text] =
      this.outcome === 'done'
        ? [this.localize.t(x.doneHeading, this.doneParams()), this.localize.t(x.doneText)]
        : this.outcome === 'failed'
          ? [
              this.localize.t(x.failedHeading),
              this.error && !this.errorSuppressed ? this.localize.error(this.error) : '',
            ]
          : [
              this.localize.t(x.invalidHeading),
              this.localize.t(
                this.outcome === 'taken' && x.takenText ? x.takenText : x.invalidText,
              ),
            ];
    return html`<div class="card" part=${this.partName}>
      <h2 tabindex="-1" data-outcome=${this.outcome}>${heading}</h2>
      ${text ? html`<p class="hint">${text}</p>` : nothing}
      <div class="actions">
        ${
          this.outcome === 'failed'
            ? html`<button type="button" part="button" @click=${() => this.confirm()}>
                ${this.localize.t(x.retry)}
              </button>`
            : nothing
        }
        <button type="button" class="primary" part="button" @click=${this.onContinue}>
          ${this.localize.t(x.continue)}
        </button>
      </div>
    </div>`;
  }

  private onContinue() {
    removeLinkTokenFromUrl(this.kind);
    this.leave();
  }
}
