import { LitElement, html, nothing } from 'lit';
import { query, state } from 'lit/decorators.js';
import { controls } from '../styles/controls.ts';
import { dialogStyles } from '../styles/dialog.ts';
import { confirmDialogStyles } from './confirm-dialog.styles.ts';
import { define } from '../define.ts';
import '../locales/en.ts'; // its English texts come with it (decision 031)
import { LocalizeController } from '../controllers/localize.ts';
import { ModalController } from '../controllers/modal.ts';

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
  private readonly modal = new ModalController(this, () => this.onClosed());

  @state() private options: ConfirmOptions | undefined;
  @query('dialog') private dialog!: HTMLDialogElement;
  private resolve: ((confirmed: boolean) => void) | undefined;

  /** Whether the dialog is showing. */
  get open(): boolean {
    return this.modal.open;
  }

  /** Asks; resolves with the answer once the dialog has closed. */
  async show(options: ConfirmOptions, opener?: HTMLElement): Promise<boolean> {
    this.finish(false);
    this.options = options;
    await this.updateComplete;
    this.modal.show(opener, '[data-action="cancel"]');
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

  /** Closed (not asked again before the event arrived): the answer is no. */
  private onClosed() {
    this.finish(false);
    this.options = undefined;
  }
}

define('um-confirm-dialog', UmConfirmDialog);

declare global {
  interface HTMLElementTagNameMap {
    'um-confirm-dialog': UmConfirmDialog;
  }
}
