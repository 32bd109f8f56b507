import { hash, verify } from '@node-rs/argon2';

/**
 * Argon2id password hashes (@node-rs/argon2: native, no build step, OWASP's recommended
 * algorithm; its defaults are m=19 MiB, t=2, p=1, which is OWASP's baseline).
 *
 * Each hash takes ~70 ms of a core and 19 MiB, so at most a few run at once; the rest wait their
 * turn, and a flood of sign-ins slows sign-in down instead of exhausting the machine.
 */
const MAX_CONCURRENT_HASHES = 4;
let running = 0;
const waiting: Array<() => void> = [];

async function limited<T>(work: () => Promise<T>): Promise<T> {
  // A finishing hash hands its slot straight to the next in line, so the limit is never exceeded.
  if (running >= MAX_CONCURRENT_HASHES) await new Promise<void>((resolve) => waiting.push(resolve));
  else running++;
  try {
    return await work();
  } finally {
    const next = waiting.shift();
    if (next) next();
    else running--;
  }
}

export function hashPassword(password: string): Promise<string> {
  return limited(() => hash(password));
}

// Verified when the email is unknown, so that an unknown email and a wrong password take the same
// time and an attacker cannot tell which emails have accounts.
const unknownUserHash = hash('this password belongs to no one');

export async function verifyPassword(
  passwordHash: string | null,
  password: string,
): Promise<boolean> {
  if (passwordHash === null) {
    const dummy = await unknownUserHash;
    await limited(() => verify(dummy, password));
    return false;
  }
  try {
    return await limited(() => verify(passwordHash, password));
  } catch {
    return false;
  }
}
