import { errors as joseErrors, jwtVerify, SignJWT, type JWTPayload } from 'jose';
import type { TokenPair } from '../../shared/auth.ts';
import type { Clock } from '../clock.ts';
import type { Config } from '../config.ts';
import type { Db } from '../db/connect.ts';
import { invalidToken } from '../errors.ts';
import { SIGNING_ALGORITHM, type SigningKeys } from './keys.ts';
import { hashSecret, newSecret } from './secrets.ts';

/**
 * Access tokens are ES256 JWTs (one hour) that name a user, an account and a session (`sid`),
 * nothing more: the role, and whether the session still stands, are read from the database on
 * every request. Refresh tokens are opaque, single use, 24 hours, and belong to the same session
 * (server/auth/sessions.ts renews and ends sessions).
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

export interface SessionClaims extends AccessClaims {
  sessionId: string;
}

/** A session id: the database makes them, so anything else is not ours. */
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

/** Seconds of clock difference tolerated between replicas. */
const CLOCK_TOLERANCE_SECONDS = 5;

/**
 * The JOSE type of our access tokens (RFC 9068): a JWT of any other kind (an ID token, some
 * other service's JWT signed with a shared key) is never taken for one.
 */
const ACCESS_TOKEN_TYPE = 'at+jwt';

/** A user id as we write it in `sub`: decimal digits, no sign, no leading zero, no exponent. */
const USER_ID = /^[1-9][0-9]{0,9}$/;

/**
 * Opens a session of the user and answers its id. `credentialsVersion`: the user's
 * `credentials_version` read with the password a sign-in checked, or written by a password
 * change; left out, the current one. Undefined when the user is deleted, or their credentials
 * moved past that version meanwhile (no session is opened then).
 */
export async function openSession(
  db: Db,
  userId: number,
  now: Date,
  credentialsVersion?: number,
): Promise<string | undefined> {
  const opened = await db
    .insertInto('sessions')
    .columns(['user_id', 'credentials_version', 'created_at'])
    .expression((eb) =>
      eb
        .selectFrom('users')
        .select([
          'id',
          credentialsVersion === undefined
            ? 'credentials_version'
            : eb.val(credentialsVersion).as('credentials_version'),
          eb.val(now).as('created_at'),
        ])
        .where('id', '=', userId)
        .where('deleted_at', 'is', null)
        .$if(credentialsVersion !== undefined, (query) =>
          query.where('credentials_version', '=', credentialsVersion!),
        ),
    )
    .returning('id')
    .executeTakeFirst();
  return opened?.id;
}

/** An access and a refresh token for `subject` in the session `sessionId`. */
export async function issueTokens(
  deps: TokenDeps,
  subject: AccessClaims,
  sessionId: string,
): Promise<TokenPair> {
  const refresh = await storeRefreshToken(deps, subject, sessionId);
  return { access: await signAccessToken(deps, { ...subject, sessionId }), refresh };
}

/** A new refresh token of the session, stored as a hash; answers the token itself. */
export async function storeRefreshToken(
  deps: Pick<TokenDeps, 'db' | 'clock' | 'config'>,
  subject: AccessClaims,
  sessionId: string,
): Promise<string> {
  const now = deps.clock.now();
  const refresh = newSecret();
  await deps.db
    .insertInto('refresh_tokens')
    .values({
      token_hash: hashSecret(refresh),
      user_id: subject.userId,
      account_id: subject.accountId,
      session_id: sessionId,
      created_at: now,
      expires_at: new Date(now.getTime() + deps.config.jwt.refreshTtlSeconds * 1000),
    })
    .execute();
  return refresh;
}

/**
 * An access token. It may read the signing keys from the database: never call it inside a
 * transaction (on PGlite, with its one connection, that read would wait for the transaction).
 */
export async function signAccessToken(deps: TokenDeps, claims: SessionClaims): Promise<string> {
  const key = await deps.keys.current();
  const issuedAt = Math.floor(deps.clock.now().getTime() / 1000);
  return new SignJWT({ client_id: claims.accountId, token_type: 'access', sid: claims.sessionId })
    .setProtectedHeader({ alg: SIGNING_ALGORITHM, kid: key.kid, typ: ACCESS_TOKEN_TYPE })
    .setSubject(String(claims.userId))
    .setIssuer(deps.config.jwt.issuer)
    .setAudience(deps.config.jwt.audience)
    .setIssuedAt(issuedAt)
    .setExpirationTime(issuedAt + deps.config.jwt.accessTtlSeconds)
    .setJti(crypto.randomUUID())
    .sign(key.privateKey);
}

/**
 * Access tokens verified lately by each set of keys (one per app), by their text (decision 033):
 * checking an ES256 signature was a tenth of the BFF's work for an authenticated request, and its
 * answer for a token never changes, since a key stays published until every token it signed has
 * expired (keys.ts). Only the times can turn against a token: they are checked again on every
 * request, more strictly than jose does (an edge case is verified in full, with its tolerance).
 * Whether the session stands and the member's role are read from the database on every request.
 */
const verifiedTokens = new WeakMap<SigningKeys, Map<string, VerifiedToken>>();
/** Under 10 MB; the oldest entry makes room (a token dropped is verified again). */
export const VERIFIED_TOKENS_MAX = 10_000;

interface VerifiedToken {
  claims: SessionClaims;
  /** Seconds since the epoch: valid from `iat` until `exp` or `iat` + lifetime, if sooner. */
  from: number;
  until: number;
}

/** Verify one of our access tokens; anything short of perfect is a 401. */
export async function verifyAccessToken(deps: TokenDeps, token: string): Promise<SessionClaims> {
  const now = Math.floor(deps.clock.now().getTime() / 1000);
  let verified = verifiedTokens.get(deps.keys);
  if (!verified) verifiedTokens.set(deps.keys, (verified = new Map()));
  const known = verified.get(token);
  if (known && known.from <= now && now < known.until) return known.claims;
  verified.delete(token);

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
        typ: ACCESS_TOKEN_TYPE,
        requiredClaims: ['exp', 'iat', 'sub'],
        // Also refuses an `iat` in the future (beyond the tolerance): no token outlives the
        // lifetime we give tokens, whatever its `exp` claims.
        maxTokenAge: deps.config.jwt.accessTtlSeconds,
        clockTolerance: CLOCK_TOLERANCE_SECONDS,
        currentDate: deps.clock.now(),
      },
    ));
  } catch (error) {
    if (error instanceof joseErrors.JOSEError) throw invalidToken();
    throw error;
  }
  const userId = USER_ID.test(payload.sub ?? '') ? Number(payload.sub) : NaN;
  const accountId = payload.client_id;
  const sessionId = payload.sid;
  if (
    payload.token_type !== 'access' ||
    typeof sessionId !== 'string' ||
    !UUID.test(sessionId) ||
    !Number.isSafeInteger(userId) ||
    userId > 2_147_483_647 ||
    typeof accountId !== 'number' ||
    !Number.isSafeInteger(accountId)
  ) {
    throw invalidToken();
  }
  const claims = { userId, accountId, sessionId };
  // `iat` and `exp` are there: `requiredClaims`.
  const until = Math.min(payload.exp!, payload.iat! + deps.config.jwt.accessTtlSeconds);
  if (now < until) {
    if (verified.size >= VERIFIED_TOKENS_MAX) verified.delete(verified.keys().next().value!);
    verified.set(token, { claims, from: payload.iat!, until });
  }
  return claims;
}
