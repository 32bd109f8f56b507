import { sql, type Kysely } from 'kysely';
import { LONG_STATEMENT } from '../connect.ts';

/**
 * A big account's filtered Users list statements carry its id in their text and keep one generic
 * plan (docs/decisions/040-a-big-accounts-statements-are-its-own.md). That plan is right only if
 * PostgreSQL knows how many members the account has, which it reads from the list of the most
 * common `account_id` values that `analyze` keeps. By default that list holds 100 values, drawn
 * from a sample of 30,000 rows: in a table of tens of millions of memberships an account of
 * 10,000 members may miss it, and be planned as an average one (a sort of all its members where a
 * walk of an index reads a page). A thousand values from a sample of 300,000 rows keep every
 * account of 10,000 members or more in the list up to about a hundred million memberships.
 */
const statements = [
  `alter table memberships alter column account_id set statistics 1000`,
  `analyze memberships`,
];

export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`set local statement_timeout = 0`.execute(db);
  for (const statement of statements) await sql.raw(LONG_STATEMENT + statement).execute(db);
}
