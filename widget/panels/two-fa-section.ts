import { LitElement, html, nothing, type PropertyValues } from 'lit';
import { property, state } from 'lit/decorators.js';
import { twoFaCodeBody } from '../../shared/form-checks.ts';
import type { ApiClient, ApiError } from '../api/client.ts';
import { announceError, UmTwoFaEnabledEvent } from '../events.ts';
import { type MessageKey } from '../locales/index.ts';
import { controls } from '../styles/controls.ts';
import { sectionCard, sectionForm } from '../styles/card.ts';
import { twoFaSectionStyles } from './two-fa-section.styles.ts';
import { define } from '../define.ts';
import '../locales/en.ts'; // its English texts come with it (decision 031)
import { FormController } from '../controllers/form.ts';
import { LocalizeController } from '../controllers/localize.ts';
import { clientContext, provided } from '../context.ts';
import { busyButton, submitButton } from '../components/submit-button.ts';
import {
  codesStep,
  copyOrSelect,
  copySource,
  setupStep,
  type CopyStatus,
  type CopyTarget,
  type Step,
} from './two-fa-steps.ts';

export { groupKey } from './two-fa-steps.ts';

/**
 * The Account panel's Two-factor authentication section (PRODUCT.md "Account panel").
 *
 * Off: "Enable 2FA" asks the BFF for a new secret (`POST /iam/users/me/2fa/setup`) and shows its
 * QR code (drawn in the browser from the `otpauth://` URL) and the key for typing in, grouped in
 * fours, with Copy; a 6-digit code then activates it (`…/enable`) and the 5 backup codes are shown
 * once, with Copy and Download (a .txt file). On: "Generate backup codes" asks for a current code
 * and shows the new set (`…/backup_codes`); "Disable 2FA" asks to confirm and sends the emailed
 * confirmation link (`…/disable`). Errors are shown next to the code field, or in an alert.
 * The templates of the setup and backup-codes steps, and their helpers, are in `two-fa-steps.ts`.
 *
 * @csspart account-two-fa - The section's card.
 * @csspart two-fa-qr - The QR code (an SVG image with a label).
 * @csspart two-fa-key - The setup key for typing into the app.
 * @csspart backup-codes - The list of backup codes.
 */
export class UmTwoFaSection extends LitElement {
  static override styles = [controls, sectionCard, sectionForm, twoFaSectionStyles];

  private readonly localize = new LocalizeController(this);
  private readonly fields = new FormController(this, this.localize, { idPrefix: 'two-fa-' });

  @provided(clientContext) client!: ApiClient;
  /** Whether 2FA is on for the signed-in user (`two_fa` of `GET /iam/users/{id}`). */
  @property({ type: Boolean }) enabled = false;
  /** The user's email: the disable link goes there; it heads the downloaded codes. */
  @property() email = '';

  @state() private step: Step = { kind: 'idle' };
  @state() private code = '';
  /** Turning 2FA on asks for the password as well (the server refuses it without). */
  @state() private password = '';
  @state() private busy = false;
  @state() private failure = '';
  @state() private notice = '';
  /** "Copied" (or the copy failure) next to the Copy button that was pressed. */
  @state() private copyStatus: CopyStatus;
  @state() private downloadUrl: string | undefined;

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    this.revokeDownload();
  }

  protected override willUpdate(changed: PropertyValues): void {
    if (changed.has('step')) {
      this.revokeDownload();
      if (this.step.kind === 'codes') {
        const text = [
          this.localize.t('twoFa.codes.fileHeader', { email: this.email }),
          '',
          ...this.step.codes,
          '',
        ].join('\n');
        this.downloadUrl = URL.createObjectURL(new Blob([text], { type: 'text/plain' }));
      }
    }
  }

  private revokeDownload() {
    if (this.downloadUrl) URL.revokeObjectURL(this.downloadUrl);
    this.downloadUrl = undefined;
  }

  override render() {
    return html`
      <section class="card" part="account-two-fa" aria-labelledby="two-fa-heading">
        <h3 id="two-fa-heading">
          ${this.localize.t('twoFa.heading')}
          <span class="badge ${this.enabled ? 'on' : ''}"
            >${this.localize.t(this.enabled ? 'twoFa.on' : 'twoFa.off')}</span
          >
        </h3>
        <p
          class=${this.notice ? 'notice' : 'notice quiet'}
          part="notice"
          role="status"
          tabindex="-1"
          data-notice="two-fa"
        >
          ${this.notice}
        </p>
        <div class="alert" part="error" role="alert">
          ${this.failure ? html`<p>${this.failure}</p>` : nothing}
        </div>
        ${this.renderStep()}
      </section>
    `;
  }

  private renderStep() {
    const step = this.step;
    switch (step.kind) {
      case 'setup':
        return setupStep({
          ...this.stepView(),
          secret: step.secret,
          qr: step.qr,
          onSubmit: (event) => this.onActivate(event),
          fields: html`${this.renderCodeField()} ${this.renderPasswordField()}`,
          actions: html`${this.renderSubmit('twoFa.activate', 'twoFa.activating')}
          ${this.renderCancel()}`,
        });
      case 'codes':
        return codesStep({
          ...this.stepView(),
          codes: step.codes,
          downloadUrl: this.downloadUrl,
          onDone: () => this.onDone(),
        });
      case 'regenerate':
        return html`<form novalidate data-form="regenerate" @submit=${this.onRegenerate}>
          <h4 id="two-fa-step-heading" tabindex="-1">${this.localize.t('twoFa.regenerate')}</h4>
          <p class="hint">${this.localize.t('twoFa.regenerate.intro')}</p>
          ${this.renderCodeField()}
          <div class="actions">
            ${this.renderSubmit('twoFa.regenerate.submit', 'twoFa.regenerate.submitting')}
            ${this.renderCancel()}
          </div>
        </form>`;
      case 'disable':
        return html`<form data-form="disable" @submit=${this.onDisable}>
          <h4 id="two-fa-step-heading" tabindex="-1">${this.localize.t('twoFa.disable')}</h4>
          <p class="hint">${this.localize.t('twoFa.disable.intro')}</p>
          <div class="actions">
            ${this.renderSubmit('twoFa.disable.submit', 'twoFa.disable.submitting')}
            ${this.renderCancel()}
          </div>
        </form>`;
      default:
        return this.enabled
          ? html`<div class="actions">
              ${(['disable', 'regenerate'] as const).map(
                (kind) =>
                  html`<button
                    type="button"
                    part="button"
                    data-action=${kind}
                    @click=${() => this.go({ kind })}
                  >
                    ${this.localize.t(`twoFa.${kind}`)}
                  </button>`,
              )}
            </div>`
          : html`<p class="hint">${this.localize.t('twoFa.intro')}</p>
              <div class="actions">
                ${busyButton(
                  this.localize.t(this.busy ? 'twoFa.starting' : 'twoFa.enable'),
                  this.busy,
                  { action: 'enable' },
                  this.onStart,
                )}
              </div>`;
    }
  }

  /** What the setup and codes steps' templates take from the section. */
  private stepView() {
    return {
      localize: this.localize,
      copyStatus: this.copyStatus,
      copy: (target: CopyTarget, text: string) => void this.copy(target, text),
    };
  }

  private renderPasswordField() {
    return this.fields.textField({
      id: 'two-fa-password',
      name: 'password',
      label: this.localize.t('twoFa.password'),
      type: 'password',
      autocomplete: 'current-password',
      required: true,
      value: this.password,
      onInput: (value) => (this.password = value),
    });
  }

  private renderCodeField() {
    return this.fields.textField({
      id: 'two-fa-code',
      name: 'code',
      label: this.localize.t('twoFa.code'),
      inputmode: 'numeric',
      autocomplete: 'one-time-code',
      maxlength: 6,
      required: true,
      value: this.code,
      onInput: (value) => (this.code = value),
    });
  }

  private renderSubmit(label: MessageKey, busyLabel: MessageKey) {
    return html`${submitButton(this.localize.t(this.busy ? busyLabel : label), this.busy)}`;
  }

  private renderCancel() {
    return html`<button
      type="button"
      part="button"
      data-action="cancel"
      ?disabled=${this.busy}
      @click=${() => this.go({ kind: 'idle' }, '[data-action]')}
    >
      ${this.localize.t('twoFa.cancel')}
    </button>`;
  }

  /** Moves to `step` and focuses its heading (or `focus`, a selector in the new step). */
  private async go(step: Step, focus = '#two-fa-step-heading') {
    this.step = step;
    this.code = '';
    this.password = '';
    this.fields.clear();
    this.failure = '';
    this.copyStatus = undefined;
    if (step.kind !== 'idle') this.notice = '';
    await this.updateComplete;
    this.renderRoot.querySelector<HTMLElement>(focus)?.focus();
  }

  private async onStart() {
    if (this.busy) return;
    this.busy = true;
    this.failure = '';
    this.notice = '';
    try {
      const [setup, { qrPath }] = await Promise.all([
        this.client.twoFaSetup(),
        import('./qr-code.ts'),
      ]);
      this.busy = false;
      await this.go({ kind: 'setup', secret: setup.secret, qr: qrPath(setup.otpauth_url) });
    } catch (error) {
      this.busy = false;
      this.failure = this.failureText(this.report(error));
    }
  }

  /** The code, checked in the browser; undefined (errors shown) when it is not 6 digits. */
  private async checkedCode(): Promise<string | undefined> {
    const check = twoFaCodeBody({ code: this.code });
    if (check.success) return check.data.code;
    this.fields.show({
      code: [
        this.code.trim() ? this.localize.t('twoFa.codeFormat') : this.localize.t('field.required'),
      ],
    });
    await this.focusCode();
    return undefined;
  }

  private async focusCode() {
    await this.updateComplete;
    this.renderRoot.querySelector<HTMLInputElement>('#two-fa-code')?.focus();
  }

  private async onActivate(event: SubmitEvent) {
    event.preventDefault();
    if (this.busy) return;
    const code = await this.checkedCode();
    if (!code) return;
    if (!this.password) {
      this.fields.show({ password: [this.localize.t('field.required')] });
      await this.updateComplete;
      this.renderRoot.querySelector<HTMLInputElement>('#two-fa-password')?.focus();
      return;
    }
    const password = this.password;
    await this.submitCode(async () => {
      const { backup_codes: codes } = await this.client.enableTwoFa(code, password);
      this.enabled = true;
      this.notice = this.localize.t('twoFa.enabled');
      this.dispatchEvent(new UmTwoFaEnabledEvent(undefined));
      return codes;
    });
  }

  private async onRegenerate(event: SubmitEvent) {
    event.preventDefault();
    if (this.busy) return;
    const code = await this.checkedCode();
    if (!code) return;
    await this.submitCode(async () => (await this.client.regenerateBackupCodes(code)).backup_codes);
  }

  private async submitCode(request: () => Promise<string[]>) {
    this.busy = true;
    this.fields.clear();
    this.failure = '';
    try {
      const codes = await request();
      this.busy = false;
      const notice = this.notice;
      await this.go({ kind: 'codes', codes });
      this.notice = notice;
    } catch (error) {
      this.busy = false;
      const apiError = this.report(error);
      if (apiError.code === 'invalid_one_time_password') {
        this.fields.show({ code: [this.localize.t('twoFa.codeInvalid')] });
      } else if (apiError.fieldErrors.code || apiError.fieldErrors.password) {
        this.fields.show(apiError.fieldErrors);
      } else {
        this.failure = this.failureText(apiError);
      }
      await this.fields.focusFirstInvalid();
    }
  }

  private async onDone() {
    await this.go({ kind: 'idle' }, '[data-action="regenerate"]');
  }

  private async onDisable(event: SubmitEvent) {
    event.preventDefault();
    if (this.busy) return;
    this.busy = true;
    this.failure = '';
    try {
      await this.client.requestTwoFaDisable();
      this.busy = false;
      this.notice = this.localize.t('twoFa.disable.sent', { email: this.email });
      await this.go({ kind: 'idle' }, '[data-notice="two-fa"]');
    } catch (error) {
      this.busy = false;
      this.failure = this.failureText(this.report(error));
    }
  }

  private async copy(target: CopyTarget, text: string) {
    const copied = await copyOrSelect(text, this.renderRoot.querySelector(copySource(target)));
    this.copyStatus = {
      target,
      text: this.localize.t(copied ? 'twoFa.copied' : 'twoFa.copyFailed'),
    };
  }

  private suppressed = false;

  /** The alert's text, unless the host cancelled `um-error` to show it its own way. */
  private failureText(error: ApiError): string {
    return this.suppressed ? '' : this.localize.error(error);
  }

  private report(error: unknown): ApiError {
    const { error: apiError, suppressed } = announceError(this, error);
    this.suppressed = suppressed;
    return apiError;
  }
}

define('um-two-fa-section', UmTwoFaSection);

declare global {
  interface HTMLElementTagNameMap {
    'um-two-fa-section': UmTwoFaSection;
  }
}
