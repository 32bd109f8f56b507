import type { PGlite } from '@electric-sql/pglite';
import { Kysely, Migrator, PostgresDialect, sql, type Migration } from 'kysely';
import { PGliteDialect } from 'kysely-pglite-dialect';
import { createHash } from 'node:crypto';
import pg from 'pg';
import * as initial from './migrations/0001_initial.ts';
import * as sessions from './migrations/0002_sessions.ts';
import * as signInThrottling from './migrations/0003_sign_in_throttling.ts';
import * as perAccountViews from './migrations/0004_per_account_views.ts';
import * as loginHistory from './migrations/0005_login_history.ts';
import * as gcoreCloudShapes from './migrations/0006_gcore_cloud_shapes.ts';
import * as usersListAtScale from './migrations/0007_users_list_at_scale.ts';
import * as twoFaPolicy from './migrations/0009_two_fa_policy.ts';
import * as auditTrail from './migrations/0010_audit_trail.ts';
import * as searchWithinTheAccount from './migrations/0011_search_within_the_account.ts';
import * as activityByAction from './migrations/0012_activity_by_action.ts';
import * as auditNames from './migrations/0013_audit_names.ts';
import * as deletedPeopleBelongNowhere from './migrations/0014_deleted_people_belong_nowhere.ts';
import * as bigAccountsInTheStatistics from './migrations/0015_big_accounts_in_the_statistics.ts';
import * as membersWithTwoFa from './migrations/0016_members_with_two_fa.ts';
import * as twoFaMembersWithTheirFilters from './migrations/0017_two_fa_members_with_their_filters.ts';
import { PGliteThread } from './pglite-thread.ts';
import { countingDialect } from './round-trips.ts';
import { isBulkRead, takingTurns } from './turns.ts';
import type { Database } from './schema.ts';

export type Db = Kysely<Database>;
export type DialectName = 'pglite' | 'postgres';

export interface DatabaseOptions {
  /** A PostgreSQL URL; when absent the embedded PGlite database is used. */
  databaseUrl?: string;
  /** PGlite's folder, or `memory://`. */
  dataDir?: string;
  /** Milliseconds a query may run before PostgreSQL cancels it (and the BFF answers 503). */
  statementTimeoutMs?: number;
  /** Count statements and round trips per piece of work (server/db/round-trips.ts): tests. */
  countRoundTrips?: boolean;
}

/**
 * How long the BFF waits for PostgreSQL (API.md: "down or too slow: 503"). The server cancels a
 * query that runs too long itself; the client gives up a little later, for a server that does not
 * answer at all (a paused VM, a network partition, a frozen process: its sockets stay open, so
 * without a client-side limit a request would wait forever). A timed-out query makes its request
 * answer 503; the connection carries on once the server answers again, so the pool recovers by
 * itself. Migrations share these limits: a migration that needs longer must raise them.
 */
const STATEMENT_TIMEOUT_MS = 5_000;
const SILENT_SERVER_GRACE_MS = 1_000;
const CONNECTION_TIMEOUT_MS = 5_000;
/** TCP keepalive finds a peer that has gone away (not one that is merely paused) on idle sockets. */
const KEEPALIVE_DELAY_MS = 10_000;

export interface OpenDatabase {
  db: Db;
  dialect: DialectName;
  /** PostgreSQL's connection pool (for the metrics); none on PGlite. */
  pool?: pg.Pool;
  close(): Promise<void>;
}

/** Migrations in order; Kysely's Migrator records which ran and locks against concurrent starts. */
export const MIGRATIONS: Record<string, Migration> = {
  '0001_initial': initial,
  '0002_sessions': sessions,
  '0003_sign_in_throttling': signInThrottling,
  '0004_per_account_views': perAccountViews,
  '0005_login_history': loginHistory,
  '0006_gcore_cloud_shapes': gcoreCloudShapes,
  '0007_users_list_at_scale': usersListAtScale,
  '0009_two_fa_policy': twoFaPolicy,
  '0010_audit_trail': auditTrail,
  '0011_search_within_the_account': searchWithinTheAccount,
  '0012_activity_by_action': activityByAction,
  '0013_audit_names': auditNames,
  '0014_deleted_people_belong_nowhere': deletedPeopleBelongNowhere,
  '0015_big_accounts_in_the_statistics': bigAccountsInTheStatistics,
  '0016_members_with_two_fa': membersWithTwoFa,
  '0017_two_fa_members_with_their_filters': twoFaMembersWithTheirFilters,
};

export async function openDatabase(options: DatabaseOptions): Promise<OpenDatabase> {
  if (options.databaseUrl) {
    const statementTimeout = options.statementTimeoutMs ?? STATEMENT_TIMEOUT_MS;
    const pool = new pg.Pool({
      connectionString: options.databaseUrl,
      max: 10,
      // Also bounds the wait for a free connection while every one is busy.
      connectionTimeoutMillis: CONNECTION_TIMEOUT_MS,
      statement_timeout: statementTimeout,
      // No `query_timeout` here: preparedStatements gives each statement its own (pg's, or for a
      // long read's batch one of ours), since pg offers no way to lift the pool's for one query.
      keepAlive: true,
      keepAliveInitialDelayMillis: KEEPALIVE_DELAY_MS,
    });
    // An idle client losing its connection must not crash the process; the next query reports it.
    pool.on('error', () => {});
    const dialect = new PostgresDialect({
      pool: preparedStatements(pool, statementTimeout + SILENT_SERVER_GRACE_MS),
    });
    const db = new Kysely<Database>({
      dialect: options.countRoundTrips ? countingDialect(dialect) : dialect,
    });
    dialects.set(db, 'postgres');
    return { db, dialect: 'postgres', pool, close: () => db.destroy() };
  }
  // PGlite runs in a thread of its own, so a long query never holds this one's event loop. The
  // dialect calls only `query` and `close`, which the thread offers as PGlite does.
  const pglite = await PGliteThread.start(options.dataDir ?? './.data');
  // A short statement waits for at most one batch of a long read (turns.ts).
  const dialect = takingTurns(new PGliteDialect(pglite as unknown as PGlite));
  const db = new Kysely<Database>({
    dialect: options.countRoundTrips ? countingDialect(dialect) : dialect,
  });
  dialects.set(db, 'pglite');
  // What autovacuum would do on PostgreSQL (analyzeStaleTables); a failure is retried next time.
  const analyzing = setInterval(
    () => void analyzeStaleTables(db).catch(() => {}),
    ANALYZE_EVERY_MS,
  );
  analyzing.unref();
  return {
    db,
    dialect: 'pglite',
    close: () => {
      clearInterval(analyzing);
      return db.destroy();
    },
  };
}

/** Which database each open `Db` is: the few rules that differ between them read it here. */
const dialects = new WeakMap<Db, DialectName>();

/** How a long answer is read in pieces (the Users list without `limit`, docs/decisions/029). */
export interface ReadBatches {
  /** Rows per statement. */
  size: number;
  /** Whether the next batch is read while the current one is written (two held at most). */
  readAhead: boolean;
}

/**
 * PostgreSQL has a pool of connections, so a batch delays nobody: the next one is read while the
 * current one is written. Batches of 250 members: 400 statements for 100,000, and small enough
 * that a batch and the one read ahead, for several lists at once, are garbage before V8's young
 * generation has been collected twice (writing a member allocates about 5 kB; a collection comes
 * every 16 MB at most), so none of them is moved to the old generation, where garbage waits for a
 * full collection (docs/decisions/034). PGlite is one connection that every
 * other statement (even `/health`'s `select 1`) waits for: batches of a few milliseconds (about
 * 5 for 50 members), each read only when the client has taken the one before, and turns that let
 * short statements in between (turns.ts).
 */
export function readBatches(db: Db): ReadBatches {
  return dialects.get(db) === 'pglite'
    ? { size: 50, readAhead: false }
    : { size: 250, readAhead: true };
}

/** How often PGlite's tables are checked for statistics gone stale. */
const ANALYZE_EVERY_MS = 60_000;

/**
 * PGlite has no autovacuum, so nothing else gathers the planner's statistics there. Without them a
 * table of 100,000 rows is planned as one of a few hundred, and a batch of the Users list sorts the
 * whole account (470 ms instead of 2 on PGlite; docs/decisions/029). This applies autovacuum's
 * rule: a table is analysed when it never was (`reltuples` is -1), or when more rows changed since
 * than 50 plus a tenth of its rows (`autovacuum_analyze_threshold`, `_scale_factor`). Run after
 * migrations and the demo seed, and every minute on PGlite (a big import is seen within a minute);
 * the check is one small query. A no-op on PostgreSQL, whose autovacuum does this. Answers the
 * tables analysed.
 */
export async function analyzeStaleTables(db: Db): Promise<string[]> {
  if (dialects.get(db) !== 'pglite') return [];
  // Changes are counted in the shared statistics at most once a second; these counts are wanted now.
  await sql`select pg_stat_force_next_flush()`.execute(db);
  const { rows } = await sql<{ name: string }>`
    select c.relname as name from pg_class c join pg_stat_user_tables s on s.relid = c.oid
    where c.reltuples < 0 or s.n_mod_since_analyze > 50 + 0.1 * c.reltuples
    order by c.relname`.execute(db);
  for (const { name } of rows) await sql`analyze ${sql.id(name)}`.execute(db);
  return rows.map((row) => row.name);
}

/** A statement starting with this may run as long as it needs (a migration over big tables). */
export const LONG_STATEMENT = '/* long */ ';
/**
 * A statement starting with this is sent unnamed, so PostgreSQL plans it with its values each
 * time: one whose best plan hinges on them (a substring search: rare or common, decision 028),
 * where a generic plan, chosen after five runs of a named statement, may read a whole account.
 */
export const PLANNED_EACH_TIME = '/* planned each time */ ';
/** Distinct statements prepared per process at most; past it, the rest are sent unnamed. */
const PREPARED_STATEMENTS_MAX = 1000;
const preparedNames = new Map<string, string>();

/**
 * Kysely's pool, with every statement sent as a named prepared statement: PostgreSQL parses and
 * analyses each text once per connection instead of on every request (pg keeps the names per
 * connection and sends Parse only the first time). The SQL the BFF builds has a bounded number of
 * shapes (lists are `= any($1)` arrays), and a bound stops an unforeseen variety from filling
 * the server's memory.
 */
function preparedStatements(pool: pg.Pool, readTimeoutMs: number) {
  const nameOf = (text: string) => {
    let name = preparedNames.get(text);
    if (!name && preparedNames.size < PREPARED_STATEMENTS_MAX) {
      name = `um_${createHash('sha256').update(text).digest('base64url').slice(0, 24)}`;
      preparedNames.set(text, name);
    }
    return name;
  };
  return {
    async connect() {
      const client = await pool.connect();
      return {
        query(text: string, values: unknown[]) {
          if (text.startsWith(LONG_STATEMENT)) {
            // pg's client-side limit cannot be lifted per query (0 means "the pool's"): a day.
            return client.query({ text, values, query_timeout: 86_400_000 } as pg.QueryConfig);
          }
          const name = text.startsWith(PLANNED_EACH_TIME) ? undefined : nameOf(text);
          if (isBulkRead())
            return readWithoutLateCallback(client, { text, values, name }, readTimeoutMs);
          return client.query({
            text,
            values,
            name,
            query_timeout: readTimeoutMs,
          } as pg.QueryConfig);
        },
        release: () => client.release(),
      } as unknown as pg.PoolClient;
    },
    end: () => pool.end(),
  };
}

/**
 * A long read's batch (`asBulkRead`: the Users list without `limit`), handed to pg with its
 * callback and timed here. pg's promise and its `query_timeout` each wrap the query's callback in a
 * new function after the query is made; with that, every row of every batch outlived V8's
 * young-generation collections and was moved to the old generation, as garbage that only a full
 * collection frees: about 550 bytes per member listed, the resident peak growing with the lists at
 * once (docs/decisions/034, measured by the memory bench). Called this way, they die young. The
 * limit is the same as other statements': a batch still waiting for a silent server fails as they
 * do ('Query read timeout', a 503). A select timed out before it was sent stays in the connection's
 * queue and runs once the server answers again; its rows are dropped.
 */
function readWithoutLateCallback(
  client: pg.PoolClient,
  config: pg.QueryConfig,
  timeoutMs: number,
): Promise<pg.QueryResult> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('Query read timeout')), timeoutMs);
    client.query(config, (error: Error | null, result: pg.QueryResult) => {
      clearTimeout(timer);
      if (error) reject(error);
      else resolve(result);
    });
  });
}

/**
 * Runs the migrations not run yet: all of them, or (`upTo`, for tests of an upgrade) those up to
 * and including the one of that name, as a database of an earlier version has them.
 */
export async function migrate(db: Kysely<Database>, upTo?: string): Promise<void> {
  const migrator = new Migrator({ db, provider: { getMigrations: async () => MIGRATIONS } });
  const { error, results } = await (upTo ? migrator.migrateTo(upTo) : migrator.migrateToLatest());
  if (error) {
    const failed = results?.find((result) => result.status === 'Error');
    throw new Error(`migration ${failed?.migrationName ?? '?'} failed: ${String(error)}`, {
      cause: error,
    });
  }
}

/** How many migrations have not run yet (readiness: a replica is ready only when none is left). */
export async function pendingMigrations(db: Kysely<Database>): Promise<number> {
  const migrator = new Migrator({ db, provider: { getMigrations: async () => MIGRATIONS } });
  return (await migrator.getMigrations()).filter((m) => !m.executedAt).length;
}

/** pg answers `count(*)` as a string (bigint), PGlite as a number. */
export function toCount(value: string | number | bigint): number {
  return Number(value);
}
