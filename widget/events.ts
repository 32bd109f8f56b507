import type { TokenPair } from '../shared/auth.ts';
import { asApiError, type ApiError } from './api/client.ts';

/**
 * Every event of the widget, one class each with a typed `detail` (all listed in
 * `GlobalEventHandlersEventMap` at the end).
 *
 * The public ones: the events `<user-management>` fires. All bubble and are composed, so a host listens on the
 * element itself or any ancestor; `um-error` is cancelable: a host that shows errors its own way
 * calls `preventDefault()` and the widget leaves its message out.
 */

/**
 * What every event of the widget is: an `Event` with a typed `detail`, its name in the class's
 * static `type`. Public events bubble and are composed, so a host listens on the element itself or
 * any ancestor; the internal ones (below) stay where they are fired unless they say otherwise.
 */
export abstract class UmEvent<Detail> extends Event {
  static readonly type: string;
  static readonly init: EventInit = { bubbles: true, composed: true };
  constructor(readonly detail: Detail) {
    const { type, init } = new.target as unknown as { type: string; init: EventInit };
    super(type, init);
  }
}

/** Internal events are for the widget's own elements: they neither bubble nor leave the root. */
abstract class UmInternalEvent<Detail> extends UmEvent<Detail> {
  static override readonly init: EventInit = {};
}

export interface SignedInDetail {
  /** The account signed into. */
  clientId: number;
  /** The signed-in user. */
  userId: number;
}

/** A user signed in through the widget's sign-in view (or a stored session was resumed). */
export class UmSignedInEvent extends UmEvent<SignedInDetail> {
  static override readonly type = 'um-signed-in';
}

export type SignedOutReason = 'user' | 'expired';

/** The session ended: the user pressed Sign out (`user`) or it could not be renewed (`expired`). */
export class UmSignedOutEvent extends UmEvent<{ reason: SignedOutReason }> {
  static override readonly type = 'um-signed-out';
}

/** A request to the BFF failed. Cancel it to suppress the widget's own message. */
export class UmErrorEvent extends UmEvent<{ error: ApiError }> {
  static override readonly type = 'um-error';
  static override readonly init = { bubbles: true, composed: true, cancelable: true };
}

/**
 * Announces a failure as `um-error` from `host` and answers it as an ApiError, with whether the
 * host page cancelled the event to show its own message (then the widget shows none).
 */
export function announceError(
  host: EventTarget,
  error: unknown,
): { error: ApiError; suppressed: boolean } {
  const apiError = asApiError(error);
  const notice = new UmErrorEvent({ error: apiError });
  host.dispatchEvent(notice);
  return { error: apiError, suppressed: notice.defaultPrevented };
}

export interface UserInvitedDetail {
  /** The invited user's id (new or existing person). */
  userId: number;
  /** The email the invitation went to, normalised (trimmed, lower case). */
  email: string;
}

/** An administrator invited someone through the Invite user dialog; the email is on its way. */
export class UmUserInvitedEvent extends UmEvent<UserInvitedDetail> {
  static override readonly type = 'um-user-invited';
}

export interface UsersInvitedDetail {
  /** Everyone the batch invited now, in the order of the list (not those already in the account). */
  invited: UserInvitedDetail[];
}

/** An administrator sent an "Invite several" batch that invited at least one person. */
export class UmUsersInvitedEvent extends UmEvent<UsersInvitedDetail> {
  static override readonly type = 'um-users-invited';
}

export interface InvitationAcceptedDetail {
  /** The invitee's email: they sign in with it. */
  email: string;
  /** The account they joined. */
  clientId: number;
}

/** An invitee accepted an invitation in the acceptance view; the sign-in view follows. */
export class UmInvitationAcceptedEvent extends UmEvent<InvitationAcceptedDetail> {
  static override readonly type = 'um-invitation-accepted';
}

export interface UserUpdatedDetail {
  /** The user whose details, IAM role or Cloud access changed. */
  userId: number;
  /** Their language now, when everything asked was saved (the widget follows its own user's). */
  lang?: string;
}

/** An administrator saved changes to a user in the Edit user dialog. */
export class UmUserUpdatedEvent extends UmEvent<UserUpdatedDetail> {
  static override readonly type = 'um-user-updated';
}

export interface AccountSwitchedDetail {
  /** The account now in scope. */
  clientId: number;
}

/** The user switched to another of their accounts with the toolbar's account switcher. */
export class UmAccountSwitchedEvent extends UmEvent<AccountSwitchedDetail> {
  static override readonly type = 'um-account-switched';
}

export interface TokenCreatedDetail {
  /** The new token's id (its secret is never in an event). */
  tokenId: number;
}

/** Someone created an API token in the Create token dialog; its secret is being shown once. */
export class UmTokenCreatedEvent extends UmEvent<TokenCreatedDetail> {
  static override readonly type = 'um-token-created';
}

export interface UserDeletedDetail {
  /** The user removed from the account. */
  userId: number;
}

/** An Administrator removed a user from the account (Users panel, row menu, Delete). */
export class UmUserDeletedEvent extends UmEvent<UserDeletedDetail> {
  static override readonly type = 'um-user-deleted';
}

/*
 * Internal events: one part of the widget telling the element that renders it (which listens on
 * the part itself). None is composed: none leaves the shadow root it is fired in, a host page
 * never sees them, and their names and options are not part of the public API.
 */

export interface ShowTokensDetail {
  userId: number;
  email: string;
}

/**
 * Internal: "Show their tokens" in the Users panel, after a deletion was refused because the user
 * holds active API tokens; `<user-management>` opens the API tokens panel filtered by them.
 */
export class UmShowTokensEvent extends UmInternalEvent<ShowTokensDetail> {
  static override readonly type = 'um-show-tokens';
}

/** Internal: the sign-in view signed in; `<user-management>` stores the pair and shows a panel. */
export class UmSessionEvent extends UmInternalEvent<TokenPair> {
  static override readonly type = 'um-session';
}

/** Internal: what the root needs after an acceptance (the public event carries no company name). */
export interface AcceptDoneDetail {
  email: string;
  company: string;
}

/** Internal: the invitee accepted; `<user-management>` shows the sign-in view with a notice. */
export class UmAcceptDoneEvent extends UmInternalEvent<AcceptDoneDetail> {
  static override readonly type = 'um-accept-done';
}

/** Internal: "Sign in" on the page of a used invitation link; `<user-management>` leaves the link. */
export class UmAcceptSignInEvent extends UmInternalEvent<undefined> {
  static override readonly type = 'um-accept-sign-in';
}

/**
 * Internal: the invitation's language (`detail`), known once the link is; `<user-management>`
 * follows it unless the host set `lang`.
 */
export class UmAcceptLanguageEvent extends UmInternalEvent<string> {
  static override readonly type = 'um-accept-language';
}

/** Internal: an item of a row's "⋯" menu was chosen (`detail.id`: the item's id). */
export class UmMenuSelectEvent extends UmInternalEvent<{ id: string }> {
  static override readonly type = 'menu-select';
}

/**
 * Internal: the user left the confirm-email view with Continue (bubbles, not composed); `email`:
 * the new address when it changed.
 */
export class UmConfirmEmailDoneEvent extends UmInternalEvent<{ changed: boolean; email?: string }> {
  static override readonly type = 'um-confirm-email-done';
  static override readonly init = { bubbles: true };
}

/** Internal: the user left the disable-2FA view with Continue (bubbles, not composed). */
export class UmDisable2faDoneEvent extends UmInternalEvent<{ disabled: boolean }> {
  static override readonly type = 'um-disable-2fa-done';
  static override readonly init = { bubbles: true };
}

/** Internal: `<um-two-fa-section>` turned 2FA on (the backup codes are being shown). */
export class UmTwoFaEnabledEvent extends UmInternalEvent<undefined> {
  static override readonly type = 'um-two-fa-enabled';
}

/**
 * Internal: what `GET /iam/clients/me` said about the account's 2FA requirement is out of date
 * (2FA was just set up, the requirement changed, or a request met 403 `two_fa_required`);
 * `<user-management>` asks again. It crosses the panel's shadow root up to `<um-two-fa-gate>`,
 * which keeps it from going further.
 */
export class UmMeStaleEvent extends UmInternalEvent<undefined> {
  static override readonly type = 'um-me-stale';
  static override readonly init = { bubbles: true, composed: true };
}

/** Internal: "Show them" in the Users panel's 2FA reminder bar: filter by non-compliance. */
export class UmShowNoncompliantEvent extends UmInternalEvent<undefined> {
  static override readonly type = 'um-show-noncompliant';
}

declare global {
  interface GlobalEventHandlersEventMap {
    'um-signed-in': UmSignedInEvent;
    'um-signed-out': UmSignedOutEvent;
    'um-error': UmErrorEvent;
    'um-user-invited': UmUserInvitedEvent;
    'um-users-invited': UmUsersInvitedEvent;
    'um-invitation-accepted': UmInvitationAcceptedEvent;
    'um-user-updated': UmUserUpdatedEvent;
    'um-account-switched': UmAccountSwitchedEvent;
    'um-token-created': UmTokenCreatedEvent;
    'um-user-deleted': UmUserDeletedEvent;
  }
}

// The internal events, apart: the build publishes the block above, not this one.
declare global {
  interface GlobalEventHandlersEventMap {
    'um-show-tokens': UmShowTokensEvent;
    'um-session': UmSessionEvent;
    'um-accept-done': UmAcceptDoneEvent;
    'um-accept-sign-in': UmAcceptSignInEvent;
    'um-accept-language': UmAcceptLanguageEvent;
    'menu-select': UmMenuSelectEvent;
    'um-confirm-email-done': UmConfirmEmailDoneEvent;
    'um-disable-2fa-done': UmDisable2faDoneEvent;
    'um-two-fa-enabled': UmTwoFaEnabledEvent;
    'um-me-stale': UmMeStaleEvent;
    'um-show-noncompliant': UmShowNoncompliantEvent;
  }
}
