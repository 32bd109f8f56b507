import { timingSafeEqual } from 'node:crypto';
import { hashSecret, newSecret } from '../auth/secrets.ts';

/**
 * An API token is `<id>_<secret>`: the id finds the row, the secret (32 random bytes) proves it.
 * Only the secret's SHA-256 is stored.
 */
export function newTokenSecret(): { secret: string; hash: Buffer } {
  const secret = newSecret();
  return { secret, hash: hashSecret(secret) };
}

export function parseToken(token: string): { id: number; secret: string } | undefined {
  const match = /^(\d{1,10})_([A-Za-z0-9_-]{43})$/.exec(token);
  if (!match) return undefined;
  const id = Number(match[1]);
  return Number.isSafeInteger(id) && id > 0 && id <= 2_147_483_647
    ? { id, secret: match[2] }
    : undefined;
}

/** Constant-time comparison, so the time taken tells nothing about how much of a guess was right. */
export function secretMatches(secret: string, storedHash: Uint8Array): boolean {
  const candidate = hashSecret(secret);
  return candidate.length === storedHash.length && timingSafeEqual(candidate, storedHash);
}
