import type { ApiError } from './api/client.ts';

/**
 * The events `<user-management>` fires. All bubble and are composed, so a host listens on the
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

declare global {
  interface GlobalEventHandlersEventMap {
    'um-signed-in': UmSignedInEvent;
    'um-signed-out': UmSignedOutEvent;
    'um-error': UmErrorEvent;
  }
}
