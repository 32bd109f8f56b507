import { Secret, TOTP } from 'otpauth';

/** TOTP (RFC 6238) as authenticator apps expect it: SHA-1, 6 digits, 30-second steps. */
const PERIOD_SECONDS = 30;

export function newTotpSecret(): string {
  return new Secret({ size: 20 }).base32;
}

function totp(secretBase32: string): TOTP {
  return new TOTP({
    secret: Secret.fromBase32(secretBase32),
    digits: 6,
    period: PERIOD_SECONDS,
    algorithm: 'SHA1',
  });
}

/** The code for a moment (tests and the demo compute codes the way an app does). */
export function totpCode(secretBase32: string, at: Date): string {
  return totp(secretBase32).generate({ timestamp: at.getTime() });
}

/**
 * The time step of `code` if it is right now or one step either side (clock drift), else
 * undefined. The caller must refuse a step already used, so each code works once.
 */
export function matchTotp(secretBase32: string, code: string, now: Date): number | undefined {
  if (!/^\d{6}$/.test(code)) return undefined;
  const delta = totp(secretBase32).validate({ token: code, timestamp: now.getTime(), window: 1 });
  if (delta === null) return undefined;
  return Math.floor(now.getTime() / 1000 / PERIOD_SECONDS) + delta;
}

/**
 * How many steps ago `code` was current, when that was more than the one step `matchTotp`
 * forgives and at most `maxSteps` ago: a code typed too slowly (or from a device whose clock is
 * behind), told apart from a wrong one in the login history. It never makes a code acceptable.
 */
export function stepsExpired(
  secretBase32: string,
  code: string,
  now: Date,
  maxSteps: number,
): number | undefined {
  if (!/^\d{6}$/.test(code)) return undefined;
  const delta = totp(secretBase32).validate({
    token: code,
    timestamp: now.getTime(),
    window: maxSteps,
  });
  return delta !== null && delta < -1 ? -delta : undefined;
}
