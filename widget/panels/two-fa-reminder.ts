import { LitElement, html, nothing, type PropertyValues } from 'lit';
import { state } from 'lit/decorators.js';
import { Task } from '@lit/task';
import type { ClientMe } from '../../shared/clients.ts';
import { actorOf, can } from '../../shared/permissions.ts';
import * as routes from '../../shared/routes.ts';
import type { ApiClient } from '../api/client.ts';
import { announceError, UmShowNoncompliantEvent } from '../events.ts';
import { controls } from '../styles/controls.ts';
import { define } from '../define.ts';
import '../locales/en.ts'; // its English texts come with it (decision 031)
import { LocalizeController } from '../controllers/localize.ts';
import { clientContext, meContext, provided } from '../context.ts';
import { busyButton } from '../components/submit-button.ts';
import { twoFaPolicyStyles } from './two-fa-policy.styles.ts';

/**
 * The Users panel's bar for an account that requires 2FA (docs/decisions/026), for those who may
 * remind (Administrators): how many members have not set it up (`noncompliant_members` of
 * `GET /iam/clients/{id}/security`), "Show them" (the panel filters by it: the event
 * `um-show-noncompliant`) and "Send reminder" (`POST …/security/remind`: an email to each of
 * them). Hidden when the account does not require 2FA or nobody is missing it.
 */
export class UmTwoFaReminder extends LitElement {
  static override styles = [controls, twoFaPolicyStyles];

  private readonly localize = new LocalizeController(this);

  @provided(clientContext) client!: ApiClient;
  @provided(meContext) me: ClientMe | undefined;

  @state() private busy = false;
  @state() private status = '';
  @state() private failure = '';

  private readonly count = new Task(this, {
    task: async ([client, clientId], { signal }) => {
      if (!clientId) return 0;
      const settings = await client.call(routes.getSecurity, { params: { clientId }, signal });
      return settings.noncompliant_members;
    },
    args: () => [this.client, this.shown ? this.me?.id : undefined] as const,
  });

  /** Those who may remind, in an account that requires 2FA. */
  private get shown(): boolean {
    const actor = actorOf(this.me);
    const required = this.me?.two_fa_requirement?.required ?? false;
    return required && actor !== undefined && can(actor, 'account.remind_two_fa');
  }

  protected override willUpdate(_changed: PropertyValues<this>): void {
    this.hidden = !this.shown || !this.count.value;
  }

  /** Counts again (the list changed: someone joined, was removed, set 2FA up). */
  refresh(): void {
    if (this.shown) void this.count.run();
  }

  override render() {
    const count = this.count.value;
    if (!this.shown || !count) return nothing;
    return html`<div class="bar" data-count=${count}>
      <p>${this.localize.t('users.reminder.count', { count })}</p>
      <button
        type="button"
        part="button"
        data-action="show-noncompliant"
        @click=${() => this.dispatchEvent(new UmShowNoncompliantEvent(undefined))}
      >
        ${this.localize.t('users.reminder.show')}
      </button>
      ${busyButton(
        this.localize.t(this.busy ? 'users.reminder.sending' : 'users.reminder.send'),
        this.busy,
        { action: 'remind' },
        () => void this.remind(),
      )}
      <p class="hint" part="status" role="status">${this.status}</p>
      <div class="alert" part="error" role="alert">
        ${this.failure ? html`<p>${this.failure}</p>` : nothing}
      </div>
    </div>`;
  }

  private async remind() {
    const clientId = this.me?.id;
    if (!clientId || this.busy) return;
    this.busy = true;
    this.status = '';
    this.failure = '';
    try {
      const sent = await this.client.call(routes.remindTwoFa, { params: { clientId } });
      this.status = this.localize.t('users.reminder.sent', { count: sent.recipients });
    } catch (error) {
      const { error: apiError, suppressed } = announceError(this, error);
      this.failure = suppressed ? '' : this.localize.error(apiError);
    } finally {
      this.busy = false;
    }
  }
}

define('um-two-fa-reminder', UmTwoFaReminder);

declare global {
  interface HTMLElementTagNameMap {
    'um-two-fa-reminder': UmTwoFaReminder;
  }
}
