import { sql, type Kysely } from 'kysely';
import { LONG_STATEMENT } from '../connect.ts';

/**
 * The index of members with 2FA (migration 0016) carries the two filters the panel combines with
 * `two_fa=true` most, the language and the role, so that a count of such a combination reads the
 * index alone. Without them, `two_fa=true&lang=de` counted its bound of 1,001 matches by reading
 * the rows of 5,300 members with 2FA in the bench's account of 100,000 (one in nine has 2FA, one in
 * four of those speaks German): 1.2 ms of the statement's 2.1. With them it reads 5,300 entries of
 * this index, 0.45 ms (docs/decisions/040). The new index is built under a name of its own before
 * the old one goes: building holds writes of memberships, not reads, and dropping takes the table
 * for a moment only, at the end (docs/deploy.md builds it beforehand, concurrently, on big tables).
 */
const statements = [
  `create index if not exists memberships_two_fa_with_filters
     on memberships (account_id, (user_id::bigint), user_id) include (sort_lang, role_id)
     where accepted_at is not null and two_fa`,
  `drop index if exists memberships_two_fa_by_id`,
];

export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`set local statement_timeout = 0`.execute(db);
  for (const statement of statements) await sql.raw(LONG_STATEMENT + statement).execute(db);
}
