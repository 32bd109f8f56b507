import { z } from 'zod';

/** Settings, read once from the environment (API.md "Running"). */

const booleanSetting = z
  .enum(['true', 'false', '1', '0', ''])
  .transform((v) => v === 'true' || v === '1');

/** `https://portal.example.com` or `http://localhost:5173`: no path, no trailing slash. */
function isOrigin(value: string): boolean {
  try {
    return new URL(value).origin === value;
  } catch {
    return false;
  }
}

const environment = z.object({
  PORT: z.coerce.number().int().min(0).max(65535).default(3000),
  /** Address to listen on; 0.0.0.0 in a container. */
  HOST: z.string().min(1).default('127.0.0.1'),
  DATABASE_URL: z.string().min(1).optional(),
  DATA_DIR: z.string().min(1).default('./.data'),
  PUBLIC_URL: z.url().optional(),
  SMTP_URL: z.string().min(1).optional(),
  /** The sender of every email. */
  MAIL_FROM: z.string().min(3).default('User management <no-reply@localhost>'),
  DEMO_SEED: booleanSetting.default(false),
  DEMO_ADMIN_EMAIL: z.email().default('admin@demo.test'),
  DEMO_ADMIN_PASSWORD: z.string().min(8).default('demo-admin-password'),
  /** Issuer and audience of the access tokens this BFF signs. */
  JWT_ISSUER: z.string().min(1).default('urn:user-management:bff'),
  JWT_AUDIENCE: z.string().min(1).default('urn:user-management:api'),
  /** An ES256 private key as a JWK (JSON); when unset, keys are generated and kept in the database. */
  JWT_PRIVATE_KEY: z.string().min(1).optional(),
  /** The host portal's identity provider, whose JWTs the BFF also accepts. */
  AUTH_JWKS_URL: z.url().optional(),
  AUTH_ISSUER: z.string().min(1).optional(),
  AUTH_AUDIENCE: z.string().min(1).optional(),
  /** The claim of the provider's JWT that names the account (an account id). */
  AUTH_ACCOUNT_CLAIM: z.string().min(1).default('client_id'),
  /** Invitations one administrator may send in 24 hours (PRODUCT.md: 5). */
  INVITES_PER_DAY: z.coerce.number().int().min(1).default(5),
  /** Take the client's IP from X-Forwarded-For (only behind a proxy that sets it). */
  TRUST_PROXY: booleanSetting.default(false),
  /** On SIGTERM, how long requests in flight and an email being sent may take before the exit. */
  SHUTDOWN_GRACE_MS: z.coerce.number().int().min(0).default(10_000),
  /**
   * Origins of host pages on other origins that may call the BFF and load `/um/*` (CORS),
   * comma-separated, each exactly `scheme://host[:port]`; empty: the same origin only.
   */
  ALLOWED_ORIGINS: z
    .string()
    .default('')
    .transform((value) =>
      value
        .split(',')
        .map((origin) => origin.trim())
        .filter(Boolean),
    )
    .pipe(z.array(z.string().refine(isOrigin, 'each must be an origin: scheme://host[:port]'))),
  /** When set, `/metrics` answers only `Authorization: Bearer <METRICS_TOKEN>`. */
  METRICS_TOKEN: z.string().min(16).optional(),
});

export interface IdentityProviderConfig {
  jwksUrl: string;
  issuer: string;
  audience: string;
  accountClaim: string;
}

export interface Config {
  port: number;
  host: string;
  databaseUrl?: string;
  dataDir: string;
  publicUrl: string;
  smtpUrl?: string;
  mailFrom: string;
  demoSeed: boolean;
  demoAdmin: { email: string; password: string };
  jwt: {
    issuer: string;
    audience: string;
    privateKey?: string;
    accessTtlSeconds: number;
    refreshTtlSeconds: number;
  };
  identityProvider?: IdentityProviderConfig;
  trustProxy: boolean;
  /** Origins allowed to call the BFF from another origin (CORS); none by default. */
  allowedOrigins: string[];
  invitesPerDay: number;
  shutdownGraceMs: number;
  metricsToken?: string;
}

export function loadConfig(env: Record<string, string | undefined> = process.env): Config {
  const parsed = environment.safeParse(env);
  if (!parsed.success) {
    const problems = parsed.error.issues.map(
      (issue) => `${issue.path.join('.')}: ${issue.message}`,
    );
    throw new Error(`invalid settings: ${problems.join('; ')}`);
  }
  const e = parsed.data;
  const idpSettings = [e.AUTH_JWKS_URL, e.AUTH_ISSUER, e.AUTH_AUDIENCE];
  if (idpSettings.some(Boolean) && !idpSettings.every(Boolean)) {
    throw new Error('invalid settings: AUTH_JWKS_URL, AUTH_ISSUER and AUTH_AUDIENCE go together');
  }
  return {
    port: e.PORT,
    host: e.HOST,
    databaseUrl: e.DATABASE_URL,
    dataDir: e.DATA_DIR,
    publicUrl: (e.PUBLIC_URL ?? `http://localhost:${e.PORT}`).replace(/\/+$/, ''),
    smtpUrl: e.SMTP_URL,
    mailFrom: e.MAIL_FROM,
    demoSeed: e.DEMO_SEED,
    demoAdmin: { email: e.DEMO_ADMIN_EMAIL.toLowerCase(), password: e.DEMO_ADMIN_PASSWORD },
    jwt: {
      issuer: e.JWT_ISSUER,
      audience: e.JWT_AUDIENCE,
      privateKey: e.JWT_PRIVATE_KEY,
      accessTtlSeconds: 60 * 60,
      refreshTtlSeconds: 24 * 60 * 60,
    },
    identityProvider:
      e.AUTH_JWKS_URL && e.AUTH_ISSUER && e.AUTH_AUDIENCE
        ? {
            jwksUrl: e.AUTH_JWKS_URL,
            issuer: e.AUTH_ISSUER,
            audience: e.AUTH_AUDIENCE,
            accountClaim: e.AUTH_ACCOUNT_CLAIM,
          }
        : undefined,
    trustProxy: e.TRUST_PROXY,
    allowedOrigins: e.ALLOWED_ORIGINS,
    invitesPerDay: e.INVITES_PER_DAY,
    shutdownGraceMs: e.SHUTDOWN_GRACE_MS,
    metricsToken: e.METRICS_TOKEN,
  };
}
