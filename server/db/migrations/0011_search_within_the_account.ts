import { sql, type Kysely } from 'kysely';
import { LONG_STATEMENT } from '../connect.ts';

/**
 * Substring searches of the Users list (email, name) read the account's own rows only
 * (docs/decisions/028-panel-paging-by-keyset.md). The trigram indexes of migration 0007 spanned
 * every tenant, and the trigrams every address shares ("use", "com", "ben") are in a million rows:
 * a rare search read those lists whole. Here each membership's keys are its trigrams tagged with
 * its account and the field (`'42:e:use'`), in one GIN index (core array operators, no
 * extension): a key's list holds one account's rows, so a search in a small account reads small
 * lists, and in the big one the rarest trigram's list bounds the work.
 *
 * The keys are every three-character run of what the list filters on (the copies of migration
 * 0007, the only thing the `like` compares), so a row that contains the search text holds every
 * key of the text: the index never loses a match, and the `like` beside it keeps the answer exact.
 */
const statements = [
  `create function member_search_keys(account integer, email text, name text) returns text[]
     language sql immutable parallel safe as $$
     select array(
       select account || ':e:' || substr(email, i, 3) from generate_series(1, length(email) - 2) i
       union all
       select account || ':n:' || substr(name, i, 3) from generate_series(1, length(name) - 2) i)
   $$`,
  `create index memberships_search on memberships
     using gin (member_search_keys(account_id, sort_email, sort_name))`,
  // Replaced by the index above (the id's trigram index stays: ids are short and few).
  `drop index memberships_email_trgm`,
  `drop index memberships_name_trgm`,
  `analyze memberships`,
];

export async function up(db: Kysely<unknown>): Promise<void> {
  // A million memberships' keys take longer than a request may (server/db/connect.ts).
  await sql`set local statement_timeout = 0`.execute(db);
  for (const statement of statements) await sql.raw(LONG_STATEMENT + statement).execute(db);
}
