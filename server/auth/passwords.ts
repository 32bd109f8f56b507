import { hash, verify } from '@node-rs/argon2';

/**
 * Argon2id password hashes (@node-rs/argon2: native, no build step, OWASP's recommended
 * algorithm; its defaults are m=19 MiB, t=2, p=1, which is OWASP's baseline).
 */
export function hashPassword(password: string): Promise<string> {
  return hash(password);
}

// Verified when the email is unknown, so that an unknown email and a wrong password take the same
// time and an attacker cannot tell which emails have accounts.
const unknownUserHash = hash('this password belongs to no one');

export async function verifyPassword(
  passwordHash: string | null,
  password: string,
): Promise<boolean> {
  if (passwordHash === null) {
    await verify(await unknownUserHash, password);
    return false;
  }
  try {
    return await verify(passwordHash, password);
  } catch {
    return false;
  }
}
