import { sql, type Kysely } from 'kysely';
import { LONG_STATEMENT } from '../connect.ts';

/**
 * The Activity panel's action filter reads the account's rows of that action only
 * (docs/decisions/038-the-audit-trail-at-any-size.md). Through `audit_log_account` a rare action
 * (a 2FA reset asked for, one row in thousands) walked the whole trail for a page and again for
 * its count: 150 ms at a million rows. One action's rows come out of this index newest first,
 * so a page is a short range of it and the bounded count stops at 1,001 of them.
 */
const statements = [
  `create index if not exists audit_log_account_action
     on audit_log (account_id, action, occurred_at desc)`,
  `analyze audit_log`,
];

export async function up(db: Kysely<unknown>): Promise<void> {
  // Millions of audit rows take longer to index than a request may (server/db/connect.ts).
  await sql`set local statement_timeout = 0`.execute(db);
  for (const statement of statements) await sql.raw(LONG_STATEMENT + statement).execute(db);
}
