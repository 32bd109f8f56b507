import { LitElement, html, nothing, type PropertyValues } from 'lit';
import { state } from 'lit/decorators.js';
import { Task } from '@lit/task';
import type { ClientMe } from '../../shared/clients.ts';
import { actorOf, can } from '../../shared/permissions.ts';
import * as routes from '../../shared/routes.ts';
import { securitySettingsBody } from '../../shared/form-checks.ts';
import type { SecuritySettings } from '../../shared/security.ts';
import { isAbortError, type ApiClient } from '../api/client.ts';
import { announceError, UmMeStaleEvent } from '../events.ts';
import { controls } from '../styles/controls.ts';
import { sectionCard, sectionForm } from '../styles/card.ts';
import { define } from '../define.ts';
import { FormController } from '../controllers/form.ts';
import { LocalizeController } from '../controllers/localize.ts';
import { clientContext, meContext, provided } from '../context.ts';
import { submitButton } from '../components/submit-button.ts';
import { twoFaPolicyStyles } from './two-fa-policy.styles.ts';

/**
 * The Account panel's "Require two-factor authentication" setting, with its grace period of
 * 0–30 days (docs/decisions/026): `GET`/`PUT /iam/clients/{id}/security`. Only those who may
 * change it see it (Administrators, `can(…, 'account.manage_security')`); for anyone else the
 * element is hidden. It says since when it holds, when the grace period ends, and how many
 * members have not set 2FA up yet.
 */
export class UmSecurityPolicySection extends LitElement {
  static override styles = [controls, sectionCard, sectionForm, twoFaPolicyStyles];

  private readonly localize = new LocalizeController(this);
  private readonly fields = new FormController(this, this.localize, { idPrefix: 'security-' });

  @provided(clientContext) client!: ApiClient;
  @provided(meContext) me: ClientMe | undefined;

  /** What the BFF holds (loaded, or answered by the last save). */
  @state() private current: SecuritySettings | undefined;
  @state() private require = false;
  @state() private graceDays = '0';
  @state() private busy = false;
  @state() private failure = '';
  @state() private notice = '';

  private readonly settings = new Task(this, {
    task: async ([client, clientId], { signal }) => {
      if (!clientId) return undefined;
      try {
        return await client.call(routes.getSecurity, { params: { clientId }, signal });
      } catch (error) {
        if (!isAbortError(error)) announceError(this, error);
        throw error;
      }
    },
    args: () => [this.client, this.mayManage ? this.me?.id : undefined] as const,
    onComplete: (settings) => settings && this.take(settings),
  });

  private get mayManage(): boolean {
    const actor = actorOf(this.me);
    return actor ? can(actor, 'account.manage_security') : false;
  }

  protected override willUpdate(changed: PropertyValues<this>): void {
    if (changed.has('me')) this.hidden = !this.mayManage;
  }

  /** The form shows what the BFF holds. */
  private take(settings: SecuritySettings) {
    this.current = settings;
    this.require = settings.require_2fa;
    this.graceDays = String(settings.grace_period_days);
    this.fields.clear();
  }

  override render() {
    if (!this.mayManage) return nothing;
    return html`<form
      class="card"
      aria-labelledby="security-heading"
      novalidate
      data-form="security"
      @submit=${this.save}
    >
      <h3 id="security-heading">${this.localize.t('security.heading')}</h3>
      <p
        class=${this.notice ? 'notice' : 'notice quiet'}
        part="notice"
        role="status"
        tabindex="-1"
        data-notice="security"
      >
        ${this.notice}
      </p>
      <div class="alert" part="error" role="alert">
        ${this.failure ? html`<p>${this.failure}</p>` : nothing}
      </div>
      ${this.settings.render({
        initial: () => this.renderLoading(),
        pending: () => (this.current ? this.renderFields() : this.renderLoading()),
        complete: () => this.renderFields(),
        error: () =>
          html`<button type="button" part="button" @click=${() => this.settings.run()}>
            ${this.localize.t('security.retry')}
          </button>`,
      })}
    </form>`;
  }

  private renderLoading() {
    return html`<p class="hint" role="status">${this.localize.t('security.loading')}</p>`;
  }

  private renderFields() {
    const settings = this.current;
    const date = new Intl.DateTimeFormat(this.localize.lang, { dateStyle: 'medium' });
    const when = (iso: string) => date.format(new Date(iso));
    return html`
      <label class="check">
        <input
          type="checkbox"
          part="input"
          name="require_2fa"
          aria-describedby="security-require-hint"
          .checked=${this.require}
          @change=${(event: Event) => (this.require = (event.target as HTMLInputElement).checked)}
        />
        ${this.localize.t('security.require')}
      </label>
      <p class="hint" id="security-require-hint">${this.localize.t('security.requireHint')}</p>
      ${this.fields.textField({
        id: 'security-grace',
        name: 'grace_period_days',
        label: this.localize.t('security.grace'),
        type: 'number',
        inputmode: 'numeric',
        value: this.graceDays,
        hint: this.localize.t('security.graceHint'),
        onInput: (value) => (this.graceDays = value),
      })}
      ${
        settings?.required_since && settings.grace_period_ends_at
          ? html`<p data-status="since">
              ${this.localize.t('security.since', {
                since: when(settings.required_since),
                ends: when(settings.grace_period_ends_at),
              })}
              ${this.localize.t('security.noncompliant', { count: settings.noncompliant_members })}
            </p>`
          : nothing
      }
      <div class="actions">
        ${submitButton(this.localize.t(this.busy ? 'security.saving' : 'security.save'), this.busy)}
      </div>
    `;
  }

  private async save(event: SubmitEvent) {
    event.preventDefault();
    const clientId = this.me?.id;
    if (!clientId || this.busy) return;
    const days = this.graceDays.trim();
    const body = { require_2fa: this.require, grace_period_days: Number(days) };
    // The BFF's schema's rules first (form-checks.ts); a number field also hands over '' and '1e1'.
    if (!/^\d{1,2}$/.test(days) || !securitySettingsBody(body).success) {
      this.fields.show({ grace_period_days: [this.localize.t('security.graceInvalid')] });
      await this.fields.focusFirstInvalid();
      return;
    }
    this.busy = true;
    this.failure = '';
    this.notice = '';
    try {
      const saved = await this.client.call(routes.setSecurity, { params: { clientId }, body });
      this.take(saved);
      this.notice = this.localize.t('security.saved');
      // The caller's own standing may have changed with it (a banner, or the setup).
      this.dispatchEvent(new UmMeStaleEvent(undefined));
      await this.updateComplete;
      this.renderRoot.querySelector<HTMLElement>('[data-notice="security"]')?.focus();
    } catch (error) {
      const { error: apiError, suppressed } = announceError(this, error);
      this.fields.show(apiError.fieldErrors);
      this.failure = suppressed ? '' : this.localize.error(apiError);
      await this.fields.focusFirstInvalid('button[type="submit"]');
    } finally {
      this.busy = false;
    }
  }
}

define('um-security-policy-section', UmSecurityPolicySection);

declare global {
  interface HTMLElementTagNameMap {
    'um-security-policy-section': UmSecurityPolicySection;
  }
}
