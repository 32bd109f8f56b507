/**
 * A session as the widget holds it, and what it can tell about one without the BFF: the claims of
 * its access token, decoded but not verified (the BFF verifies).
 */

export interface Session {
  access: string;
  /** Absent when the host handed the widget its own access token: then there is nothing to renew. */
  refresh?: string;
}

/** The claims of a JWT, unverified: only to tell whose session and account a stored pair is. */
function jwtClaims(token: string): { sid?: unknown; client_id?: unknown } | undefined {
  try {
    const payload = token.split('.')[1]!.replace(/-/g, '+').replace(/_/g, '/');
    return JSON.parse(atob(payload)) as { sid?: unknown; client_id?: unknown };
  } catch {
    return undefined;
  }
}

/** Whether two access tokens name one session (decoded, not verified: the BFF verifies). */
export function sameSession(a: string, b: string): boolean {
  const [first, second] = [jwtClaims(a), jwtClaims(b)];
  return first?.sid !== undefined && first.sid === second?.sid;
}

/**
 * Whether two access tokens belong to one session in one account: a pair another widget stored
 * after an account switch, or after someone else signed in, is not this widget's to take.
 */
export function sameSessionAndAccount(a: string, b: string): boolean {
  return sameSession(a, b) && jwtClaims(a)?.client_id === jwtClaims(b)?.client_id;
}
