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
export const MAX_DEVICES_PER_USER = 20;
/** `<uuid>.<secret>`: the id finds the row, the secret proves the token is that row's. */
const TOKEN = /^([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})\.([\w-]{43})$/;

export interface Device {
  id: string;
  token: string;
}

/**
 * The id and secret hash `token` claims, when it has the shape of a device token; anything else:
 * undefined. The row it names belongs to the user signing in only if both match (sign-in.ts).
 */
export function deviceClaim(
  token: string | undefined,
): { id: string; secretHash: Buffer } | undefined {
  const match = token ? TOKEN.exec(token) : null;
  return match ? { id: match[1], secretHash: hashSecret(match[2]) } : undefined;
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
  // One statement: the new device, and the user's least recently used devices dropped so that
  // this one and the `MAX_DEVICES_PER_USER - 1` most recent others stay. (The delete sees the rows
  // as they were before the insert, so it never sees, nor drops, the new one.)
  const { id } = await db
    .with('added', (db) =>
      db
        .insertInto('trusted_devices')
        .values({
          user_id: userId,
          secret_hash: hashSecret(secret),
          created_at: now,
          last_used_at: now,
        })
        .returning('id'),
    )
    .with('dropped', (db) =>
      db
        .deleteFrom('trusted_devices')
        .where('user_id', '=', userId)
        .where(
          'id',
          'not in',
          db
            .selectFrom('trusted_devices')
            .select('id')
            .where('user_id', '=', userId)
            .orderBy('last_used_at', 'desc')
            .limit(MAX_DEVICES_PER_USER - 1),
        ),
    )
    .selectFrom('added')
    .select('id')
    .executeTakeFirstOrThrow();
  return `${id}.${secret}`;
}
