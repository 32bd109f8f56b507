import { LitElement, html, nothing, type PropertyValues } from 'lit';
import { property, state } from 'lit/decorators.js';
import { Task, TaskStatus } from '@lit/task';
import { ContextProvider } from '@lit/context';
import { SessionController } from './api/session-controller.ts';
import {
  UmSignedInEvent,
  UmSignedOutEvent,
  type UmAcceptDoneEvent,
  type UmAcceptLanguageEvent,
  type UmConfirmEmailDoneEvent,
  type UmSessionEvent,
  type UmShowTokensEvent,
} from './events.ts';
import { resolveLang, UI_LANGUAGES } from './locales/index.ts';
import type { TokenIssuer } from './panels/token-issuer.ts';
import './panels/users-panel.ts';
import './panels/two-fa-gate.ts';
import { controls } from './styles/controls.ts';
import { tokens } from './styles/tokens.ts';
import { userManagementStyles } from './user-management.styles.ts';
import { define } from './define.ts';
import { clientContext, meContext } from './context.ts';
import { LanguageController } from './controllers/language.ts';
import { FirstPaintController } from './controllers/first-paint.ts';
import { LocalizeController } from './controllers/localize.ts';
import { linkTokenFromUrl, removeLinkTokenFromUrl } from './link-tokens.ts';
import { AccountSwitch, renderToolbar } from './components/toolbar.ts';
import { loadOnFirstUse } from './lazy.ts';
import { renderPanel } from './panels/panel-switch.ts';

export { ApiError } from './api/client.ts';
export {
  UmAccountSwitchedEvent,
  UmErrorEvent,
  UmInvitationAcceptedEvent,
  UmSignedInEvent,
  UmSignedOutEvent,
  UmTokenCreatedEvent,
  UmUserDeletedEvent,
  UmUserInvitedEvent,
  UmUsersInvitedEvent,
  UmUserUpdatedEvent,
} from './events.ts';

/** The panels of the widget. */
export type PanelName = 'users' | 'account' | 'api-tokens' | 'activity';

/**
 * Complete user management for an account, in one tag:
 * `<user-management api="/um" panel="users"></user-management>`.
 *
 * Without a `token` it shows a sign-in view, and keeps the session (access and refresh token) in
 * `sessionStorage`, keyed by `api`, so a reload stays signed in. A request answered 401 renews the
 * session once with the refresh token; when that fails the sign-in view comes back.
 *
 * An invitation link (`?token=…` in the page's URL, or the `invitation-token` attribute) shows the
 * acceptance view instead: the invitee creates a password or accepts, then signs in.
 *
 * The Account panel's emailed links show their own view first, signed in or not, and leave the
 * URL once answered: `?confirm_email_token=…` confirms a new email, `?disable_2fa_token=…` turns
 * two-factor authentication off.
 *
 * A member of several accounts gets an account switcher (a labelled select) in the toolbar. It
 * asks the BFF for tokens of the chosen account (`GET /iam/auth/jwt/clients/{id}/login`), keeps
 * them where the sign-in keeps its session, and reloads the panel: roles, status and edits are per
 * account.
 *
 * @tagname user-management
 *
 * @attr {string} api - Base URL of the BFF. `''` or `'/'` is the page's own origin; a trailing
 *   slash is ignored.
 * @attr {'users' | 'account' | 'api-tokens' | 'activity'} panel - The panel to show: `users` (the
 *   default; the account's users, with Invite, Edit and Delete for Administrators), `account` (the
 *   signed-in member's own details and password), `api-tokens` (the member's API tokens; every
 *   token of the account for Administrators) or `activity` (the account's audit trail, with
 *   filters and CSV export, for Administrators). Others show `users`; a change switches in place.
 *   The widget sets it itself (and reflects it to the attribute) when "Show their tokens" after a
 *   refused deletion opens the API tokens panel filtered by that user.
 * @attr {string} lang - Interface language: `en`, `de`, `zh` or `ru` (`de-AT` counts as `de`;
 *   others show English). Without it the widget follows the user: the signed-in member's own
 *   language (and their change of it in the Account panel), the invitee's on an invitation link,
 *   else the browser's. German, Chinese and Russian load on first use, from beside the script: a
 *   view's first paint stays hidden until its language arrives; a later change keeps the old one.
 * @attr {string} invitation-token - The token of an invitation link. Without it the widget reads
 *   `?token=` from the page's URL; the attribute wins when both are present. After an acceptance
 *   the widget removes `token` from the URL (`history.replaceState`, other parameters kept).
 *
 * @prop {string | undefined} token - An access JWT the host already has. With it the widget shows
 *   no sign-in view and never stores or renews the token: the host replaces it when it expires
 *   (listen for `um-error` with `status` 401). Switching accounts then keeps the new account's
 *   access token in memory only, until the host sets `token` again.
 *
 * @event {UmSignedInEvent} um-signed-in - A user signed in through the sign-in view. `detail`:
 *   `{clientId, userId}`.
 * @event {UmSignedOutEvent} um-signed-out - The session ended. `detail.reason`: `user` (Sign out)
 *   or `expired` (it could not be renewed).
 * @event {UmUserInvitedEvent} um-user-invited - An administrator invited someone. `detail`:
 *   `{userId, email}`.
 * @event {UmUsersInvitedEvent} um-users-invited - An administrator's "Invite several" batch
 *   invited people (once per batch). `detail`: `{invited}`, a list of `{userId, email}`.
 * @event {UmInvitationAcceptedEvent} um-invitation-accepted - An invitee accepted in the
 *   acceptance view. `detail`: `{email, clientId}`.
 * @event {UmUserUpdatedEvent} um-user-updated - An Administrator saved changes in the Edit user
 *   dialog (also when only part of them could be saved), or a member saved their own details in
 *   the Account panel. `detail`: `{userId, lang?}` (`lang`: their language now, when all was
 *   saved).
 * @event {UmAccountSwitchedEvent} um-account-switched - The user switched to another of their
 *   accounts. `detail`: `{clientId}`.
 * @event {UmTokenCreatedEvent} um-token-created - A member created an API token in the Create
 *   token dialog. `detail`: `{tokenId}` (the secret is never in an event).
 * @event {UmUserDeletedEvent} um-user-deleted - An Administrator removed a user from the account
 *   (Users panel, Delete). `detail`: `{userId}`.
 * @event {UmErrorEvent} um-error - A request to the BFF failed. `detail.error` is an `ApiError`
 *   (`status`, `code`, `message`, `fieldErrors`, `retryAfter`). Cancelable: `preventDefault()`
 *   suppresses the widget's own message (its Retry button stays).
 *
 * @csspart toolbar - The bar above a panel with the account's name and Sign out.
 * @csspart account-switcher - The toolbar's select of the user's accounts (several accounts only).
 * @csspart sign-out - The Sign out button.
 * @csspart sign-in-form - The sign-in form.
 * @csspart error - An error message (sign-in failure, failed load of the table, a refused invite).
 * @csspart submit - The sign-in button; the acceptance view's Accept button.
 * @csspart notice - A notice: the sign-in view's after an accepted invitation, the Account
 *   panel's after a save, the banner of an account's 2FA grace period ("Set up now").
 * @csspart accept-view - The invitation acceptance view's card.
 * @csspart field-error - The error message next to a form field.
 * @csspart panel - The panel's section.
 * @csspart heading - The panel's heading ("Users", "My account").
 * @csspart status - The panel's status line ("Invitation sent to …").
 * @csspart invite-button - The "Invite user" button.
 * @csspart create-token-button - The API tokens panel's "Create token" button.
 * @csspart export-button - The Activity panel's "Export CSV" button.
 * @csspart token-secret - The one-time dialog showing a new API token (also a `dialog` part).
 * @csspart deleted-issuer - A deleted issuer's crossed-out name and email (focusable).
 * @csspart tooltip - "The user has been deleted", shown on hover or focus of `deleted-issuer`.
 * @csspart show-tokens - "Show their tokens", offered when a deletion is refused for active
 *   tokens.
 * @csspart dialog - The Invite user and Edit user dialogs (native `<dialog>`s; style their
 *   `::backdrop` too).
 * @csspart menu-button - The "⋯" button of a row.
 * @csspart menu - The open row menu.
 * @csspart menu-item - An item of the row menu (Edit, Resend invite, Delete).
 * @csspart account-general - The Account panel's General form (Username, Email, Language, Phone).
 * @csspart account-password - The Account panel's Password form.
 * @csspart filters - The row of filters.
 * @csspart popup - The open list of a multi-choice filter (Roles, Language).
 * @csspart input - Every text field and select.
 * @csspart button - Every button.
 * @csspart table - The users table.
 * @csspart header-cell - A column header.
 * @csspart row - A row of the table showing a user.
 * @csspart cell - A cell of such a row.
 * @csspart loading - The row shown while a page is loading.
 * @csspart empty - The row shown when no user matches.
 * @csspart pagination - The page navigation.
 * @csspart page-button - Previous, next and page-number buttons.
 * @csspart summary - "Showing 1 - 10 of N entries".
 * @csspart sign-in-code - The sign-in step asking for a 2FA code (or a backup code).
 * @csspart account-two-fa - The Two-factor authentication section of the Account panel.
 * @csspart two-fa-qr - The QR code for an authenticator app (dark on white, whatever the theme).
 * @csspart two-fa-key - The setup key for typing into an authenticator app.
 * @csspart backup-codes - The list of backup codes, shown once.
 * @csspart account-logins - The Last logins section of the Account panel.
 * @csspart disable-2fa-view - The page an emailed "turn off 2FA" link opens.
 * @csspart confirm-email-view - The page an emailed "confirm your new email" link opens.
 *
 * @cssproperty [--um-color-accent=#c2410c] - Primary buttons, links, focus ring.
 * @cssproperty [--um-color-accent-text=#ffffff] - Text on the accent colour.
 * @cssproperty [--um-color-text=#1f2328] - Text.
 * @cssproperty [--um-color-text-muted=#5c636b] - Labels, column headers, the summary.
 * @cssproperty [--um-color-surface=#ffffff] - Background.
 * @cssproperty [--um-color-surface-alt=#f3f4f5] - Fields, the current page, skeletons.
 * @cssproperty [--um-color-border=#d9dcdf] - Borders and table rules.
 * @cssproperty [--um-color-danger=#b42318] - Error messages.
 * @cssproperty [--um-color-focus=var(--um-color-accent)] - The focus ring.
 * @cssproperty [--um-font-family=system-ui] - Font.
 * @cssproperty [--um-font-size=14px] - Base font size; everything else scales with it.
 * @cssproperty [--um-radius=4px] - Corner radius of fields, buttons and popups.
 * @cssproperty [--um-space=8px] - Base spacing unit.
 */
export class UserManagement extends LitElement {
  static override styles = [tokens, controls, userManagementStyles];

  private readonly language = new LanguageController(this, () => this.wantedLang());
  private readonly localize = new LocalizeController(this, () => this.language.shown);
  private readonly firstPaint = new FirstPaintController(this);
  private readonly clientProvider = new ContextProvider(this, { context: clientContext });
  private readonly meProvider = new ContextProvider(this, { context: meContext });

  @property() api = '';
  @property({ reflect: true }) panel: PanelName = 'users';
  @property() override lang = '';
  @property({ attribute: false }) token: string | undefined;
  @property({ attribute: 'invitation-token' }) invitationToken: string | undefined;

  /** The invitation link being shown; undefined once it is accepted or left. */
  @state() private acceptingToken: string | undefined;
  /** The token of an emailed "turn off 2FA" link (`?disable_2fa_token=`); undefined once left. */
  @state() private disable2faToken: string | undefined = linkTokenFromUrl('disable2fa');
  /** The token of an emailed new-email confirmation (`?confirm_email_token=`); undefined once left. */
  @state() private confirmEmailToken: string | undefined = linkTokenFromUrl('confirmEmail');
  /** What the sign-in view shows after an acceptance. */
  @state() private signInPrefill: { email: string; notice: string } | undefined;
  /** The session's client (undefined: show sign-in), and the one for what needs no session. */
  private readonly session = new SessionController(this, (reason) =>
    this.dispatchEvent(new UmSignedOutEvent({ reason })),
  );
  private justSignedIn = false;
  private readonly accountSwitch = new AccountSwitch(
    this,
    this.session,
    () => this.account.value?.id,
    () => this.firstPaint.whenVisible(),
  );
  /** Whose tokens the API tokens panel shows, after "Show their tokens" in the Users panel. */
  @state() private tokensIssuer: TokenIssuer | undefined;
  /** The signed-in member's language, from `clients/me` and their own later saves. */
  @state() private userLang: string | undefined;
  /** The invitee's language, from the invitation link being shown. */
  @state() private inviteeLang: string | undefined;

  private readonly account = new Task(this, {
    task: async ([client], { signal }) => {
      if (!client) {
        this.userLang = undefined;
        return undefined;
      }
      const me = await client.me(signal);
      this.userLang = me.currentUserLang;
      if (this.justSignedIn) {
        this.justSignedIn = false;
        this.dispatchEvent(new UmSignedInEvent({ clientId: me.id, userId: me.currentUser }));
      }
      return me;
    },
    args: () => [this.session.client] as const,
  });

  constructor() {
    super();
    // A member's own new language (Account panel, or Edit on their own row) shows at once.
    this.addEventListener('um-user-updated', ({ detail }) => {
      if (detail.lang && detail.userId === this.account.value?.currentUser) {
        this.userLang = detail.lang;
      }
    });
  }

  /**
   * The host's `lang`, else the person's: the signed-in member's own, or the invitee's (on the
   * invitation and, signed out, on the sign-in that follows it), else the browser's. A person's
   * language the widget has no dictionary for (`az`) counts as none.
   */
  private wantedLang(): string {
    const personLang =
      this.acceptingToken || !this.session.client ? this.inviteeLang : this.userLang;
    const known = personLang && UI_LANGUAGES.includes(personLang) ? personLang : undefined;
    return resolveLang(this.lang || known || navigator.language);
  }

  protected override willUpdate(changed: PropertyValues<this>): void {
    if (!this.hasUpdated || changed.has('invitationToken')) {
      this.acceptingToken = this.invitationToken || linkTokenFromUrl('invitation');
    }
    if (changed.has('panel') && this.panel !== 'api-tokens') this.tokensIssuer = undefined;
    if (changed.has('api') || changed.has('token')) this.session.connect(this.api, this.token);
    // Before rendering, so that an element this render creates finds the values in place.
    const client = this.session.client;
    this.clientProvider.setValue(client ?? this.session.anonymousClient);
    this.meProvider.setValue(client ? this.account.value : undefined);
  }

  override render() {
    // A host's new token (it renews its own) is the same view: the user may be at work in it.
    const view = this.token ? 'host' : this.session.client;
    const ready = this.language.settled && (!view || this.account.status > TaskStatus.PENDING);
    return this.firstPaint.render(view, ready, this.renderView());
  }

  private renderView() {
    if (this.confirmEmailToken) {
      return html`<um-confirm-email-view
        ${loadOnFirstUse()}
        exportparts="confirm-email-view, button"
        .token=${this.confirmEmailToken}
        @um-confirm-email-done=${this.onEmailConfirmed}
      ></um-confirm-email-view>`;
    }
    if (this.disable2faToken) {
      return html`<um-disable-2fa-view
        ${loadOnFirstUse()}
        exportparts="disable-2fa-view, button"
        .token=${this.disable2faToken}
        @um-disable-2fa-done=${() => (this.disable2faToken = undefined)}
      ></um-disable-2fa-view>`;
    }
    if (this.acceptingToken) {
      return html`<um-accept-invitation-view
        ${loadOnFirstUse()}
        exportparts="accept-view, input, button, submit, error, field-error"
        .token=${this.acceptingToken}
        @um-accept-done=${this.onAccepted}
        @um-accept-sign-in=${this.leaveInvitation}
        @um-accept-language=${(event: UmAcceptLanguageEvent) => (this.inviteeLang = event.detail)}
      ></um-accept-invitation-view>`;
    }
    const client = this.session.client;
    if (!client) {
      return html`<um-sign-in-view
        ${loadOnFirstUse()}
        exportparts="sign-in-form, input, button, submit, error, notice, sign-in-code, field-error"
        .email=${this.signInPrefill?.email ?? ''}
        .notice=${this.signInPrefill?.notice ?? ''}
        @um-session=${this.onSignedIn}
      ></um-sign-in-view>`;
    }
    return html`
      ${renderToolbar({
        me: this.account.value,
        hostToken: this.token,
        lang: this.language.shown,
        localize: this.localize,
        accountSwitch: this.accountSwitch,
        onSignOut: () => this.signOut(),
      })}
      <um-two-fa-gate @um-me-stale=${() => this.account.run()}>
        ${this.account.value?.two_fa_requirement?.state === 'setup_required' ? nothing : renderPanel(this.panel, this.tokensIssuer, this.onShowTokens)}
      </um-two-fa-gate>
    `;
  }

  /** "Show their tokens": the API tokens panel, filtered by that user. */
  private async onShowTokens(event: UmShowTokensEvent) {
    this.panel = 'api-tokens';
    this.tokensIssuer = { userId: event.detail.userId, email: event.detail.email };
    // The button that had focus is gone with the Users panel: focus the new panel's heading.
    await this.focusPanelHeading();
  }

  /**
   * Focus on the shown panel's heading (which a screen reader then reads): where the user is,
   * after the view that had focus went away (a sign-in, "Show their tokens").
   */
  private async focusPanelHeading() {
    await this.firstPaint.whenVisible();
    const panel = this.renderRoot.querySelector<LitElement>(
      'um-users-panel, um-account-panel, um-api-tokens-panel, um-activity-panel',
    );
    // A panel loaded on first use (widget/lazy.ts) has no heading until its module arrives.
    if (panel) await customElements.whenDefined(panel.localName);
    await panel?.updateComplete;
    panel?.shadowRoot?.querySelector<HTMLElement>('[part~="heading"]')?.focus();
  }

  /**
   * Signs out of the widget's own session, on the BFF too (a host-given `token` is the host's to
   * drop). Other widgets of the page in the same session follow at their next request.
   */
  signOut(): void {
    this.session.signOut();
  }

  /** Back from the confirmation link: signed out, the sign-in view offers the new email. */
  private onEmailConfirmed(event: UmConfirmEmailDoneEvent) {
    const email = event.detail.email;
    if (email && !this.session.client) this.signInPrefill = { email, notice: '' };
    this.confirmEmailToken = undefined;
  }

  private onAccepted(event: UmAcceptDoneEvent) {
    const { email, company } = event.detail;
    this.signInPrefill = {
      email,
      notice: this.localize.t('signIn.invitationAccepted', { company }),
    };
    this.leaveInvitation();
  }

  private leaveInvitation() {
    removeLinkTokenFromUrl('invitation');
    this.acceptingToken = undefined;
  }

  private onSignedIn(event: UmSessionEvent) {
    this.signInPrefill = undefined;
    this.justSignedIn = true;
    this.session.signIn(event.detail);
    // The sign-in form that had focus is gone: without this, focus would fall to the page's body.
    void this.focusPanelHeading();
  }
}

define('user-management', UserManagement);

declare global {
  interface HTMLElementTagNameMap {
    'user-management': UserManagement;
  }
}
