import { html, nothing, type LitElement } from 'lit';
import type { ClientMe } from '../../shared/clients.ts';
import type { ApiError } from '../api/client.ts';
import type { SessionController } from '../api/session-controller.ts';
import type { LocalizeController } from '../controllers/localize.ts';
import { announceError, UmAccountSwitchedEvent } from '../events.ts';

/**
 * `<user-management>`'s toolbar above a panel: the account's name, or the account switcher for a
 * member of several accounts, and Sign out. A function like the pager, so it renders in the
 * widget's shadow root with its styles; the switch itself is an `AccountSwitch`.
 */

/** A switch of account: under way, or failed; the host re-renders when either changes. */
export class AccountSwitch {
  /** A switch of account is under way. */
  switching = false;
  error: ApiError | undefined;

  constructor(
    private readonly host: LitElement,
    private readonly session: SessionController,
    /** The account in scope now. */
    private readonly current: () => number | undefined,
    /** Resolves once the widget shows what it renders (a new session's first paint waits). */
    private readonly visible: () => Promise<void>,
  ) {}

  /** Tokens for the chosen account replace the session; the panels reload with the new client. */
  readonly onChange = async (event: Event) => {
    const select = event.target as HTMLSelectElement;
    const clientId = Number(select.value);
    if (!this.session.client || this.switching) return;
    this.switching = true;
    this.error = undefined;
    this.host.requestUpdate();
    try {
      await this.session.switchAccount(clientId);
      this.host.dispatchEvent(new UmAccountSwitchedEvent({ clientId }));
    } catch (error) {
      const { error: apiError, suppressed } = announceError(this.host, error);
      if (!suppressed) this.error = apiError;
      // Still in the old account: show it as chosen.
      select.value = String(this.current() ?? '');
    } finally {
      this.switching = false;
      this.host.requestUpdate();
      await this.visible();
      // A disabled select loses focus; the user was working in it.
      this.host.renderRoot.querySelector<HTMLSelectElement>('#account-switcher')?.focus();
    }
  };
}

export interface ToolbarOptions {
  me: ClientMe | undefined;
  /** The host page's own token: then no Sign out, and no toolbar until the account's name is known. */
  hostToken: string | undefined;
  lang: string;
  localize: LocalizeController;
  accountSwitch: AccountSwitch;
  onSignOut(): void;
}

export function renderToolbar(o: ToolbarOptions) {
  const { me, localize, accountSwitch } = o;
  const company = me?.companyName;
  if (o.hostToken && !company) return nothing;
  return html`<div class="toolbar" part="toolbar" lang=${o.lang}>
    ${
      accountSwitch.error
        ? html`<p class="alert" part="error" role="alert">
            ${localize.error(accountSwitch.error)}
          </p>`
        : nothing
    }
    ${me && me.clients.length > 1 ? renderSwitcher(me, localize, accountSwitch) : nothing}
    ${
      company && !(me && me.clients.length > 1)
        ? html`<span>${localize.t('app.account', { company })}</span>`
        : nothing
    }
    ${
      o.hostToken
        ? nothing
        : html`<button type="button" part="button sign-out" @click=${() => o.onSignOut()}>
            ${localize.t('app.signOut')}
          </button>`
    }
  </div>`;
}

function renderSwitcher(me: ClientMe, localize: LocalizeController, accountSwitch: AccountSwitch) {
  return html`<span class="switcher">
    <label for="account-switcher">${localize.t('app.switchAccount')}</label>
    <select
      id="account-switcher"
      part="input account-switcher"
      name="account"
      ?disabled=${accountSwitch.switching}
      aria-busy=${accountSwitch.switching ? 'true' : 'false'}
      @change=${accountSwitch.onChange}
    >
      ${me.clients.map(
        (client) =>
          html`<option value=${client.id} ?selected=${client.id === me.id}>
            ${client.companyName}
          </option>`,
      )}
    </select>
    ${
      accountSwitch.switching
        ? html`<span class="visually-hidden" role="status">${localize.t('app.switching')}</span>`
        : nothing
    }
  </span>`;
}
