import { sql, type Kysely } from 'kysely';
import { LONG_STATEMENT } from '../connect.ts';

/**
 * The Users list's `two_fa=true` (joined members with a second factor) by an index of their own,
 * in id order (docs/decisions/040-a-big-accounts-statements-are-its-own.md). Its bounded count
 * walked the account's members up to 1,001 matches, reading each row to see its 2FA: about 8,800
 * rows in the bench's account of 100,000, where one in nine has 2FA (4.1 ms of 4.4). The index
 * holds only those members: the count reads 1,001 of its entries, and a page in id order walks it.
 */
const statements = [
  `create index if not exists memberships_two_fa_by_id
     on memberships (account_id, (user_id::bigint), user_id)
     where accepted_at is not null and two_fa`,
];

export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`set local statement_timeout = 0`.execute(db);
  for (const statement of statements) await sql.raw(LONG_STATEMENT + statement).execute(db);
}
