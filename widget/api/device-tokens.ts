/**
 * The `device_token` a sign-in answers, kept per address in `localStorage` so that it outlives
 * the session: sent with the next sign-in from this browser, it gives this device a count of
 * failures of its own, so an attacker guessing the same address elsewhere never makes its owner
 * wait (docs/decisions/012-sign-in-throttling.md). Storage can be unavailable (privacy modes,
 * sandboxed frames): then every sign-in counts as a new device, which still works.
 */

const KEY_PREFIX = 'um-device:';

function keyOf(email: string): string {
  return KEY_PREFIX + email.trim().toLowerCase();
}

/** The device token kept for `email`, if any. */
export function deviceTokenFor(email: string): string | undefined {
  try {
    return localStorage.getItem(keyOf(email)) ?? undefined;
  } catch {
    return undefined;
  }
}

/** Keeps the token of a sign-in as `email`. */
export function keepDeviceToken(email: string, token: string | undefined): void {
  if (!token) return;
  try {
    localStorage.setItem(keyOf(email), token);
  } catch {
    // See above: this browser just stays a new device.
  }
}
