import { MEMBER_PASSWORD } from './helpers.ts';
/**
 * TOTP codes for the browser tests (RFC 6238: HMAC-SHA1, 30 s steps, 6 digits), computed with
 * WebCrypto from the base32 secret the widget shows. The BFF accepts each step once and only a
 * later step after it (±1 step of its clock), so `nextCode` hands out increasing steps per secret.
 */

const STEP_SECONDS = 30;

function base32Decode(text: string): Uint8Array<ArrayBuffer> {
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';
  const clean = text.replace(/[\s=-]/g, '').toUpperCase();
  const bytes: number[] = [];
  let bits = 0;
  let value = 0;
  for (const char of clean) {
    const index = alphabet.indexOf(char);
    if (index < 0) throw new Error(`not base32: ${char}`);
    value = (value << 5) | index;
    bits += 5;
    if (bits >= 8) {
      bytes.push((value >>> (bits - 8)) & 0xff);
      bits -= 8;
    }
  }
  return new Uint8Array(bytes);
}

/** The 6-digit code of `step` (Unix time / 30). */
export async function totpAt(secret: string, step: number): Promise<string> {
  const key = await crypto.subtle.importKey(
    'raw',
    base32Decode(secret),
    { name: 'HMAC', hash: 'SHA-1' },
    false,
    ['sign'],
  );
  const counter = new DataView(new ArrayBuffer(8));
  counter.setUint32(0, Math.floor(step / 2 ** 32));
  counter.setUint32(4, step >>> 0);
  const mac = new Uint8Array(await crypto.subtle.sign('HMAC', key, counter.buffer));
  const offset = mac[mac.length - 1] & 0x0f;
  const binary = new DataView(mac.buffer).getUint32(offset) & 0x7fffffff;
  return String(binary % 1_000_000).padStart(6, '0');
}

const lastStep = new Map<string, number>();

function currentStep(): number {
  return Math.floor(Date.now() / 1000 / STEP_SECONDS);
}

/**
 * A code the BFF will accept now and has not seen: the step after the last one handed out for
 * this secret, starting one step back (up to three codes without waiting for the clock).
 */
export async function nextCode(secret: string): Promise<string> {
  let step = Math.max((lastStep.get(secret) ?? -Infinity) + 1, currentStep() - 1);
  while (step > currentStep() + 1) {
    await new Promise((resolve) => setTimeout(resolve, 500));
    step = Math.max(step, currentStep() - 1);
  }
  lastStep.set(secret, step);
  return totpAt(secret, step);
}

/** A 6-digit code that is not the code of any step the BFF would accept now. */
export async function wrongCode(secret: string): Promise<string> {
  const now = currentStep();
  const valid = await Promise.all([-1, 0, 1].map((offset) => totpAt(secret, now + offset)));
  let candidate = 123456;
  while (valid.includes(String(candidate))) candidate += 1;
  return String(candidate);
}

async function post<T>(path: string, access: string | undefined, body?: unknown): Promise<T> {
  const headers: Record<string, string> = { 'Content-Type': 'application/json' };
  if (access) headers.Authorization = `Bearer ${access}`;
  const response = await fetch(`/bff${path}`, {
    method: 'POST',
    headers,
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  if (!response.ok)
    throw new Error(`POST ${path} failed: ${response.status} ${await response.text()}`);
  return (await response.json()) as T;
}

/** Turns 2FA on for the caller through the API: the secret and the backup codes. */
export async function enableTwoFa(access: string): Promise<{ secret: string; codes: string[] }> {
  const { secret } = await post<{ secret: string }>('/iam/users/me/2fa/setup', access);
  const { backup_codes: codes } = await post<{ backup_codes: string[] }>(
    '/iam/users/me/2fa/enable',
    access,
    { code: await nextCode(secret), password: MEMBER_PASSWORD },
  );
  return { secret, codes };
}

/** A sign-in attempt's HTTP status and error code (undefined on success). */
export async function tryLogin(body: {
  username: string;
  password: string;
  one_time_password?: string;
}): Promise<{ status: number; code?: string }> {
  const response = await fetch('/bff/iam/auth/jwt/login', {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify(body),
  });
  const json = (await response.json()) as { code?: string };
  return { status: response.status, code: response.ok ? undefined : json.code };
}
