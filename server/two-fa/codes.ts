import { randomInt } from 'node:crypto';
import type { Db } from '../db/connect.ts';
import { recentFailures } from '../auth/attempts.ts';
import { refuseOverLimit } from '../errors.ts';
import { hashPasswords, verifyPassword } from '../auth/passwords.ts';
import { matchTotp, stepsExpired } from '../auth/totp.ts';

/**
 * The second factor: a TOTP code (±1 step, each step usable once) or a single-use backup code.
 * Backup codes carry about 41 bits; they are stored as Argon2id hashes like passwords, so a leaked
 * table does not give them away.
 */

const BACKUP_CODE_COUNT = 5;
const BACKUP_ALPHABET = 'abcdefghjkmnpqrstuvwxyz23456789'; // no 0/o, 1/l/i: read aloud or typed
/** Failed codes allowed per user in the window, before 429. */
export const MAX_CODE_FAILURES = 5;
const CODE_FAILURE_WINDOW_MS = 15 * 60_000;

export function looksLikeBackupCode(code: string): boolean {
  return /^[a-z0-9]{4}-?[a-z0-9]{4}$/i.test(code) && !/^\d{6}$/.test(code);
}

function newBackupCode(): string {
  const pick = () => BACKUP_ALPHABET[randomInt(BACKUP_ALPHABET.length)];
  const part = () => Array.from({ length: 4 }, pick).join('');
  return `${part()}-${part()}`;
}

const normalize = (code: string) => code.toLowerCase().replace('-', '');

/**
 * A new set of backup codes and their hashes. Made before the transaction that stores them:
 * hashing ten codes takes a while, and turning 2FA on holds the person's row and memberships.
 */
export async function newBackupCodes(): Promise<{ codes: string[]; hashes: string[] }> {
  const codes = Array.from({ length: BACKUP_CODE_COUNT }, newBackupCode);
  return { codes, hashes: await hashPasswords(codes.map(normalize)) };
}

/** The user's backup codes become these; every earlier one stops working. */
export async function storeBackupCodes(
  db: Db,
  userId: number,
  hashes: string[],
  now: Date,
): Promise<void> {
  await db.deleteFrom('two_fa_backup_codes').where('user_id', '=', userId).execute();
  await db
    .insertInto('two_fa_backup_codes')
    .values(
      hashes.map((hash) => ({ user_id: userId, code_hash: Buffer.from(hash), created_at: now })),
    )
    .execute();
}

/** Spend an unused backup code; of two concurrent uses of one code, one wins. */
export async function spendBackupCode(
  db: Db,
  userId: number,
  code: string,
  now: Date,
): Promise<boolean> {
  const unused = await db
    .selectFrom('two_fa_backup_codes')
    .select(['id', 'code_hash'])
    .where('user_id', '=', userId)
    .where('used_at', 'is', null)
    .execute();
  for (const row of unused) {
    if (!(await verifyPassword(Buffer.from(row.code_hash).toString(), normalize(code)))) continue;
    const spent = await db
      .updateTable('two_fa_backup_codes')
      .set({ used_at: now })
      .where('id', '=', row.id)
      .where('used_at', 'is', null)
      .returning('id')
      .executeTakeFirst();
    return spent !== undefined;
  }
  return false;
}

/** Spend a TOTP code: the check and the spending are one statement, so a code works once. */
export async function spendTotp(db: Db, userId: number, secret: string, code: string, now: Date) {
  const step = matchTotp(secret, code, now);
  if (step === undefined) return false;
  const spent = await db
    .updateTable('users')
    .set({ two_fa_last_step: step })
    .where('id', '=', userId)
    .where((eb) =>
      eb.or([eb('two_fa_last_step', 'is', null), eb('two_fa_last_step', '<', String(step))]),
    )
    .returning('id')
    .executeTakeFirst();
  return spent !== undefined;
}

/** How far back a refused authenticator code still counts as expired rather than wrong. */
const EXPIRED_CODE_STEPS = 20; // ten minutes

/** Why a code was refused, for the login history (the answer to the sign-in says only "not valid"). */
export type CodeRefusal = 'wrong_code' | 'used_code' | 'expired_code';

/**
 * Why `code` was not accepted: a code that was right but had been used (a TOTP step already
 * spent, a backup code already used), an authenticator code of a few minutes ago, or a wrong
 * one. Asked only after a refusal; it accepts nothing and spends nothing.
 */
export async function whyCodeRefused(
  db: Db,
  userId: number,
  secret: string,
  code: string,
  now: Date,
): Promise<CodeRefusal> {
  if (looksLikeBackupCode(code)) {
    const used = await db
      .selectFrom('two_fa_backup_codes')
      .select('code_hash')
      .where('user_id', '=', userId)
      .where('used_at', 'is not', null)
      .execute();
    for (const row of used) {
      if (await verifyPassword(Buffer.from(row.code_hash).toString(), normalize(code))) {
        return 'used_code';
      }
    }
    return 'wrong_code';
  }
  if (matchTotp(secret, code, now) !== undefined) return 'used_code';
  if (stepsExpired(secret, code, now, EXPIRED_CODE_STEPS) !== undefined) return 'expired_code';
  return 'wrong_code';
}

/** Refuse further codes after too many wrong ones in the window (guessing 6 digits takes many). */
export async function checkCodeFailures(
  db: Db,
  userId: number,
  now: Date,
  /** The attempt being checked is already recorded as a failure (and is allowed to be the last). */
  includesThisAttempt = false,
): Promise<void> {
  const failures = await recentFailures(db, userId, now, CODE_FAILURE_WINDOW_MS, {
    methods: ['totp', 'backup_code'],
  });
  refuseOverLimit({
    ...failures,
    limit: MAX_CODE_FAILURES + (includesThisAttempt ? 1 : 0),
    windowMs: CODE_FAILURE_WINDOW_MS,
    now,
    message: 'Too many wrong codes. Try again later.',
  });
}
