import { sql, type RawBuilder } from 'kysely';
import { ACTIVITY_COUNT_BOUND } from '../../shared/activity-count.ts';
import {
  ACTIVITY_CURSOR_MESSAGE,
  type ActivityEntry,
  type ActivityQuery,
} from '../../shared/activity.ts';
import { BEFORE, encodeCursor } from '../../shared/users-cursor.ts';
import { PLANNED_EACH_TIME, toCount, type Db } from '../db/connect.ts';
import { AppError } from '../errors.ts';
import type { PageCursors } from '../http/page-links.ts';
import { containing, searchKeys } from '../users/list-query.ts';

/**
 * The account's audit rows as the Activity panel asks for them. Rows stay here; the routes get
 * `ActivityEntry` objects (the API's shape) and never see a table.
 *
 * An account's trail only grows (every sign-in is a row), so nothing here reads all of it for a
 * page (docs/decisions/038-the-audit-trail-at-any-size.md): a page is a range of the index
 * `(account_id, occurred_at desc)`, reached by a keyset cursor from the page beside it, and the
 * count stops at ACTIVITY_COUNT_BOUND + 1 matching rows.
 */

export type ActivityFilters = Omit<ActivityQuery, 'limit' | 'offset' | 'format' | 'cursor'>;

/** The filters as conditions on `a`, an audit row of the account. */
function filterSql(f: ActivityFilters): RawBuilder<unknown>[] {
  const where: RawBuilder<unknown>[] = [];
  if (f.actor_id !== undefined) where.push(sql`a.actor_user_id = ${f.actor_id}`);
  if (f.actor) {
    const pattern = containing(f.actor);
    where.push(sql`(lower(a.actor_email) like ${pattern} or lower(a.actor_name) like ${pattern})`);
  }
  if (f.action?.length) where.push(sql`a.action in (${sql.join(f.action)})`);
  if (f.target_type) where.push(sql`a.target_type = ${f.target_type}`);
  if (f.target_id) where.push(sql`a.target_id = ${f.target_id}`);
  if (f.target) {
    const pattern = containing(f.target);
    where.push(
      sql`(lower(a.target_email) like ${pattern} or lower(a.target_name) like ${pattern}
           or a.target_id = ${f.target})`,
    );
  }
  // A member's history: what they did, and what was done to them.
  if (f.user_id !== undefined) {
    where.push(
      sql`(a.actor_user_id = ${f.user_id}
           or (a.target_type = 'user' and a.target_id = ${String(f.user_id)}))`,
    );
  }
  if (f.date_from) where.push(sql`a.occurred_at >= ${f.date_from}`);
  if (f.date_to) where.push(sql`a.occurred_at < ${f.date_to}`);
  return where;
}

/**
 * A row `n` of migration 0013's names whose email or name contains `text`: by the search keys of
 * the Users list (`searchKeys`, migration 0011) where the text has them, then the `like`.
 */
function namesContaining(accountId: number, text: string): RawBuilder<unknown> {
  const pattern = containing(text);
  const like = sql`(lower(n.email) like ${pattern} or lower(n.name) like ${pattern})`;
  const [inEmail, inName] = [
    searchKeys({ email: text }, accountId),
    searchKeys({ name: text }, accountId),
  ];
  if (!inEmail || !inName) return like;
  const keys = sql`member_search_keys(n.account_id, lower(n.email), lower(n.name))`;
  return sql`(${keys} @> ${inEmail} or ${keys} @> ${inName}) and ${like}`;
}

/** Up to this many people or objects named by a text filter, their rows are read by their ids. */
const NAMED_FEW = 200;

/**
 * A text filter's other way to the rows (migration 0013): the actors or targets whose names match,
 * then their rows by id. `few` says whether they are few enough for it; past NAMED_FEW, walking
 * the trail in order meets a page of matches sooner than reading and sorting all their rows. The
 * actor's text where both are given (the other's `like` still applies).
 */
function namedSql(accountId: number, f: ActivityFilters) {
  const named = f.actor
    ? {
        ids: sql`select n.user_id from audit_actor_names n
                 where n.account_id = ${accountId} and ${namesContaining(accountId, f.actor)}`,
        rows: (ids: RawBuilder<unknown>) => sql`a.actor_user_id in (${ids})`,
      }
    : f.target
      ? {
          // A row without a target id has no target name either (server/audit.ts).
          ids: sql`select n.target_type, n.target_id from audit_target_names n
                   where n.account_id = ${accountId}
                     and (n.target_id = ${f.target} or ${namesContaining(accountId, f.target)})`,
          rows: (ids: RawBuilder<unknown>) => sql`(a.target_type, a.target_id) in (${ids})`,
        }
      : undefined;
  if (!named) return undefined;
  return {
    /** The statement's CTE `named_gate`, evaluated once for every way that asks it. */
    gate: sql`named_gate as materialized (
      select count(*) <= ${NAMED_FEW} as few from (${named.ids} limit ${NAMED_FEW + 1}) f)`,
    few: sql`(select few from named_gate)`,
    rows: named.rows(named.ids),
  };
}

/**
 * The account's audit rows that `where` selects, as a table `a`; `first`, only the first rows in
 * the page's order, as many as it may need. With a text filter, two ways of which one runs (`few`,
 * evaluated once, gates each): by the named ids, or the walk; each stops at `first` by itself,
 * where an append of the two would be sorted whole.
 */
function matchingRows(
  named: ReturnType<typeof namedSql>,
  where: RawBuilder<unknown>[],
  first?: { order: RawBuilder<unknown>; rows: number },
) {
  const select = (...conditions: RawBuilder<unknown>[]) =>
    sql`(select * from audit_log a where ${sql.join(conditions, sql` and `)}
         ${first ? sql`order by a.occurred_at ${first.order}, a.id ${first.order} limit ${first.rows}` : sql``})`;
  if (!named) return select(...where);
  return sql`(${select(...where, named.rows, named.few)}
              union all
              ${select(...where, sql`not ${named.few}`)})`;
}

/** Where a page starts: after a row (older rows) or, `backward`, before it (newer rows). */
interface Seek {
  at: string;
  id: string;
  backward: boolean;
}

/**
 * A cursor is base64url JSON: `[time, id]` starts the page after that row, `['<', time, id]` ends
 * it before that row (the page before). The time is the row's, in UTC to the microsecond (a
 * `Date` keeps milliseconds, and rows of one transaction share their time).
 */
function cursorOf(row: { cursor_at: string; id: string | number }, before = false): string {
  const at = [row.cursor_at, String(row.id)];
  return encodeCursor(before ? [BEFORE, ...at] : at);
}

/** The largest `bigint`: an id past it would be PostgreSQL's error, not ours. */
const BIGINT_MAX = 2n ** 63n - 1n;

/** A `cursor` from a `next` or `previous` link; a garbled one is 400 naming `cursor`. */
function seekOf(cursor: string): Seek {
  const bad = () =>
    new AppError('validation_failed', 'Invalid input.', { cursor: [ACTIVITY_CURSOR_MESSAGE] });
  let decoded: unknown;
  try {
    decoded = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
  } catch {
    throw bad();
  }
  if (!Array.isArray(decoded)) throw bad();
  const backward = decoded[0] === BEFORE;
  const [at, id] = backward ? decoded.slice(1) : decoded;
  const valid =
    decoded.length === (backward ? 3 : 2) &&
    typeof at === 'string' &&
    isTimestampText(at) &&
    typeof id === 'string' &&
    /^[1-9]\d{0,18}$/.test(id) &&
    BigInt(id) <= BIGINT_MAX;
  if (!valid) throw bad();
  return { at, id, backward };
}

/**
 * A cursor's time as `pageSql` writes it (`2026-12-07 07:12:11.514926+00`: UTC, microseconds,
 * whatever the session's DateStyle and TimeZone), and one PostgreSQL will read: the pattern lets
 * through February 30th, which the database would refuse.
 */
function isTimestampText(text: string): boolean {
  const parts = /^(\d{4})-(\d{2})-(\d{2}) (\d{2}):(\d{2}):(\d{2})\.\d{6}\+00$/.exec(text);
  if (!parts) return false;
  const [year, month, day, hour, minute, second] = parts.slice(1).map(Number) as [
    number,
    number,
    number,
    number,
    number,
    number,
  ];
  const date = new Date(Date.UTC(year, month - 1, day));
  return (
    date.getUTCFullYear() === year &&
    date.getUTCMonth() === month - 1 &&
    date.getUTCDate() === day &&
    hour < 24 &&
    minute < 60 &&
    second < 60
  );
}

/**
 * One statement: the page's rows (one more than `limit`, which says whether another page lies
 * that way), each with the count of the matches up to the bound, or the rows alone (an export's
 * batches). Newest first; `backward`, oldest first from the cursor (the caller turns them back).
 */
export function pageSql(o: {
  accountId: number;
  filters: ActivityFilters;
  limit: number;
  offset: number;
  seek: Seek | undefined;
  count: boolean;
}) {
  const where = filterSql(o.filters);
  const named = namedSql(o.accountId, o.filters);
  const seek = o.seek;
  const order = seek?.backward ? sql`asc` : sql`desc`;
  const keyset = !seek
    ? []
    : seek.backward
      ? [
          // The first condition is the index's: the second alone would be a filter of every row.
          sql`a.occurred_at >= ${seek.at}::timestamptz`,
          sql`(a.occurred_at, a.id) > (${seek.at}::timestamptz, ${seek.id}::bigint)`,
        ]
      : [
          sql`a.occurred_at <= ${seek.at}::timestamptz`,
          sql`(a.occurred_at, a.id) < (${seek.at}::timestamptz, ${seek.id}::bigint)`,
        ];
  const rows = matchingRows(named, [sql`a.account_id = ${o.accountId}`, ...where, ...keyset], {
    order,
    rows: o.limit + o.offset,
  });
  // The cursor's time in UTC to the microsecond, whatever the session's DateStyle and TimeZone.
  // The offset is skipped before the token's name is joined: joined first, `offset=500000` looked
  // up a token for each of the 500,000 rows it skipped (1.5 s instead of 0.6).
  const page = sql`select a.id, a.occurred_at,
      to_char(a.occurred_at at time zone 'UTC', 'YYYY-MM-DD HH24:MI:SS.US') || '+00' as cursor_at,
      a.action,
      a.actor_user_id, a.actor_name, a.actor_email, a.via, a.actor_token_id, t.name as token_name,
      a.target_type, a.target_id, a.target_name, a.target_email, a.ip, a.request_id, a.details
    from (select * from ${rows} a order by a.occurred_at ${order}, a.id ${order}
          limit ${o.limit} offset ${o.offset}) a
    left join api_tokens t on t.id = a.actor_token_id and t.account_id = a.account_id
    order by a.occurred_at ${order}, a.id ${order}`;
  // A text's best plan hinges on the text (which way runs is chosen anyway, but each way's plan is
  // made for the values): planned each time, never as a generic plan of a named statement.
  const planned = sql.raw(named ? PLANNED_EACH_TIME : '');
  const gate = named ? sql`${named.gate},` : sql``;
  if (!o.count) {
    return sql<EntryRow & { total?: undefined }>`${planned}with ${gate} page as (${page})
      select * from page order by occurred_at ${order}, id ${order}`;
  }
  // The matches are walked from the account's row, as the Users list's count is (decision 021):
  // told a big account's id, PostgreSQL may read the table in its own order, hoping to meet the
  // bound early.
  const matches = matchingRows(named, [sql`a.account_id = hc.id`, ...where]);
  return sql<EntryRow & { total: string | number }>`${planned}with ${gate} page as (${page})
    select p.*, c.total
    from (select count(*) as total
          from accounts hc,
               lateral (select 1 from ${matches} a limit ${ACTIVITY_COUNT_BOUND + 1}) h
          where hc.id = ${o.accountId}) c
    left join page p on true
    order by p.occurred_at ${order}, p.id ${order}`;
}

interface EntryRow {
  id: string;
  occurred_at: Date;
  cursor_at: string;
  action: string;
  actor_user_id: number | null;
  actor_name: string | null;
  actor_email: string | null;
  via: ActivityEntry['via'];
  actor_token_id: number | null;
  token_name: string | null;
  target_type: string | null;
  target_id: string | null;
  target_name: string | null;
  target_email: string | null;
  ip: string | null;
  request_id: string | null;
  details: unknown;
}

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

export interface ActivityPageRows extends PageCursors {
  /** Exact up to ACTIVITY_COUNT_BOUND; past it, one more. */
  count: number;
  results: ActivityEntry[];
}

/**
 * One page, newest first, and the count of the matches up to the bound. From a `cursor`, the
 * page starts after its row (or ends before it), and `offset` is only the number the links
 * carry on; without one, the page starts `offset` rows in.
 */
export async function activityPage(
  db: Db,
  accountId: number,
  filters: ActivityFilters,
  page: { limit: number; offset: number; cursor?: string | undefined },
): Promise<ActivityPageRows> {
  const seek = page.cursor === undefined ? undefined : seekOf(page.cursor);
  const { rows: all } = await pageSql({
    accountId,
    filters,
    // One more than asked: whether a page lies beyond, without counting.
    limit: page.limit + 1,
    offset: seek ? 0 : page.offset,
    seek,
    count: true,
  }).execute(db);
  const rows = all.filter((row) => row.id !== null);
  const backward = seek?.backward ?? false;
  const more = rows.length > page.limit;
  const shown = rows.slice(0, page.limit);
  if (backward) shown.reverse();
  const [first, last] = [shown.at(0), shown.at(-1)];
  // Forward, rows lie before the page when it starts after one or past an offset; backward, rows
  // lie after it (it ends before its cursor's row).
  const before = backward ? more : seek !== undefined || page.offset > 0;
  const after = backward || more;
  return {
    count: toCount(all[0]?.total ?? 0),
    results: shown.map(toEntry),
    nextCursor: after && last ? cursorOf(last) : undefined,
    previousCursor: before && first ? cursorOf(first, true) : undefined,
    backward,
  };
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
  let seek: Seek | undefined;
  for (;;) {
    const { rows } = await pageSql({
      accountId,
      filters,
      limit: batchSize,
      offset: 0,
      seek,
      count: false,
    }).execute(db);
    if (rows.length === 0) return;
    yield rows.map(toEntry);
    if (rows.length < batchSize) return;
    const last = rows.at(-1)!;
    seek = { at: last.cursor_at, id: String(last.id), backward: false };
  }
}
