import { LitElement, html, nothing } from 'lit';
import { query, state } from 'lit/decorators.js';
import { controls } from '../styles/controls.ts';
import { dialogColumn, dialogStyles } from '../styles/dialog.ts';
import { formFields } from '../styles/form.ts';
import { tokenSecretDialogStyles } from './token-secret-dialog.styles.ts';
import { define } from '../define.ts';
import { LocalizeController } from '../controllers/localize.ts';
import { ModalController } from '../controllers/modal.ts';

/**
 * The one-time dialog of a new API token (PRODUCT.md "API tokens panel"): the token
 * `<id>_<secret>`, read-only, with a Copy button, until the person confirms with "OK, I've copied
 * the token". The BFF keeps only a hash, so closing it any other way first (Escape, the browser's
 * back gesture) asks inside the dialog: "The token will not be shown again. Close anyway?", with
 * Keep open (focused, the harmless choice) and Close. Once it has closed, the secret is forgotten
 * and focus goes back to the element that opened it.
 */
export class UmTokenSecretDialog extends LitElement {
  static override styles = [
    controls,
    dialogStyles,
    dialogColumn,
    formFields,
    tokenSecretDialogStyles,
  ];

  private readonly localize = new LocalizeController(this);
  private readonly modal = new ModalController(this, () => this.onClosed());

  /** The token while the dialog shows it; forgotten on closing. */
  @state() private secret: string | undefined;
  @state() private copyState: 'idle' | 'copied' | 'failed' = 'idle';
  /** The dialog was asked to close before the token was confirmed: the question shows. */
  @state() private asking = false;
  /** The person confirmed, or chose Close at the question: the dialog may close. */
  private confirmed = false;

  @query('dialog') private dialog!: HTMLDialogElement;

  /** Whether the dialog is showing. */
  get open(): boolean {
    return this.modal.open;
  }

  /** Shows `secret` once, focus on Copy; focus goes back to `opener` when the dialog closes. */
  async show(secret: string, opener?: HTMLElement) {
    this.secret = secret;
    this.copyState = 'idle';
    this.asking = false;
    this.confirmed = false;
    await this.updateComplete;
    this.modal.show(opener, '[data-action="copy"]');
  }

  override render() {
    return html`
      <dialog
        class="secret"
        part="dialog token-secret"
        aria-labelledby="secret-heading"
        aria-describedby="secret-text"
        @cancel=${this.onCancel}
      >
        ${this.secret === undefined ? nothing : this.renderSecret(this.secret)}
      </dialog>
    `;
  }

  private renderSecret(secret: string) {
    return html`
      <form method="dialog" @submit=${this.onDone}>
        <header>
          <h2 id="secret-heading">${this.localize.t('tokens.secret.heading')}</h2>
        </header>
        <div class="body">
          <div class="secret-text" id="secret-text">
            <p>${this.localize.t('tokens.secret.copyNow')}</p>
            <p>
              ${this.localize.t('tokens.secret.usage')}
              <code>Authorization: APIKey ${this.localize.t('tokens.secret.example')}</code>
            </p>
          </div>
          <div class="field">
            <label for="token-secret">${this.localize.t('tokens.secret.label')}</label>
            <div class="secret-row">
              <input
                id="token-secret"
                part="input"
                readonly
                autocomplete="off"
                spellcheck="false"
                .value=${secret}
                @focus=${(e: FocusEvent) => (e.target as HTMLInputElement).select()}
              />
              <button type="button" part="button" data-action="copy" @click=${this.copy}>
                ${this.localize.t('tokens.secret.copy')}
              </button>
            </div>
            <p class="copied" role="status">
              ${
                this.copyState === 'copied'
                  ? this.localize.t('tokens.secret.copied')
                  : this.copyState === 'failed'
                    ? this.localize.t('tokens.secret.copyFailed')
                    : ''
              }
            </p>
          </div>
          ${this.asking ? this.renderQuestion() : nothing}
        </div>
        <footer>
          <button type="submit" class="primary" part="button" data-action="done">
            ${this.localize.t('tokens.secret.done')}
          </button>
        </footer>
      </form>
    `;
  }

  /** Focus moves to Keep open, and entering the group says the question. */
  private renderQuestion() {
    return html`
      <div class="leave" role="group" aria-labelledby="secret-leave-text">
        <p id="secret-leave-text">${this.localize.t('tokens.secret.leaveQuestion')}</p>
        <div class="leave-actions">
          <button type="button" part="button" data-action="keep-open" @click=${this.keepOpen}>
            ${this.localize.t('tokens.secret.keepOpen')}
          </button>
          <button type="button" part="button" data-action="leave" @click=${this.leave}>
            ${this.localize.t('tokens.secret.leave')}
          </button>
        </div>
      </div>
    `;
  }

  private async copy() {
    const secret = this.secret;
    if (secret === undefined) return;
    try {
      await navigator.clipboard.writeText(secret);
      this.copyState = 'copied';
    } catch {
      // No clipboard (permissions, an insecure page): select the text so Ctrl+C copies it.
      this.copyState = 'failed';
      const input = this.renderRoot.querySelector<HTMLInputElement>('#token-secret');
      input?.focus();
      input?.select();
    }
  }

  private focusOn(selector: string) {
    this.renderRoot.querySelector<HTMLElement>(selector)?.focus();
  }

  /** Asks whether to close; focus on Keep open. */
  private async ask() {
    this.asking = true;
    await this.updateComplete;
    this.focusOn('[data-action="keep-open"]');
  }

  private async keepOpen() {
    this.asking = false;
    await this.updateComplete;
    this.focusOn('[data-action="copy"]');
  }

  private leave() {
    this.confirmed = true;
    this.dialog.close();
  }

  private onDone(event: SubmitEvent) {
    event.preventDefault();
    this.leave();
  }

  /** Escape (or another request to close) before the token was confirmed: ask instead. */
  private onCancel(event: Event) {
    if (this.confirmed) return;
    event.preventDefault();
    void this.ask();
  }

  /** Closed (not shown again before the event arrived): the secret is forgotten. */
  private onClosed() {
    if (!this.confirmed && this.secret !== undefined && this.isConnected) {
      // Closed without a cancel it could refuse (Chrome lets a page refuse Escape only once per
      // user interaction, so a second Escape closes): open again and ask (focus stays inside).
      this.dialog.showModal();
      void this.ask();
      return;
    }
    this.secret = undefined;
    this.copyState = 'idle';
    this.asking = false;
  }
}

define('um-token-secret-dialog', UmTokenSecretDialog);

declare global {
  interface HTMLElementTagNameMap {
    'um-token-secret-dialog': UmTokenSecretDialog;
  }
}
