import { LitElement, html, nothing, type PropertyValues } from 'lit';
import { state } from 'lit/decorators.js';
import { Task } from '@lit/task';
import type { ClientMe } from '../../shared/clients.ts';
import type { ApiClient } from '../api/client.ts';
import { UmMeStaleEvent, type UmErrorEvent } from '../events.ts';
import { controls } from '../styles/controls.ts';
import { define } from '../define.ts';
import { LocalizeController } from '../controllers/localize.ts';
import { clientContext, meContext, provided } from '../context.ts';
import { twoFaPolicyStyles } from './two-fa-policy.styles.ts';
import { loadOnFirstUse } from '../lazy.ts';

/**
 * The parts of the gate that the page may style: the gate passes them on itself (its
 * `exportparts`), so the list stays beside the template that has them.
 */
const PARTS =
  'notice, panel, heading, account-two-fa, two-fa-qr, two-fa-key, backup-codes, input, button, error, field-error';

/**
 * Around the panel (its slot): what an account that requires two-factor authentication asks of
 * the signed-in member (docs/decisions/026), as `GET /iam/clients/me` says
 * (`two_fa_requirement.state`).
 *
 * - `grace`: a banner above the panel with the days left and "Set up now", which shows the setup
 *   (`<um-two-fa-section>`) in the panel's place, with "Not now" to go back.
 * - `setup_required`: the setup only; `<user-management>` renders no panel then (the BFF would
 *   refuse its requests with 403 `two_fa_required`). Once 2FA is on, "Continue" asks for `me`
 *   again (`um-me-stale`) and the panel comes.
 *
 * A panel's request refused with 403 `two_fa_required` (the grace period ended while the panel
 * was open) makes the gate ask for `me` again too, which then leads into the setup.
 *
 * @csspart notice - The grace period's banner.
 * @csspart panel - The setup view, in the panel's place (its heading: `heading`).
 */
export class UmTwoFaGate extends LitElement {
  static override styles = [controls, twoFaPolicyStyles];

  private readonly localize = new LocalizeController(this);

  @provided(clientContext) client!: ApiClient;
  @provided(meContext) me: ClientMe | undefined;

  /** "Set up now" was pressed during the grace period. */
  @state() private settingUp = false;
  /** 2FA was turned on in the setup shown here: "Continue" leads on. */
  @state() private enabled = false;

  /** The member's own email, for the backup codes' file (only while the setup is shown). */
  private readonly email = new Task(this, {
    task: async ([client, userId], { signal }) =>
      userId ? (await client.user(userId, signal)).email : '',
    args: () => [this.client, this.showsSetup ? this.me?.currentUser : undefined] as const,
  });

  constructor() {
    super();
    // `<user-management>` listens here; the page must not hear the widget's internal event.
    this.addEventListener('um-me-stale', (event) => event.stopPropagation());
    this.addEventListener('um-error', (event: UmErrorEvent) => {
      const { status, code } = event.detail.error;
      // Once: when `me` already says so, asking again could only repeat the answer.
      if (status === 403 && code === 'two_fa_required' && this.state !== 'setup_required') {
        this.dispatchEvent(new UmMeStaleEvent(undefined));
      }
    });
  }

  override connectedCallback(): void {
    super.connectedCallback();
    this.setAttribute('exportparts', PARTS);
  }

  private get state() {
    return this.me?.two_fa_requirement?.state;
  }

  private get showsSetup(): boolean {
    return this.state === 'setup_required' || (this.state === 'grace' && this.settingUp);
  }

  protected override willUpdate(changed: PropertyValues<this>): void {
    // A new answer of `me` that no longer asks for 2FA (it was set up, or the requirement
    // dropped, or another account): back to the panel.
    if (changed.has('me') && this.state !== 'grace' && this.state !== 'setup_required') {
      this.settingUp = false;
      this.enabled = false;
    }
  }

  override render() {
    if (this.showsSetup) return this.renderSetup();
    return html`${this.state === 'grace' ? this.renderBanner() : nothing}<slot></slot>`;
  }

  private renderBanner() {
    const requirement = this.me!.two_fa_requirement!;
    return html`<div class="banner" part="notice" role="note">
      <p>
        ${this.localize.t('twoFaPolicy.banner', {
          company: this.me!.companyName,
          days: requirement.days_left ?? 0,
        })}
      </p>
      <button
        type="button"
        class="primary"
        part="button"
        data-action="set-up-2fa"
        @click=${() => this.show(true)}
      >
        ${this.localize.t('twoFaPolicy.setUp')}
      </button>
    </div>`;
  }

  private renderSetup() {
    const grace = this.state === 'grace';
    return html`<section class="setup" part="panel" aria-labelledby="two-fa-gate-heading">
      <h2 id="two-fa-gate-heading" part="heading" tabindex="-1">
        ${this.localize.t('twoFaPolicy.heading')}
      </h2>
      <p>${this.localize.t('twoFaPolicy.intro', { company: this.me?.companyName ?? '' })}</p>
      <um-two-fa-section
        ${loadOnFirstUse()}
        exportparts="account-two-fa, two-fa-qr, two-fa-key, backup-codes, input, button, error, field-error, notice"
        .email=${this.email.value ?? ''}
        @um-two-fa-enabled=${() => (this.enabled = true)}
      ></um-two-fa-section>
      ${this.enabled ? html`<p class="hint" role="status">${this.localize.t('twoFaPolicy.done')}</p>` : nothing}
      <div class="actions">
        ${
          this.enabled
            ? html`<button
                type="button"
                class="primary"
                part="button"
                data-action="continue"
                @click=${() => this.dispatchEvent(new UmMeStaleEvent(undefined))}
              >
                ${this.localize.t('twoFaPolicy.continue')}
              </button>`
            : grace
              ? html`<button
                  type="button"
                  part="button"
                  data-action="later"
                  @click=${() => this.show(false)}
                >
                  ${this.localize.t('twoFaPolicy.later')}
                </button>`
              : nothing
        }
      </div>
    </section>`;
  }

  /** Shows (or leaves) the setup during the grace period, with focus where the user now is. */
  private async show(setup: boolean) {
    this.settingUp = setup;
    await this.updateComplete;
    const target = setup ? '#two-fa-gate-heading' : '[data-action="set-up-2fa"]';
    this.renderRoot.querySelector<HTMLElement>(target)?.focus();
  }
}

define('um-two-fa-gate', UmTwoFaGate);

declare global {
  interface HTMLElementTagNameMap {
    'um-two-fa-gate': UmTwoFaGate;
  }
}
