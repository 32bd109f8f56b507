import { LitElement, css, html, nothing } from 'lit';
import { query, state } from 'lit/decorators.js';
import type { User } from '../../shared/users.ts';
import { controls } from '../styles/controls.ts';
import { dialogStyles } from '../styles/dialog.ts';
import { define } from '../define.ts';
import '../locales/en.ts'; // its English texts come with it (decision 031)
import { LocalizeController } from '../controllers/localize.ts';
import { ModalController } from '../controllers/modal.ts';
import '../panels/last-logins-section.ts';

/**
 * An Administrator's view of a member's sign-ins, from the Users panel's row menu: the Last logins
 * section of the Account panel with the member's `userId`. What it lists is the BFF's to decide
 * (docs/decisions/018); of a person another account shares, the dialog says that only sign-ins
 * into this account are shown. Closes with Close or Escape, focus going back to the row menu.
 *
 * @csspart dialog - The `<dialog>`.
 * @csspart button - The Close button.
 */
export class UmUserLoginsDialog extends LitElement {
  static override styles = [
    controls,
    dialogStyles,
    css`
      .shared {
        margin: 0 0 var(--_space);
        color: var(--_text-muted);
      }
    `,
  ];

  private readonly localize = new LocalizeController(this);
  private readonly modal = new ModalController(this, () => (this.user = undefined));

  /** Whose sign-ins are shown; none while closed, so nothing loads then. */
  @state() private user: Pick<User, 'id' | 'email' | 'shared_profile'> | undefined;
  @query('dialog') private dialog!: HTMLDialogElement;

  /** Whether the dialog is showing. */
  get open(): boolean {
    return this.modal.open;
  }

  async show(user: Pick<User, 'id' | 'email' | 'shared_profile'>, opener?: HTMLElement) {
    this.user = user;
    await this.updateComplete;
    this.modal.show(opener, '[data-action="close"]');
  }

  override render() {
    const user = this.user;
    return html`
      <dialog part="dialog" aria-labelledby="user-logins-heading">
        ${
          user
            ? html`<form method="dialog">
                <header>
                  <h2 id="user-logins-heading">
                    ${this.localize.t('loginsDialog.heading', { email: user.email })}
                  </h2>
                </header>
                <div class="body">
                  ${
                    user.shared_profile
                      ? html`<p class="shared">${this.localize.t('loginsDialog.shared')}</p>`
                      : nothing
                  }
                  <um-last-logins-section
                    exportparts="table, row, cell, pagination, page-button, summary, filters, input, empty"
                    .userId=${user.id}
                  ></um-last-logins-section>
                </div>
                <footer>
                  <button type="button" part="button" data-action="close" @click=${this.close}>
                    ${this.localize.t('loginsDialog.close')}
                  </button>
                </footer>
              </form>`
            : nothing
        }
      </dialog>
    `;
  }

  private close() {
    this.dialog.close();
  }
}

define('um-user-logins-dialog', UmUserLoginsDialog);

declare global {
  interface HTMLElementTagNameMap {
    'um-user-logins-dialog': UmUserLoginsDialog;
  }
}
