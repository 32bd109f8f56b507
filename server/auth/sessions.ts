import type { TokenPair } from '../../shared/auth.ts';
import { recordAudit } from '../audit.ts';
import type { Db } from '../db/connect.ts';
import { AppError } from '../errors.ts';
import { findCaller } from './middleware.ts';
import { hashSecret } from './secrets.ts';
import {
  signAccessToken,
  storeRefreshToken,
  type SessionClaims,
  type TokenDeps,
} from './tokens.ts';

/**
 * Sessions: one per sign-in, named by every access token (`sid`) and owning its refresh tokens.
 * A session ends when it is revoked (a reused refresh token) or when the user's password changes
 * or the user is deleted (their `credentials_version` moves past the session's); then its access
 * tokens are refused on the next request (server/auth/middleware.ts) and its refresh tokens at once.
 */

/** A used refresh token coming back within this time is one client racing itself, not theft. */
export const REFRESH_REUSE_GRACE_MS = 10_000;

const refused = () => new AppError('refresh_token_invalid', 'Token is invalid or expired');

/**
 * Spend a refresh token for a new pair in the same session. All of it happens under a lock on the
 * session's row, which revoking takes too: a renewal either finishes before a revocation (and its
 * tokens are then revoked with the session) or sees the session revoked; it never slips a live
 * token into a revoked session. Of concurrent renewals with one token exactly one wins.
 *
 * A refresh token is single use, so one that was spent coming back means two parties hold it, its
 * owner and someone who copied it, and the BFF cannot tell which is which: the whole session ends
 * and both must sign in again (refresh token rotation with reuse detection, OAuth 2.0 Security
 * BCP 4.14). Within seconds of the spend it is one client's two requests racing: only refused.
 */
export async function renewSession(
  deps: TokenDeps,
  refresh: string,
  requestId: string,
): Promise<TokenPair> {
  const now = deps.clock.now();
  const renewal = await deps.db.transaction().execute(async (trx) => {
    const token = await trx
      .selectFrom('refresh_tokens as r')
      .innerJoin('sessions as s', 's.id', 'r.session_id')
      .select([
        'r.id',
        'r.user_id',
        'r.account_id',
        'r.session_id',
        'r.used_at',
        'r.revoked_at',
        'r.expires_at',
        's.revoked_at as session_revoked_at',
      ])
      .where('r.token_hash', '=', hashSecret(refresh))
      // Both rows: the session's, which revoking takes too, and the token's, so that a renewal
      // that waited for another one with the same token sees it spent (PostgreSQL re-reads only
      // the rows it locks).
      .forUpdate()
      .executeTakeFirst();
    if (!token || token.session_revoked_at || token.revoked_at || token.expires_at <= now) {
      return undefined;
    }
    const sessionId = token.session_id!; // the inner join guarantees one
    if (token.used_at) {
      if (now.getTime() - token.used_at.getTime() >= REFRESH_REUSE_GRACE_MS) {
        await revokeSession(trx, sessionId, now);
        await recordAudit(trx, {
          accountId: token.account_id,
          actorUserId: token.user_id,
          action: 'auth.refresh_token_reused',
          via: 'session',
          sessionId,
          targetType: 'user',
          targetId: token.user_id,
          requestId,
          at: now,
          details: { session_id: sessionId },
        });
      }
      return undefined;
    }
    await trx
      .updateTable('refresh_tokens')
      .set({ used_at: now })
      .where('id', '=', token.id)
      .execute();
    // The person may have been removed or deleted since the token was issued.
    const claims: SessionClaims = { userId: token.user_id, accountId: token.account_id, sessionId };
    if (!(await findCaller(trx, claims, 'jwt'))) return undefined;
    return { claims, refresh: await storeRefreshToken({ ...deps, db: trx }, claims, sessionId) };
  });
  if (!renewal) throw refused();
  // Signed after the commit: it may read the signing keys (see signAccessToken).
  return { access: await signAccessToken(deps, renewal.claims), refresh: renewal.refresh };
}

/**
 * Sign-out: ends the session a refresh token belongs to, whether the token is still live or was
 * spent (a widget may sign out holding either). Holding the token is the proof; an unknown one
 * ends nothing and is not told apart.
 */
export async function endSessionOf(
  deps: Pick<TokenDeps, 'db' | 'clock'>,
  refresh: string,
  requestId: string,
): Promise<void> {
  const now = deps.clock.now();
  await deps.db.transaction().execute(async (trx) => {
    const token = await trx
      .selectFrom('refresh_tokens as r')
      .innerJoin('sessions as s', 's.id', 'r.session_id')
      .select(['r.user_id', 'r.account_id', 'r.session_id', 's.revoked_at'])
      .where('r.token_hash', '=', hashSecret(refresh))
      .executeTakeFirst();
    if (!token?.session_id || token.revoked_at) return;
    // Of sign-outs at the same moment, the one that ends the session tells the audit log.
    if (!(await revokeSession(trx, token.session_id, now))) return;
    await recordAudit(trx, {
      accountId: token.account_id,
      actorUserId: token.user_id,
      action: 'auth.signed_out',
      via: 'session',
      sessionId: token.session_id,
      targetType: 'user',
      targetId: token.user_id,
      requestId,
      at: now,
      details: { session_id: token.session_id },
    });
  });
}

/**
 * Ends a session: its access tokens on their next request, its refresh tokens at once. True when
 * this call ended it (it was not over already).
 */
async function revokeSession(db: Db, sessionId: string, now: Date): Promise<boolean> {
  const ended = await db
    .updateTable('sessions')
    .set({ revoked_at: now })
    .where('id', '=', sessionId)
    .where('revoked_at', 'is', null)
    .executeTakeFirst();
  return ended.numUpdatedRows > 0n;
}
