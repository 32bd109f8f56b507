import type { Db } from '../db/connect.ts';
import { hashSecret, newSecret } from './secrets.ts';

/**
 * Devices that have signed in before (OWASP "device cookies"; the widget keeps bearer tokens, not
 * cookies, so the token travels in the sign-in body as `device_token`). A device token proves
 * nothing about who is signing in: it only gives that client's failed passwords a count of their
 * own (server/auth/throttle.ts), so guesses from elsewhere never make the owner wait. Only its
 * hash is stored; a device unused for long is dropped when the user has too many.
 */

/** Devices kept per user; the least recently used go first (a script signing in often). */
const MAX_DEVICES_PER_USER = 20;
/** `<uuid>.<secret>`: the id finds the row, the secret proves the token is that row's. */
const TOKEN = /^([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})\.([\w-]{43})$/;

export interface Device {
  id: string;
  token: string;
}

/** The user's device that `token` names, if it is one; anything else: undefined. */
export async function knownDevice(
  db: Db,
  userId: number,
  token: string | undefined,
): Promise<Device | undefined> {
  const match = token ? TOKEN.exec(token) : null;
  if (!match) return undefined;
  const row = await db
    .selectFrom('trusted_devices')
    .select('id')
    .where('id', '=', match[1])
    .where('user_id', '=', userId)
    .where('secret_hash', '=', hashSecret(match[2]))
    .executeTakeFirst();
  return row && token ? { id: row.id, token } : undefined;
}

/**
 * After a sign-in: the token the client keeps for next time. A known device keeps its token;
 * any other gets a new one.
 */
export async function deviceTokenFor(
  db: Db,
  userId: number,
  known: Device | undefined,
  now: Date,
): Promise<string> {
  if (known) {
    await db
      .updateTable('trusted_devices')
      .set({ last_used_at: now })
      .where('id', '=', known.id)
      .execute();
    return known.token;
  }
  const secret = newSecret();
  const { id } = await db
    .insertInto('trusted_devices')
    .values({
      user_id: userId,
      secret_hash: hashSecret(secret),
      created_at: now,
      last_used_at: now,
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  await db
    .deleteFrom('trusted_devices')
    .where('user_id', '=', userId)
    .where('id', '!=', id)
    .where(
      'id',
      'not in',
      db
        .selectFrom('trusted_devices')
        .select('id')
        .where('user_id', '=', userId)
        .orderBy('last_used_at', 'desc')
        .limit(MAX_DEVICES_PER_USER),
    )
    .execute();
  return `${id}.${secret}`;
}
