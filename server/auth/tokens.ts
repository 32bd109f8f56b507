import { errors as joseErrors, jwtVerify, SignJWT, type JWTPayload } from 'jose';
import type { TokenPair } from '../../shared/auth.ts';
import { recordAudit } from '../audit.ts';
import type { Clock } from '../clock.ts';
import type { Config } from '../config.ts';
import type { Db } from '../db/connect.ts';
import { AppError, invalidToken } from '../errors.ts';
import { SIGNING_ALGORITHM, type SigningKeys } from './keys.ts';
import { hashSecret, newSecret } from './secrets.ts';

/**
 * Access tokens are ES256 JWTs (one hour) that name a user and an account, nothing more: the role
 * is read from the database on every request. Refresh tokens are opaque, single use, 24 hours, and
 * belong to a family: the sign-in they descend from, which a refresh carries on.
 */

export interface TokenDeps {
  db: Db;
  keys: SigningKeys;
  clock: Clock;
  config: Pick<Config, 'jwt'>;
}

export interface AccessClaims {
  userId: number;
  accountId: number;
}

/** Seconds of clock difference tolerated between replicas. */
const CLOCK_TOLERANCE_SECONDS = 5;

/** A used refresh token coming back within this time is taken for a race, not for theft. */
export const REFRESH_REUSE_GRACE_MS = 10_000;

/** `family`: the sign-in a refresh continues; a new sign-in (or account switch) starts one. */
export async function issueTokens(
  deps: TokenDeps,
  subject: AccessClaims,
  family: string = crypto.randomUUID(),
): Promise<TokenPair> {
  const now = deps.clock.now();
  const key = await deps.keys.current();
  const issuedAt = Math.floor(now.getTime() / 1000);
  const access = await new SignJWT({ client_id: subject.accountId, token_type: 'access' })
    .setProtectedHeader({ alg: SIGNING_ALGORITHM, kid: key.kid, typ: 'JWT' })
    .setSubject(String(subject.userId))
    .setIssuer(deps.config.jwt.issuer)
    .setAudience(deps.config.jwt.audience)
    .setIssuedAt(issuedAt)
    .setExpirationTime(issuedAt + deps.config.jwt.accessTtlSeconds)
    .setJti(crypto.randomUUID())
    .sign(key.privateKey);

  const refresh = newSecret();
  await deps.db
    .insertInto('refresh_tokens')
    .values({
      token_hash: hashSecret(refresh),
      user_id: subject.userId,
      account_id: subject.accountId,
      family,
      created_at: now,
      expires_at: new Date(now.getTime() + deps.config.jwt.refreshTtlSeconds * 1000),
    })
    .execute();
  return { access, refresh };
}

/** Verify one of our access tokens; anything short of perfect is a 401. */
export async function verifyAccessToken(deps: TokenDeps, token: string): Promise<AccessClaims> {
  let payload: JWTPayload;
  try {
    ({ payload } = await jwtVerify(
      token,
      async (header) => {
        const key = header.kid ? await deps.keys.verificationKey(header.kid) : undefined;
        if (!key) throw new joseErrors.JWKSNoMatchingKey();
        return key;
      },
      {
        algorithms: [SIGNING_ALGORITHM],
        issuer: deps.config.jwt.issuer,
        audience: deps.config.jwt.audience,
        requiredClaims: ['exp', 'iat', 'sub'],
        clockTolerance: CLOCK_TOLERANCE_SECONDS,
        currentDate: deps.clock.now(),
      },
    ));
  } catch (error) {
    if (error instanceof joseErrors.JOSEError) throw invalidToken();
    throw error;
  }
  const userId = Number(payload.sub);
  const accountId = payload.client_id;
  if (
    payload.token_type !== 'access' ||
    !Number.isSafeInteger(userId) ||
    typeof accountId !== 'number' ||
    !Number.isSafeInteger(accountId)
  ) {
    throw invalidToken();
  }
  return { userId, accountId };
}

/**
 * Spend a refresh token: one conditional update marks it used, so of two concurrent refreshes with
 * the same token exactly one gets new tokens. Answers the token's claims and family.
 */
export async function spendRefreshToken(
  deps: TokenDeps,
  refresh: string,
  requestId: string,
): Promise<AccessClaims & { family: string }> {
  const now = deps.clock.now();
  const tokenHash = hashSecret(refresh);
  const spent = await deps.db
    .updateTable('refresh_tokens')
    .set({ used_at: now })
    .where('token_hash', '=', tokenHash)
    .where('used_at', 'is', null)
    .where('revoked_at', 'is', null)
    .where('expires_at', '>', now)
    .returning(['user_id', 'account_id', 'family'])
    .executeTakeFirst();
  if (!spent) {
    await endFamilyOnReuse(deps, tokenHash, now, requestId);
    throw new AppError('refresh_token_invalid', 'Token is invalid or expired');
  }
  return { userId: spent.user_id, accountId: spent.account_id, family: spent.family };
}

/**
 * A refresh token is single use, so one that was used coming back means two parties hold it: its
 * owner and someone who copied it, and the BFF cannot tell which is which. So every live token of
 * that sign-in is revoked and both must sign in again (refresh token rotation with reuse
 * detection, OAuth 2.0 Security BCP 4.14). A reuse within seconds of the use is two requests of
 * one client racing (two tabs renewing at once): refused, nothing more.
 */
async function endFamilyOnReuse(
  deps: TokenDeps,
  tokenHash: Uint8Array,
  now: Date,
  requestId: string,
) {
  const used = await deps.db
    .selectFrom('refresh_tokens')
    .select(['family', 'user_id', 'account_id', 'used_at'])
    .where('token_hash', '=', tokenHash)
    .where('used_at', 'is not', null)
    .executeTakeFirst();
  if (!used?.used_at || now.getTime() - used.used_at.getTime() < REFRESH_REUSE_GRACE_MS) return;
  const revoked = await deps.db
    .updateTable('refresh_tokens')
    .set({ revoked_at: now })
    .where('family', '=', used.family)
    .where('used_at', 'is', null)
    .where('revoked_at', 'is', null)
    .executeTakeFirst();
  await recordAudit(deps.db, {
    accountId: used.account_id,
    actorUserId: used.user_id,
    action: 'auth.refresh_token_reused',
    targetType: 'user',
    targetId: used.user_id,
    requestId,
    at: now,
    details: { revoked_tokens: Number(revoked.numUpdatedRows) },
  });
}
