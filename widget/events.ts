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

export interface SignedInDetail {
  /** The account signed into. */
  clientId: number;
  /** The signed-in user. */
  userId: number;
}

/** A user signed in through the widget's sign-in view (or a stored session was resumed). */
export class UmSignedInEvent extends Event {
  static readonly type = 'um-signed-in';
  constructor(readonly detail: SignedInDetail) {
    super(UmSignedInEvent.type, { bubbles: true, composed: true });
  }
}

export type SignedOutReason = 'user' | 'expired';

/** The session ended: the user pressed Sign out (`user`) or it could not be renewed (`expired`). */
export class UmSignedOutEvent extends Event {
  static readonly type = 'um-signed-out';
  constructor(readonly detail: { reason: SignedOutReason }) {
    super(UmSignedOutEvent.type, { bubbles: true, composed: true });
  }
}

/** A request to the BFF failed. Cancel it to suppress the widget's own message. */
export class UmErrorEvent extends Event {
  static readonly type = 'um-error';
  constructor(readonly detail: { error: ApiError }) {
    super(UmErrorEvent.type, { bubbles: true, composed: true, cancelable: true });
  }
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
export class UmUserInvitedEvent extends Event {
  static readonly type = 'um-user-invited';
  constructor(readonly detail: UserInvitedDetail) {
    super(UmUserInvitedEvent.type, { bubbles: true, composed: true });
  }
}

export interface InvitationAcceptedDetail {
  /** The invitee's email: they sign in with it. */
  email: string;
  /** The account they joined. */
  clientId: number;
}

/** An invitee accepted an invitation in the acceptance view; the sign-in view follows. */
export class UmInvitationAcceptedEvent extends Event {
  static readonly type = 'um-invitation-accepted';
  constructor(readonly detail: InvitationAcceptedDetail) {
    super(UmInvitationAcceptedEvent.type, { bubbles: true, composed: true });
  }
}

export interface UserUpdatedDetail {
  /** The user whose details, IAM role or Cloud access changed. */
  userId: number;
  /** Their language now, when everything asked was saved (the widget follows its own user's). */
  lang?: string;
}

/** An administrator saved changes to a user in the Edit user dialog. */
export class UmUserUpdatedEvent extends Event {
  static readonly type = 'um-user-updated';
  constructor(readonly detail: UserUpdatedDetail) {
    super(UmUserUpdatedEvent.type, { bubbles: true, composed: true });
  }
}

export interface AccountSwitchedDetail {
  /** The account now in scope. */
  clientId: number;
}

/** The user switched to another of their accounts with the toolbar's account switcher. */
export class UmAccountSwitchedEvent extends Event {
  static readonly type = 'um-account-switched';
  constructor(readonly detail: AccountSwitchedDetail) {
    super(UmAccountSwitchedEvent.type, { bubbles: true, composed: true });
  }
}

export interface TokenCreatedDetail {
  /** The new token's id (its secret is never in an event). */
  tokenId: number;
}

/** Someone created an API token in the Create token dialog; its secret is being shown once. */
export class UmTokenCreatedEvent extends Event {
  static readonly type = 'um-token-created';
  constructor(readonly detail: TokenCreatedDetail) {
    super(UmTokenCreatedEvent.type, { bubbles: true, composed: true });
  }
}

export interface UserDeletedDetail {
  /** The user removed from the account. */
  userId: number;
}

/** An Administrator removed a user from the account (Users panel, row menu, Delete). */
export class UmUserDeletedEvent extends Event {
  static readonly type = 'um-user-deleted';
  constructor(readonly detail: UserDeletedDetail) {
    super(UmUserDeletedEvent.type, { bubbles: true, composed: true });
  }
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
export class UmShowTokensEvent extends Event {
  static readonly type = 'um-show-tokens';
  constructor(readonly detail: ShowTokensDetail) {
    super(UmShowTokensEvent.type);
  }
}

/** Internal: the sign-in view signed in; `<user-management>` stores the pair and shows a panel. */
export class UmSessionEvent extends Event {
  static readonly type = 'um-session';
  constructor(readonly detail: TokenPair) {
    super(UmSessionEvent.type);
  }
}

/** Internal: what the root needs after an acceptance (the public event carries no company name). */
export interface AcceptDoneDetail {
  email: string;
  company: string;
}

/** Internal: the invitee accepted; `<user-management>` shows the sign-in view with a notice. */
export class UmAcceptDoneEvent extends Event {
  static readonly type = 'um-accept-done';
  constructor(readonly detail: AcceptDoneDetail) {
    super(UmAcceptDoneEvent.type);
  }
}

/** Internal: "Sign in" on the page of a used invitation link; `<user-management>` leaves the link. */
export class UmAcceptSignInEvent extends Event {
  static readonly type = 'um-accept-sign-in';
  constructor() {
    super(UmAcceptSignInEvent.type);
  }
}

/**
 * Internal: the invitation's language (`detail`), known once the link is; `<user-management>`
 * follows it unless the host set `lang`.
 */
export class UmAcceptLanguageEvent extends Event {
  static readonly type = 'um-accept-language';
  constructor(readonly detail: string) {
    super(UmAcceptLanguageEvent.type);
  }
}

/** Internal: an item of a row's "⋯" menu was chosen (`detail.id`: the item's id). */
export class UmMenuSelectEvent extends Event {
  static readonly type = 'menu-select';
  constructor(readonly detail: { id: string }) {
    super(UmMenuSelectEvent.type);
  }
}

/** Internal: the user left the confirm-email view with Continue (bubbles, not composed). */
export class UmConfirmEmailDoneEvent extends Event {
  static readonly type = 'um-confirm-email-done';
  /** `email`: the new address when it changed. */
  constructor(readonly detail: { changed: boolean; email?: string }) {
    super(UmConfirmEmailDoneEvent.type, { bubbles: true });
  }
}

/** Internal: the user left the disable-2FA view with Continue (bubbles, not composed). */
export class UmDisable2faDoneEvent extends Event {
  static readonly type = 'um-disable-2fa-done';
  constructor(readonly detail: { disabled: boolean }) {
    super(UmDisable2faDoneEvent.type, { bubbles: true });
  }
}

declare global {
  interface GlobalEventHandlersEventMap {
    'um-signed-in': UmSignedInEvent;
    'um-signed-out': UmSignedOutEvent;
    'um-error': UmErrorEvent;
    'um-user-invited': UmUserInvitedEvent;
    'um-invitation-accepted': UmInvitationAcceptedEvent;
    'um-user-updated': UmUserUpdatedEvent;
    'um-account-switched': UmAccountSwitchedEvent;
    'um-token-created': UmTokenCreatedEvent;
    'um-user-deleted': UmUserDeletedEvent;
    'um-show-tokens': UmShowTokensEvent;
    'um-session': UmSessionEvent;
    'um-accept-done': UmAcceptDoneEvent;
    'um-accept-sign-in': UmAcceptSignInEvent;
    'um-accept-language': UmAcceptLanguageEvent;
    'menu-select': UmMenuSelectEvent;
    'um-confirm-email-done': UmConfirmEmailDoneEvent;
    'um-disable-2fa-done': UmDisable2faDoneEvent;
  }
}
