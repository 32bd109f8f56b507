import pg from 'pg';
import {
  migrate,
  openDatabase,
  type DialectName,
  type OpenDatabase,
} from '../../server/db/connect.ts';

/**
 * The databases every database test runs on: PGlite always, PostgreSQL too when DATABASE_URL is
 * set (CI sets it). Each test file gets a fresh, migrated database of its own; on PostgreSQL that
 * is a new database on the server, dropped when the file ends, so runs never see each other's rows.
 */
export interface TestDialect {
  name: DialectName;
  open(): Promise<OpenDatabase>;
}

const pglite: TestDialect = {
  name: 'pglite',
  async open() {
    const database = await openDatabase({ dataDir: 'memory://', countRoundTrips: true });
    await migrate(database.db);
    return database;
  },
};

/** A new, empty database on the PostgreSQL server at `serverUrl`, and how to drop it. */
export async function createPostgresDatabase(serverUrl: string) {
  const name = `um_test_${process.pid}_${Date.now()}_${Math.floor(Math.random() * 1e6)}`;
  const onServer = async (statement: string) => {
    const client = new pg.Client({ connectionString: serverUrl });
    await client.connect();
    try {
      await client.query(statement);
    } finally {
      await client.end();
    }
  };
  await onServer(`create database ${name}`);
  const url = new URL(serverUrl);
  url.pathname = `/${name}`;
  return {
    url: url.toString(),
    drop: () => onServer(`drop database if exists ${name} with (force)`),
  };
}

function postgres(serverUrl: string): TestDialect {
  return {
    name: 'postgres',
    async open() {
      const created = await createPostgresDatabase(serverUrl);
      const database = await openDatabase({ databaseUrl: created.url, countRoundTrips: true });
      await migrate(database.db);
      return {
        ...database,
        async close() {
          await database.close();
          await created.drop();
        },
      };
    },
  };
}

export const DIALECTS: TestDialect[] = [
  pglite,
  ...(process.env.DATABASE_URL ? [postgres(process.env.DATABASE_URL)] : []),
];
