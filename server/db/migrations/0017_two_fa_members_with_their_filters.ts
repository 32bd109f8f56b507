import { sql, type Kysely } from 'kysely';
import { LONG_STATEMENT } from '../connect.ts';

/**
 * The index of members with 2FA (migration 0016) carries the two filters the panel combines with
 * `two_fa=true` most, the language and the role, so that a count of such a combination reads the
 * index alone. Without them, `two_fa=true&lang=de` counted its bound of 1,001 matches by reading
 * the rows of about 5,300 members with 2FA in the bench's account of 100,000 (one in seven has 2FA,
 * about one in five of those who joined speaks German): 1.2 ms of the statement's 1.9 in `EXPLAIN
 * ANALYZE`, 0.5 ms from the index alone (docs/decisions/040).
 *
 * The new index is built under a name of its own, then the old one dropped. Building holds writes
 * of memberships, not reads. Dropping takes the table whole, so it waits for the statements
 * reading it, and every read after it waits behind it: at most `DROP_WAIT`, after which the
 * migration fails (and runs again at the next start) rather than stall the API behind a long
 * transaction. docs/deploy.md builds the index beforehand on big tables, concurrently; a build
 * that failed that way leaves an invalid index, which `if not exists` would take as done, so such
 * an index is dropped and built again here.
 */
const NEW_INDEX = 'memberships_two_fa_with_filters';
const DROP_WAIT = '3s';

export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`set local statement_timeout = 0`.execute(db);
  const { rows } = await sql<{ valid: boolean }>`
    select indisvalid as valid from pg_index where indexrelid = to_regclass(${NEW_INDEX})`.execute(
    db,
  );
  if (rows[0]?.valid === false) await sql`drop index ${sql.id(NEW_INDEX)}`.execute(db);
  await sql
    .raw(
      `${LONG_STATEMENT}create index if not exists ${NEW_INDEX}
         on memberships (account_id, (user_id::bigint), user_id) include (sort_lang, role_id)
         where accepted_at is not null and two_fa`,
    )
    .execute(db);
  await sql.raw(`set local lock_timeout = '${DROP_WAIT}'`).execute(db);
  await sql`drop index if exists memberships_two_fa_by_id`.execute(db);
  // Migrations run in one transaction: the next one's statements wait as long as they need.
  await sql`set local lock_timeout = default`.execute(db);
}
