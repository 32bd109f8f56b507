import { LitElement, css, html, nothing } from 'lit';
import { property, query, state } from 'lit/decorators.js';
import { inviteUserBody } from '../../shared/form-checks.ts';
import type { InviteUserBody } from '../../shared/invitations.ts';
import type { FieldErrors } from '../../shared/errors.ts';
import { iamRole } from '../../shared/roles.ts';
import type { ApiClient, ApiError } from '../api/client.ts';
import '../components/user-form.ts';
import { cloudOf, emptyUserForm, type UmUserForm } from '../components/user-form.ts';
import { userFormStyles } from '../components/user-form.styles.ts';
import { announceError, UmUserInvitedEvent } from '../events.ts';
import { issuesToFieldErrors } from '../locales/errors.ts';
import { controls } from '../styles/controls.ts';
import { dialogStyles } from '../styles/dialog.ts';
import { formFields } from '../styles/form.ts';
import { define } from '../define.ts';
import '../locales/en.ts'; // its English texts come with it (decision 031)
import { LocalizeController } from '../controllers/localize.ts';
import { clientContext, provided } from '../context.ts';
import { submitButton } from '../components/submit-button.ts';
import type { UmBulkInvite } from './bulk-invite.ts';

/** The header's choice of one person or several; "several" lays out like the form. */
const inviteModeStyles = css`
  .frame {
    display: flex;
    flex-direction: column;
    max-height: calc(100vh - 2rem);
  }
  .modes {
    margin: var(--_space) 0 0;
    padding: 0;
    border: 0;
  }
`;

/**
 * The Invite user form (PRODUCT.md "Invite user"), in a modal `<dialog>`; the fields are the
 * shared `<um-user-form>`. It validates with the BFF's own rules (`inviteUserBody` of shared/form-checks.ts) before
 * sending, so a malformed email never makes a request; what only the BFF can know (already
 * invited, the daily limit) comes back as field errors or a message in the alert area. On success
 * it closes and fires `um-user-invited`. However it closes (Escape, Cancel, success), focus goes
 * back to the element that opened it. "Invite several" in its header swaps the form for
 * `<um-bulk-invite>` (loaded on first use), which fires `um-users-invited` once per batch.
 */
export class UmInviteUserDialog extends LitElement {
  static override styles = [controls, dialogStyles, formFields, userFormStyles, inviteModeStyles];

  private readonly localize = new LocalizeController(this);

  @provided(clientContext) client!: ApiClient;
  /** The account invited into (`client_id` of the request). */
  @property({ attribute: false }) clientId = 0;

  @state() private busy = false;
  @state() private fieldErrors: FieldErrors = {};
  @state() private failure: ApiError | undefined;
  /** The host cancelled `um-error` for the last failure: show no message of our own. */
  @state() private failureSuppressed = false;

  @query('dialog') private dialog!: HTMLDialogElement;
  @query('um-user-form') private form!: UmUserForm;
  /** Takes focus back when the dialog closes (the browser's own restoring misses clicked buttons). */
  private opener: HTMLElement | undefined;

  /** The form exists only while the dialog is open: a closed dialog leaves no fields in the page. */
  @state() private isOpen = false;
  /** One person (the form), or several (`<um-bulk-invite>`, loaded on first use). */
  @state() private mode: 'one' | 'several' = 'one';

  /** Whether the dialog is showing. */
  get open(): boolean {
    return this.dialog?.open ?? false;
  }

  /** Opens the dialog with an empty form, focus on Name; closing focuses `opener` again. */
  async show(opener?: HTMLElement) {
    this.opener = opener;
    this.fieldErrors = {};
    this.failure = undefined;
    this.busy = false;
    this.mode = 'one';
    this.isOpen = true;
    await this.updateComplete;
    this.form.reset(emptyUserForm());
    await this.form.updateComplete;
    if (!this.dialog.open) this.dialog.showModal();
    this.renderRoot.querySelector<HTMLInputElement>('#user-name')?.focus();
  }

  close() {
    if (this.dialog?.open) this.dialog.close();
    this.opener?.focus();
  }

  override render() {
    return html`
      <dialog
        part="dialog"
        aria-labelledby="invite-heading"
        @cancel=${(event: Event) => {
          // A request in flight finishes first; Escape does not abandon it half-way.
          const bulk = this.renderRoot.querySelector<UmBulkInvite>('um-bulk-invite');
          if (this.busy || bulk?.sending) event.preventDefault();
        }}
        @close=${() => {
          this.isOpen = false;
          this.opener?.focus();
        }}
      >
        ${!this.isOpen ? nothing : this.mode === 'one' ? this.renderForm() : this.renderSeveral()}
      </dialog>
    `;
  }

  private renderHeader() {
    const t = this.localize.t.bind(this.localize);
    return html`
      <header>
        <h2 id="invite-heading">${t('invite.heading')}</h2>
        <fieldset class="inline-radios modes" ?disabled=${this.busy}>
          <legend class="visually-hidden">${t('invite.mode')}</legend>
          ${(['one', 'several'] as const).map(
            (mode) => html`
              <label class="radio">
                <input
                  type="radio"
                  name="invite-mode"
                  .value=${mode}
                  .checked=${this.mode === mode}
                  @change=${() => void this.chooseMode(mode)}
                />
                ${t(`invite.mode.${mode}`)}
              </label>
            `,
          )}
        </fieldset>
      </header>
    `;
  }

  private async chooseMode(mode: 'one' | 'several') {
    if (mode === 'several') await import('./bulk-invite.ts');
    this.mode = mode;
    await this.updateComplete;
    if (mode === 'one') {
      this.form.reset(emptyUserForm());
      this.renderRoot.querySelector<HTMLInputElement>('#user-name')?.focus();
    } else {
      const bulk = this.renderRoot.querySelector<UmBulkInvite>('um-bulk-invite');
      await bulk?.updateComplete;
      bulk?.focus();
    }
  }

  private renderSeveral() {
    return html`
      <div class="frame">
        ${this.renderHeader()}
        <um-bulk-invite
          exportparts="input, button, error, field-error, table"
          .clientId=${this.clientId}
          .onClose=${() => this.close()}
        ></um-bulk-invite>
      </div>
    `;
  }

  private renderForm() {
    return html`
      <form novalidate @submit=${this.onSubmit}>
        ${this.renderHeader()}
        <div class="body">
          <um-user-form
            .fieldErrors=${this.fieldErrors}
            .failure=${this.failureLines()}
          ></um-user-form>
        </div>
        <footer>
          <button type="button" part="button" ?disabled=${this.busy} @click=${() => this.close()}>
            ${this.localize.t('invite.cancel')}
          </button>
          ${submitButton(this.localize.t(this.busy ? 'invite.submitting' : 'invite.submit'), this.busy)}
        </footer>
      </form>
    `;
  }

  private failureLines(): string[] {
    const failure = this.failure;
    if (!failure || this.failureSuppressed) return [];
    return [
      this.localize.error(
        failure,
        failure.code === 'rate_limited' ? this.localize.t('invite.rateLimited') : undefined,
      ),
    ];
  }

  /** The request body, as the BFF's schema expects it (before validation). */
  private body(): InviteUserBody {
    const f = this.form.value;
    const name = f.name.trim();
    return {
      client_id: this.clientId,
      email: f.email,
      user_role: { id: f.roleId, name: iamRole(f.roleId).name },
      ...(name ? { name } : {}),
      lang: f.lang as InviteUserBody['lang'],
      cloud: cloudOf(f),
    };
  }

  private async onSubmit(event: SubmitEvent) {
    event.preventDefault();
    if (this.busy) return;
    this.failure = undefined;
    const parsed = inviteUserBody(this.body());
    if (!parsed.success) {
      this.fieldErrors = issuesToFieldErrors(parsed.error.issues, 'cloud');
      await this.updateComplete;
      await this.form.focusFirstInvalid();
      return;
    }
    this.fieldErrors = {};
    this.busy = true;
    try {
      const result = await this.client.inviteUser(parsed.data);
      this.busy = false;
      this.close();
      this.dispatchEvent(
        new UmUserInvitedEvent({ userId: result.user_id, email: parsed.data.email }),
      );
    } catch (error) {
      this.busy = false;
      const { error: apiError, suppressed } = announceError(this, error);
      this.failureSuppressed = suppressed;
      this.failure = apiError;
      this.fieldErrors = apiError.fieldErrors;
      await this.updateComplete;
      await this.form.focusFirstInvalid();
    }
  }
}

define('um-invite-user-dialog', UmInviteUserDialog);

declare global {
  interface HTMLElementTagNameMap {
    'um-invite-user-dialog': UmInviteUserDialog;
  }
}
