import { createHash, randomBytes } from 'node:crypto';

/** 32 bytes from the CSPRNG, as base64url: what goes into a link or a refresh token. */
export function newSecret(): string {
  return randomBytes(32).toString('base64url');
}

/**
 * SHA-256 of a high-entropy secret: what the database keeps instead of the secret. A fast hash is
 * right here (unlike for passwords): 256 random bits cannot be guessed, only stolen.
 */
export function hashSecret(secret: string): Buffer {
  return createHash('sha256').update(secret).digest();
}
