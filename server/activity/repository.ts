import { sql } from 'kysely';
import type { ActivityEntry, ActivityQuery } from '../../shared/activity.ts';
import { toCount, type Db } from '../db/connect.ts';
import { containing } from '../users/list-query.ts';

/**
 * The account's audit rows as the Activity panel asks for them. Rows stay here; the routes get
 * `ActivityEntry` objects (the API's shape) and never see a table.
 */

export type ActivityFilters = Omit<ActivityQuery, 'limit' | 'offset' | 'format'>;

/** One account's rows matching the filters, with the API token each was made through. */
function matching(db: Db, accountId: number, f: ActivityFilters) {
  let q = db
    .selectFrom('audit_log as a')
    .leftJoin('api_tokens as t', (join) =>
      join.onRef('t.id', '=', 'a.actor_token_id').onRef('t.account_id', '=', 'a.account_id'),
    )
    .where('a.account_id', '=', accountId);
  if (f.actor_id !== undefined) q = q.where('a.actor_user_id', '=', f.actor_id);
  if (f.actor) {
    const pattern = containing(f.actor);
    q = q.where((eb) =>
      eb.or([
        eb(eb.fn('lower', ['a.actor_email']), 'like', pattern),
        eb(eb.fn('lower', ['a.actor_name']), 'like', pattern),
      ]),
    );
  }
  if (f.action?.length) q = q.where('a.action', 'in', f.action);
  if (f.target_type) q = q.where('a.target_type', '=', f.target_type);
  if (f.target_id) q = q.where('a.target_id', '=', f.target_id);
  if (f.target) {
    const pattern = containing(f.target);
    const exact = f.target;
    q = q.where((eb) =>
      eb.or([
        eb(eb.fn('lower', ['a.target_email']), 'like', pattern),
        eb(eb.fn('lower', ['a.target_name']), 'like', pattern),
        eb('a.target_id', '=', exact),
      ]),
    );
  }
  if (f.user_id !== undefined) {
    const userId = f.user_id;
    // A member's history: what they did, and what was done to them.
    q = q.where((eb) =>
      eb.or([
        eb('a.actor_user_id', '=', userId),
        eb.and([eb('a.target_type', '=', 'user'), eb('a.target_id', '=', String(userId))]),
      ]),
    );
  }
  if (f.date_from) q = q.where('a.occurred_at', '>=', f.date_from);
  if (f.date_to) q = q.where('a.occurred_at', '<', f.date_to);
  return q;
}

function selectEntries(q: ReturnType<typeof matching>) {
  return q.select([
    'a.id',
    'a.occurred_at',
    // Exact to the microsecond (a Date keeps milliseconds): the export's cursor compares it.
    sql<string>`a.occurred_at::text`.as('cursor_at'),
    'a.action',
    'a.actor_user_id',
    'a.actor_name',
    'a.actor_email',
    'a.via',
    'a.actor_token_id',
    't.name as token_name',
    'a.target_type',
    'a.target_id',
    'a.target_name',
    'a.target_email',
    'a.ip',
    'a.request_id',
    'a.details',
  ]);
}

type EntryRow = Awaited<ReturnType<ReturnType<typeof selectEntries>['execute']>>[number];

function toEntry(row: EntryRow): ActivityEntry {
  return {
    id: Number(row.id),
    date: row.occurred_at.toISOString(),
    action: row.action,
    actor:
      row.actor_user_id === null
        ? null
        : { id: row.actor_user_id, name: row.actor_name, email: row.actor_email },
    via: row.via,
    token:
      row.actor_token_id === null ? null : { id: row.actor_token_id, name: row.token_name ?? null },
    target:
      row.target_type === null
        ? null
        : {
            type: row.target_type,
            id: row.target_id,
            name: row.target_name,
            email: row.target_email,
          },
    ip: row.ip,
    request_id: row.request_id,
    details: (row.details ?? {}) as Record<string, unknown>,
  };
}

/** One page, newest first, and how many rows match in all. */
export async function activityPage(
  db: Db,
  accountId: number,
  filters: ActivityFilters,
  page: { limit: number; offset: number },
): Promise<{ count: number; results: ActivityEntry[] }> {
  const q = matching(db, accountId, filters);
  const [rows, total] = await Promise.all([
    selectEntries(q)
      .orderBy('a.occurred_at', 'desc')
      .orderBy('a.id', 'desc')
      .limit(page.limit)
      .offset(page.offset)
      .execute(),
    q.select((eb) => eb.fn.countAll<string | number>().as('count')).executeTakeFirstOrThrow(),
  ]);
  return { count: toCount(total.count), results: rows.map(toEntry) };
}

/**
 * Every matching row, newest first, a batch at a time: a batch starts after the last row of the
 * one before (a keyset, not an offset, so a long export does not read its start again and again,
 * and rows written meanwhile neither shift nor repeat it). Only one batch is in memory.
 */
export async function* allActivity(
  db: Db,
  accountId: number,
  filters: ActivityFilters,
  batchSize = 500,
): AsyncGenerator<ActivityEntry[]> {
  let after: { at: string; id: string } | undefined;
  for (;;) {
    let q = matching(db, accountId, filters);
    if (after) {
      const { at, id } = after;
      q = q.where(sql<boolean>`(a.occurred_at, a.id) < (${at}::timestamptz, ${id}::bigint)`);
    }
    const rows = await selectEntries(q)
      .orderBy('a.occurred_at', 'desc')
      .orderBy('a.id', 'desc')
      .limit(batchSize)
      .execute();
    if (rows.length === 0) return;
    yield rows.map(toEntry);
    if (rows.length < batchSize) return;
    const last = rows.at(-1)!;
    after = { at: last.cursor_at, id: String(last.id) };
  }
}
