import type { Db } from '../db/connect.ts';
import { AppError } from '../errors.ts';

/**
 * Sign-in throttling (docs/decisions/012-sign-in-throttling.md, after OWASP's device cookies and
 * NIST 800-63B 5.2.2): every failed password is counted against what it came through (the typed
 * address, or the device that signed in before; and the client's IP); past a few free failures
 * each one makes the next attempt wait longer. An attempt that comes too early is refused
 * unchecked and counts for nothing, so a wait never renews itself, and nothing an attacker does
 * from elsewhere can make a known device wait. Counts live in `sign_in_throttles`, shared by
 * every replica.
 */

export interface Throttle {
  key: string;
  /** Failures allowed before the first wait. */
  freeFailures: number;
  /** Failures are forgotten once the last one is this old. */
  memoryMs: number;
  /**
   * A right password clears the failures: it proves the owner is at this address or device. An
   * IP's failures are other people's; a right password there takes back only its own.
   */
  clearedByRightPassword: boolean;
}

const MINUTE = 60_000;
/** The longest wait: about a hundred guesses a day at one address, never a lockout. */
export const MAX_WAIT_MS = 15 * MINUTE;
export const FREE_FAILURES_PER_ADDRESS = 5;
export const FREE_FAILURES_PER_IP = 100;

/** Guesses at a typed address from clients it does not know, whether or not it has an account. */
export const addressThrottle = (email: string): Throttle => ({
  key: `address:${email}`,
  freeFailures: FREE_FAILURES_PER_ADDRESS,
  memoryMs: 24 * 60 * MINUTE,
  clearedByRightPassword: true,
});

/** A device that signed in before has a count of its own: the address's does not touch it. */
export const deviceThrottle = (deviceId: string): Throttle => ({
  key: `device:${deviceId}`,
  freeFailures: FREE_FAILURES_PER_ADDRESS,
  memoryMs: 24 * 60 * MINUTE,
  clearedByRightPassword: true,
});

/** Spraying one password over many addresses. Known devices are exempt (a shared proxy's IP). */
export const ipThrottle = (ip: string): Throttle => ({
  key: `ip:${ip}`,
  freeFailures: FREE_FAILURES_PER_IP,
  memoryMs: 15 * MINUTE,
  clearedByRightPassword: false,
});

/** The wait after `failures` failures: none for the free ones, then 1 s, 2 s, 4 s … 15 min. */
export function waitAfter(failures: number, freeFailures: number): number {
  if (failures < freeFailures) return 0;
  return Math.min(1000 * 2 ** (failures - freeFailures), MAX_WAIT_MS);
}

/**
 * Check a password under `throttles`. Refused with 429 and Retry-After while any of them must
 * still wait. Otherwise the attempt is counted as a failure before `isRight` runs (so that guesses
 * sent at once see each other and at most the free ones get checked), and taken back when right.
 */
export async function throttledCheck(
  db: Db,
  throttles: Throttle[],
  now: Date,
  isRight: () => Promise<boolean>,
): Promise<boolean> {
  await countFailure(db, throttles, now);
  const right = await isRight();
  if (right) await takeBack(db, throttles, now);
  return right;
}

async function countFailure(db: Db, throttles: Throttle[], now: Date): Promise<void> {
  // Rows are locked in key order, so two attempts locking the same two rows cannot deadlock.
  const ordered = [...throttles].sort((a, b) => (a.key < b.key ? -1 : 1));
  await db.transaction().execute(async (trx) => {
    // One statement creates the missing rows and locks and reads them all: an insert that meets
    // its row "updates" it to itself, which locks it (as `for update` would) and answers it as the
    // last committed attempt left it.
    const rows = await trx
      .insertInto('sign_in_throttles')
      .values(
        ordered.map((t) => ({
          key: t.key,
          failures: 0,
          last_failure_at: now,
          next_attempt_at: now,
        })),
      )
      .onConflict((oc) =>
        oc.column('key').doUpdateSet((eb) => ({ failures: eb.ref('sign_in_throttles.failures') })),
      )
      .returning(['key', 'failures', 'last_failure_at', 'next_attempt_at'])
      .execute();
    let waitMs = 0;
    const counted = ordered.map((throttle) => {
      const row = rows.find((r) => r.key === throttle.key)!;
      waitMs = Math.max(waitMs, row.next_attempt_at.getTime() - now.getTime());
      const forgotten = now.getTime() - row.last_failure_at.getTime() >= throttle.memoryMs;
      const failures = forgotten ? 1 : row.failures + 1;
      return {
        key: throttle.key,
        failures,
        last_failure_at: now,
        next_attempt_at: new Date(now.getTime() + waitAfter(failures, throttle.freeFailures)),
      };
    });
    // Thrown inside the transaction: a refused attempt changes nothing.
    if (waitMs > 0) {
      throw new AppError(
        'rate_limited',
        'Too many failed sign-in attempts. Try again later.',
        undefined,
        { 'Retry-After': String(Math.ceil(waitMs / 1000)) },
      );
    }
    await trx
      .insertInto('sign_in_throttles')
      .values(counted)
      .onConflict((oc) =>
        oc.column('key').doUpdateSet((eb) => ({
          failures: eb.ref('excluded.failures'),
          last_failure_at: eb.ref('excluded.last_failure_at'),
          next_attempt_at: eb.ref('excluded.next_attempt_at'),
        })),
      )
      .execute();
  });
}

/** A right password: the throttles it cleared start over; the others take back its failure. */
async function takeBack(db: Db, throttles: Throttle[], now: Date): Promise<void> {
  const cleared = throttles.filter((t) => t.clearedByRightPassword).map((t) => t.key);
  const keys = throttles.map((t) => t.key);
  await db
    .updateTable('sign_in_throttles')
    .set((eb) => {
      const isCleared = cleared.length ? eb('key', 'in', cleared) : eb.lit(false);
      return {
        failures: eb
          .case()
          .when(isCleared)
          .then(0)
          .else(eb('failures', '-', 1))
          .end(),
        next_attempt_at: eb.case().when(isCleared).then(now).else(eb.ref('next_attempt_at')).end(),
      };
    })
    // The rows are locked in key order first, as countFailure locks them: no deadlock between the two.
    .where('key', 'in', (eb) =>
      eb
        .selectFrom('sign_in_throttles')
        .select('key')
        .where('key', 'in', keys)
        .orderBy('key')
        .forUpdate(),
    )
    .execute();
}
