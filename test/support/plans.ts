import { CompiledQuery, type Kysely } from 'kysely';

/**
 * The plan of a statement as the BFF sends it (its text and bound parameters), a line each:
 * `explain` by default, or `explain (analyze, …)` to see what ran.
 */
export async function planLines<DB>(
  db: Kysely<DB>,
  statement: CompiledQuery,
  explain = 'explain',
): Promise<string[]> {
  const { rows } = await db.executeQuery<{ 'QUERY PLAN': string }>(
    CompiledQuery.raw(`${explain} ${statement.sql}`, [...statement.parameters]),
  );
  return rows.map((row) => row['QUERY PLAN']);
}
