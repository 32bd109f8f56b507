import { LitElement, html, nothing } from 'lit';
import { query, state } from 'lit/decorators.js';
import { controls } from '../styles/controls.ts';
import { dialogStyles } from '../styles/dialog.ts';
import { confirmDialogStyles } from './confirm-dialog.styles.ts';
import { define } from '../define.ts';
import { LocalizeController } from '../controllers/localize.ts';

export interface ConfirmOptions {
  heading: string;
  message: string;
  /** The confirming button's text ("Delete"). */
  confirmLabel: string;
  /** Draws the confirming button in the danger colour (destructive actions). */
  danger?: boolean;
}

/**
 * A modal question with Cancel and one confirming button (`role="alertdialog"`, native
 * `<dialog>`). `show()` resolves `true` when confirmed and `false` when cancelled (Cancel, Escape);
 * focus starts on Cancel, the harmless choice, and goes back to `opener` when it closes.
 */
export class UmConfirmDialog extends LitElement {
  static override styles = [controls, dialogStyles, confirmDialogStyles];

  private readonly localize = new LocalizeController(this);

  @state() private options: ConfirmOptions | undefined;
  @query('dialog') private dialog!: HTMLDialogElement;
  private opener: HTMLElement | undefined;
  private resolve: ((confirmed: boolean) => void) | undefined;

  /** Whether the dialog is showing. */
  get open(): boolean {
    return this.dialog?.open ?? false;
  }

  /** Asks; resolves with the answer once the dialog has closed. */
  async show(options: ConfirmOptions, opener?: HTMLElement): Promise<boolean> {
    this.finish(false);
    this.options = options;
    this.opener = opener;
    await this.updateComplete;
    if (!this.dialog.open) this.dialog.showModal();
    this.renderRoot.querySelector<HTMLButtonElement>('[data-action="cancel"]')?.focus();
    return new Promise<boolean>((resolve) => (this.resolve = resolve));
  }

  override render() {
    const options = this.options;
    return html`
      <dialog
        part="dialog"
        role="alertdialog"
        aria-labelledby="confirm-heading"
        aria-describedby="confirm-message"
        @close=${this.onClose}
      >
        ${
          options
            ? html`<form method="dialog" @submit=${this.onSubmit}>
                <header><h2 id="confirm-heading">${options.heading}</h2></header>
                <div class="body"><p id="confirm-message">${options.message}</p></div>
                <footer>
                  <button type="button" part="button" data-action="cancel" @click=${this.cancel}>
                    ${this.localize.t('confirm.cancel')}
                  </button>
                  <button
                    type="submit"
                    part="button"
                    data-action="confirm"
                    class=${options.danger ? 'danger' : 'primary'}
                  >
                    ${options.confirmLabel}
                  </button>
                </footer>
              </form>`
            : nothing
        }
      </dialog>
    `;
  }

  private cancel() {
    this.finish(false);
    this.dialog.close();
  }

  private onSubmit(event: SubmitEvent) {
    event.preventDefault();
    this.finish(true);
    this.dialog.close();
  }

  /** Answers the pending question once (the first of confirm, cancel or close counts). */
  private finish(confirmed: boolean) {
    const resolve = this.resolve;
    this.resolve = undefined;
    resolve?.(confirmed);
  }

  private onClose() {
    // Asked again before the close event arrived (the event is queued): that question stands.
    if (this.dialog.open) return;
    this.finish(false);
    this.options = undefined;
    this.opener?.focus();
  }
}

define('um-confirm-dialog', UmConfirmDialog);

declare global {
  interface HTMLElementTagNameMap {
    'um-confirm-dialog': UmConfirmDialog;
  }
}
