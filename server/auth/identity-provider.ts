import { createRemoteJWKSet, errors as joseErrors, jwtVerify, type JWTPayload } from 'jose';
import type { Clock } from '../clock.ts';
import type { IdentityProviderConfig } from '../config.ts';
import { invalidToken } from '../errors.ts';

/**
 * JWTs from the host portal's own identity provider, verified against its JWKS (fetched with
 * createRemoteJWKSet, which caches keys and re-fetches on an unknown `kid`, with a cooldown).
 * The algorithm list is fixed: no `none`, no HMAC, so a public key can never act as a secret.
 */
const ACCEPTED_ALGORITHMS = ['RS256', 'PS256', 'ES256', 'EdDSA'];

export interface IdentityProviderClaims {
  email: string;
  accountId: number;
}

export interface IdentityProvider {
  issuer: string;
  verify(token: string): Promise<IdentityProviderClaims>;
}

export function createIdentityProvider(
  config: IdentityProviderConfig,
  clock: Clock,
): IdentityProvider {
  const keySet = createRemoteJWKSet(new URL(config.jwksUrl), {
    cacheMaxAge: 10 * 60_000,
    cooldownDuration: 30_000,
    timeoutDuration: 5_000,
  });
  return {
    issuer: config.issuer,
    async verify(token) {
      let payload: JWTPayload;
      try {
        ({ payload } = await jwtVerify(token, keySet, {
          algorithms: ACCEPTED_ALGORITHMS,
          issuer: config.issuer,
          audience: config.audience,
          requiredClaims: ['exp', 'email'],
          clockTolerance: 5,
          currentDate: clock.now(),
        }));
      } catch (error) {
        if (error instanceof joseErrors.JOSEError) throw invalidToken();
        throw error;
      }
      // Only an email the provider says it verified may map to a user of ours: otherwise whoever
      // can type an address into the provider's sign-up form could become that user here.
      if (typeof payload.email !== 'string' || payload.email_verified !== true)
        throw invalidToken();
      const accountId = Number(payload[config.accountClaim]);
      if (!Number.isSafeInteger(accountId) || accountId <= 0) throw invalidToken();
      return { email: payload.email.trim().toLowerCase(), accountId };
    },
  };
}
