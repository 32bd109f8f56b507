import { SigningKeys } from './auth/keys.ts';
import { systemClock } from './clock.ts';
import { loadConfig } from './config.ts';
import { openDatabase } from './db/connect.ts';

/**
 * `npm run rotate-key`: retire the key that signs access tokens and make a new one, with the same
 * settings as the replicas. Each replica signs with the new key within a minute (when it next
 * reads the keys) and accepts it at once (an unknown `kid` makes it read them); tokens signed
 * with the old key stay valid until they expire.
 */
const config = loadConfig();
const database = await openDatabase({ databaseUrl: config.databaseUrl, dataDir: config.dataDir });
try {
  const keys = new SigningKeys(
    database.db,
    systemClock,
    config.jwt.accessTtlSeconds,
    config.jwt.privateKey,
  );
  process.stdout.write(`New signing key: ${await keys.rotate()}\n`);
} finally {
  await database.close();
}
