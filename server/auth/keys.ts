import { calculateJwkThumbprint, exportJWK, generateKeyPair, importJWK, type JWK } from 'jose';
import type { Clock } from '../clock.ts';
import type { Db } from '../db/connect.ts';

/**
 * The ES256 keys that sign access tokens. Generated on first start and kept in the database (so
 * every replica signs with the same key), or given as JWT_PRIVATE_KEY. A rotated key stops
 * signing at once but stays published, and accepted, until the last token it signed has expired.
 */

export const SIGNING_ALGORITHM = 'ES256';

export interface SigningKey {
  kid: string;
  privateKey: CryptoKey;
}

interface PublicKey {
  kid: string;
  jwk: JWK;
  key: CryptoKey;
}

/** How long a replica trusts what it read about keys before reading again. */
const CACHE_MILLISECONDS = 60_000;
/** The shortest time between two reads forced by an unknown `kid`. */
const FORCED_RELOAD_MILLISECONDS = 1_000;

interface Loaded {
  at: number;
  signing: SigningKey;
  verifying: PublicKey[];
}

export class SigningKeys {
  private cached?: Loaded;
  /**
   * The read under way: requests at one moment share it. Each reading for itself, the first
   * requests of a process each made a key, and a key one of them signed with could be missing
   * from the keys another cached last (its token refused, 401, until a forced re-read).
   */
  private loading?: Promise<Loaded>;
  private readonly fixed?: Promise<{ signing: SigningKey; verifying: PublicKey[] }>;

  constructor(
    private readonly db: Db,
    private readonly clock: Clock,
    private readonly accessTtlSeconds: number,
    privateJwk?: string,
  ) {
    if (privateJwk) this.fixed = importFixedKey(privateJwk);
  }

  /** The key that signs new tokens. */
  async current(): Promise<SigningKey> {
    return (await this.load()).signing;
  }

  /** Public keys that verify tokens: the current one and those retired less than a token's lifetime ago. */
  async verificationKeys(): Promise<PublicKey[]> {
    return (await this.load()).verifying;
  }

  /**
   * A key by `kid`. An unknown kid re-reads the database (another replica may have rotated), but
   * at most once a second: tokens with made-up kids must not turn into a query each.
   */
  async verificationKey(kid: string): Promise<CryptoKey | undefined> {
    const find = (keys: PublicKey[]) => keys.find((key) => key.kid === kid)?.key;
    const found = find(await this.verificationKeys());
    if (found || this.fixed) return found;
    const readRecently =
      this.cached && this.clock.now().getTime() - this.cached.at < FORCED_RELOAD_MILLISECONDS;
    if (readRecently) return undefined;
    return find((await this.load(true)).verifying);
  }

  async jwks(): Promise<{ keys: JWK[] }> {
    const keys = await this.verificationKeys();
    return {
      keys: keys.map(({ kid, jwk }) => ({ ...jwk, kid, alg: SIGNING_ALGORITHM, use: 'sig' })),
    };
  }

  /** Retire the current key and start signing with a new one. */
  async rotate(): Promise<string> {
    if (this.fixed)
      throw new Error('keys given in JWT_PRIVATE_KEY are rotated by changing that setting');
    const now = this.clock.now();
    const kid = await this.db.transaction().execute(async (trx) => {
      await trx
        .updateTable('signing_keys')
        .set({ retired_at: now })
        .where('retired_at', 'is', null)
        .execute();
      return insertNewKey(trx);
    });
    this.cached = undefined;
    return kid;
  }

  private async load(force = false) {
    if (this.fixed) return this.fixed;
    const now = this.clock.now().getTime();
    if (!force && this.cached && now - this.cached.at < CACHE_MILLISECONDS) return this.cached;
    this.loading ??= this.read(now).finally(() => (this.loading = undefined));
    return this.loading;
  }

  private async read(now: number): Promise<Loaded> {
    let rows = await this.readKeys(now);
    if (!rows.some((row) => row.retired_at === null)) {
      // First start. Two replicas starting together may both insert a key: both are published
      // and valid, and every replica then signs with the newest.
      await insertNewKey(this.db);
      rows = await this.readKeys(now);
    }
    const active = rows.find((row) => row.retired_at === null)!;
    const verifying = await Promise.all(
      rows.map(async (row) => ({
        kid: row.kid,
        jwk: parseJwk(row.public_jwk),
        key: (await importJWK(parseJwk(row.public_jwk), SIGNING_ALGORITHM)) as CryptoKey,
      })),
    );
    const signing = {
      kid: active.kid,
      privateKey: (await importJWK(parseJwk(active.private_jwk), SIGNING_ALGORITHM)) as CryptoKey,
    };
    this.cached = { at: now, signing, verifying };
    return this.cached;
  }

  private async readKeys(now: number) {
    // A retired key is still needed while tokens it signed may be alive (plus a minute of slack).
    const oldestUseful = new Date(now - (this.accessTtlSeconds + 60) * 1000);
    return this.db
      .selectFrom('signing_keys')
      .selectAll()
      .where((eb) => eb.or([eb('retired_at', 'is', null), eb('retired_at', '>', oldestUseful)]))
      .orderBy('created_at', 'desc')
      .orderBy('kid', 'desc')
      .execute();
  }
}

async function insertNewKey(db: Db): Promise<string> {
  const { privateKey, publicKey } = await generateKeyPair(SIGNING_ALGORITHM, { extractable: true });
  const publicJwk = await exportJWK(publicKey);
  const kid = await calculateJwkThumbprint(publicJwk);
  await db
    .insertInto('signing_keys')
    .values({
      kid,
      private_jwk: JSON.stringify(await exportJWK(privateKey)),
      public_jwk: JSON.stringify(publicJwk),
    })
    .execute();
  return kid;
}

async function importFixedKey(privateJwkText: string) {
  const privateJwk = JSON.parse(privateJwkText) as JWK;
  if (privateJwk.kty !== 'EC' || privateJwk.crv !== 'P-256' || !privateJwk.d) {
    throw new Error('JWT_PRIVATE_KEY must be an EC P-256 private key in JWK form');
  }
  const { d: _private, ...publicJwk } = privateJwk;
  const kid = privateJwk.kid ?? (await calculateJwkThumbprint(publicJwk));
  const privateKey = (await importJWK(privateJwk, SIGNING_ALGORITHM)) as CryptoKey;
  const key = (await importJWK(publicJwk, SIGNING_ALGORITHM)) as CryptoKey;
  return {
    signing: { kid, privateKey },
    verifying: [
      { kid, jwk: { kty: publicJwk.kty, crv: publicJwk.crv, x: publicJwk.x, y: publicJwk.y }, key },
    ],
  };
}

/** jsonb comes back parsed from both drivers; a string would mean it was stored double-encoded. */
function parseJwk(value: unknown): JWK {
  return (typeof value === 'string' ? JSON.parse(value) : value) as JWK;
}
