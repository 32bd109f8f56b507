import { sql, type RawBuilder } from 'kysely';
import { IAM_ROLES } from '../../shared/roles.ts';
import type { UsersQuery } from '../../shared/users.ts';
import { BEFORE, encodeCursor } from '../../shared/users-cursor.ts';
import { PLANNED_EACH_TIME } from '../db/connect.ts';
import { AppError } from '../errors.ts';

/**
 * The SQL of the Users list (docs/decisions/022-users-list-paging-and-round-trips.md). A page is
 * sought on the account's memberships alone, along the index of its ordering (migration 0007),
 * by keyset (`cursor`) or `offset`; only the page's rows are then joined to users, accounts and
 * Cloud roles. The count comes in the same statement (docs/decisions/021-the-users-count.md).
 */

export type Ordering = NonNullable<UsersQuery['ordering']>;
type Field = 'id' | 'email' | 'name' | 'role' | 'lang' | 'status';
type KeyValue = string | boolean | number;

/** Counted exactly up to here when a filter applies; past it, estimated. */
export const EXACT_COUNT_BOUND = 1000;
/** Rows of a page planned once (decision 033): the panel's largest page and one more. */
const PLANNED_ONCE_ROWS = 101;
/** Members in id order whose share matching the filters makes the estimate. */
const ESTIMATE_SAMPLE = 2000;
/**
 * From this many members, an account's filtered statements carry its id in their text and keep
 * one plan (decision 040); smaller accounts' carry it as a value and are planned as before.
 */
export const BIG_ACCOUNT_MEMBERS = 10_000;

const roleName = sql`(case m.role_id ${sql.join(
  IAM_ROLES.map((role) => sql`when ${sql.lit(role.id)} then ${sql.lit(role.name)}`),
  sql` `,
)} end)`;

/** What each ordering sorts by before the id (each list matches an index of migration 0007). */
const SORT_KEYS: Record<Exclude<Field, 'status'>, { sql: RawBuilder<unknown>; type: string }[]> = {
  // As bigint: only the index of migration 0007 has this order. Ordered by plain user_id, the
  // planner may walk every account's members by id (the user_id index) to find this account's.
  id: [{ sql: sql`(m.user_id::bigint)`, type: 'bigint' }],
  email: [{ sql: sql`m.sort_email`, type: 'text' }],
  // Names missing sort last ascending, first descending, as before.
  name: [
    { sql: sql`(m.sort_name is null)`, type: 'boolean' },
    { sql: sql`coalesce(m.sort_name, '')`, type: 'text' },
  ],
  role: [{ sql: roleName, type: 'text' }],
  lang: [{ sql: sql`m.sort_lang`, type: 'text' }],
};

/** Status ordering: 0 active, 1 invitation expired, 2 not activated, as the words sort. */
function statusCondition(status: number, now: Date) {
  if (status === 0) return sql`m.accepted_at is not null`;
  if (status === 1) return sql`m.accepted_at is null and m.invitation_expires_at <= ${now}`;
  return sql`m.accepted_at is null and (m.invitation_expires_at is null or m.invitation_expires_at > ${now})`;
}

/** A member's status as the ordering ranks it. */
const statusRank = (now: Date) =>
  sql`(case when ${statusCondition(0, now)} then 0 when ${statusCondition(1, now)} then 1 else 2 end)`;

/** `like` pattern for a substring, with the user's `%`, `_` and `\` taken literally. */
export function containing(text: string): string {
  return `%${text.toLowerCase().replace(/[\\%_]/g, (char) => `\\${char}`)}%`;
}

/**
 * A member who does not comply with the account's 2FA requirement (docs/decisions/026): the
 * account requires it, they have joined and have no second factor (invitees are bound once they
 * join). The one definition: the Users list's filter, the count of the Account panel and the
 * reminder's recipients use it. On the membership alone, as the list's filters are.
 */
export const notComplyingWithTwoFa = sql<boolean>`(m.accepted_at is not null and not m.two_fa
  and exists (select 1 from accounts r where r.id = m.account_id and r.require_2fa_since is not null))`;

/**
 * The filters, on the membership alone (migration 0007 copies what they need onto it).
 * `planFree`: a big account's statement, planned once for every value (`listSql`). Its substring
 * filters are then `strpos(…) > 0`, which contains what `like '%…%'` does, but whose share of the
 * members the planner cannot estimate from the text: it takes a third, with the text or without.
 * A plan made with the text is then the plan made without it, so PostgreSQL keeps the latter; and
 * a third is what makes walking the ordering's index look right, as it is for every text that
 * takes that way (a rare one takes the search index, chosen when the statement runs).
 */
export function filterSql(filters: UsersQuery, now: Date, planFree = false): RawBuilder<unknown>[] {
  const where: RawBuilder<unknown>[] = [];
  const contains = (column: RawBuilder<unknown>, text: string) =>
    planFree
      ? sql`strpos(${column}, ${text.toLowerCase()}) > 0`
      : sql`${column} like ${containing(text)}`;
  if (filters.id) where.push(contains(sql`cast(m.user_id as text)`, filters.id));
  if (filters.email) where.push(contains(sql`m.sort_email`, filters.email));
  if (filters.name) where.push(contains(sql`m.sort_name`, filters.name));
  if (filters.role?.length) where.push(sql`m.role_id = any(${filters.role}::int[])`);
  if (filters.lang?.length) where.push(sql`m.sort_lang = any(${filters.lang}::text[])`);
  const statuses = filters.status ?? [];
  if (statuses.length) {
    const codes = [...new Set(statuses.map((s) => STATUS_CODES[s]))];
    where.push(
      sql`(${sql.join(
        codes.map((code) => sql`(${statusCondition(code, now)})`),
        sql` or `,
      )})`,
    );
  }
  if (filters.two_fa !== undefined) {
    // As the list shows it: a second factor counts only for members who have joined.
    const activated = sql`(m.accepted_at is not null and m.two_fa)`;
    where.push(filters.two_fa ? activated : sql`not ${activated}`);
  }
  if (filters.two_fa_compliant !== undefined) {
    // Compliant: joined, and either 2FA is not required or it is on.
    where.push(
      filters.two_fa_compliant
        ? sql`(m.accepted_at is not null and not ${notComplyingWithTwoFa})`
        : notComplyingWithTwoFa,
    );
  }
  return where;
}

const STATUS_CODES = { active: 0, invitation_expired: 1, not_activated: 2 } as const;

export interface PagePlan {
  field: Field;
  descending: boolean;
  /**
   * The page ends before `after` (a `previous` link), or at the list's end without it (Last): the
   * index is read the other way from there and the rows turned back (decision 028).
   */
  backward: boolean;
  /** The row (its key values, without the user id, and its id) the page starts after. */
  after?: { keys: KeyValue[]; userId: number };
}

/** `cursor` → where the page starts. A cursor of another ordering, or garbled: 400 naming it. */
export function planPage(query: UsersQuery): PagePlan {
  const ordering = query.ordering ?? 'id';
  const descending = ordering.startsWith('-');
  const field = ordering.replace(/^-/, '') as Field;
  if (query.cursor === undefined) return { field, descending, backward: false };
  const badCursor = () =>
    new AppError('validation_failed', 'Invalid input.', {
      cursor: ['Invalid cursor: use the `next` link of a page with the same ordering.'],
    });
  let decoded: unknown;
  try {
    decoded = JSON.parse(Buffer.from(query.cursor, 'base64url').toString('utf8'));
  } catch {
    throw badCursor();
  }
  if (!Array.isArray(decoded)) throw badCursor();
  const backward = decoded[0] === BEFORE;
  if (backward) decoded = decoded.slice(1);
  if (!Array.isArray(decoded) || decoded[0] !== ordering) throw badCursor();
  // The list's end: no row to start from.
  if (backward && decoded.length === 1) return { field, descending, backward };
  const keys = decoded.slice(1, -1) as unknown[];
  const userId = decoded.at(-1);
  const types = field === 'status' ? ['bigint'] : SORT_KEYS[field].map((k) => k.type);
  const valid =
    Number.isSafeInteger(userId) &&
    (userId as number) > 0 &&
    (userId as number) <= 2_147_483_647 &&
    keys.length === types.length &&
    keys.every((key, i) => fits(key, types[i])) &&
    (field !== 'status' || [0, 1, 2].includes(keys[0] as number));
  if (!valid) throw badCursor();
  const after = { keys: keys as KeyValue[], userId: userId as number };
  return { field, descending, backward, after };
}

/**
 * Whether a cursor's value is one of the SQL type it is compared as: anything else would be the
 * database's error (a fraction or a huge number as bigint, U+0000 in text), not a 400 naming `cursor`.
 */
function fits(value: unknown, type: string): boolean {
  if (type === 'bigint') return Number.isSafeInteger(value);
  if (type === 'text') return typeof value === 'string' && !value.includes('\u0000');
  return typeof value === type;
}

/** The cursor of the page after `row`, or (`before`) of the page that ends before it. */
export function cursorAt(
  ordering: Ordering,
  row: { sort_keys: KeyValue[]; id: number },
  before = false,
): string {
  const at = [ordering, ...row.sort_keys, row.id];
  return encodeCursor(before ? [BEFORE, ...at] : at);
}

/** The account's id in a statement: a value, or in a big account's own statement its text. */
const accountSql = (accountId: number, sized = false) =>
  sized ? sql.lit(accountId) : sql`${accountId}`;

interface SeekOptions {
  accountId: number;
  /**
   * A big account's filtered statement, planned once (`listSql`): the account's id and the page's
   * size in its text, the row a page starts after hidden from the planner.
   */
  sized?: boolean;
  where: RawBuilder<unknown>[];
  plan: PagePlan;
  now: Date;
  limit: number;
  offset: number;
  /** The page is sought in these rows (as `m`), already the account's matching members. */
  among?: RawBuilder<unknown>;
  /**
   * Walk at most this many of the ordering's rows (each status's, for status), a search's walk
   * (`listSql`): the rows found, `limit + offset` at most and no offset skipped, with `cut` true on
   * the last row the walk may read. A cut among them: the walk ended before the page did.
   */
  bound?: number;
}

/**
 * The page's memberships, in the order read, with the values their cursor is made of and `cut`
 * (`bound`): one index range of the account. Status is three ranges (by id each) laid end to end,
 * or among rows already found one key. Backward, the range is read the other way (the caller
 * turns the rows back).
 */
function seek(options: SeekOptions): RawBuilder<unknown> {
  const { accountId, where, plan, now, limit, offset, among, bound } = options;
  const account = accountSql(accountId, options.sized);
  const descending = plan.descending !== plan.backward;
  const dir = descending ? sql`desc` : sql`asc`;
  const compare = descending ? sql`<` : sql`>`;
  const from = among ?? sql`memberships`;
  const base = among ? [sql`true`] : [sql`m.account_id = ${account}`];
  const filters = among ? [] : where;
  // In a big account's statement (`listSql`), the row a page starts after is hidden from the
  // planner (a subquery's value, known when the statement runs): a plan made with it is then the
  // plan made without it, and a page deep in the list keeps the plan of the first.
  const value = (known: RawBuilder<unknown>) => (options.sized ? sql`(select ${known})` : known);
  // A page the panel shows, without filters, has the same best plan for every account and depth,
  // and PostgreSQL keeps one generic plan of the named statement instead of planning it on every
  // request (decision 033): for that its limit is written into the text and a zero offset left
  // out, since a parameter there is guessed as a tenth of the rows, which makes the generic plan
  // look dearer than it is. So is a big account's filtered page (`listSql`: its statement is the
  // account's own, planned once too), and a walk's bound with it when no offset. Other pages keep their
  // parameters and are planned as before: with filters the best plan hinges on how common they
  // are, and a bigger page (the stream's batches, `limit=1000`) could be given a plan that sorts
  // the account, cheap for an average one only.
  const inText = (where.length === 0 || options.sized) && limit <= PLANNED_ONCE_ROWS;
  const size = (rows: number) => (inText && !offset ? sql.lit(rows) : sql`${rows}`);
  const window = inText
    ? sql`limit ${sql.lit(limit)}${offset ? sql` offset ${offset}` : sql``}`
    : sql`limit ${limit} offset ${offset}`;
  /**
   * Rows of `m` in the order of `keys` (then the id), the matching ones: all of them, or in a walk
   * (`bound`) those among the first `bound`, with the last of those marked `cut`. The keys are
   * `key_0`, `key_1`… of the rows, and `ends` what the caller orders and limits them by.
   */
  const ordered = (
    conditions: RawBuilder<unknown>[],
    keys: RawBuilder<unknown>[],
    select: (cut: RawBuilder<unknown>) => RawBuilder<unknown>,
    ends: RawBuilder<unknown>,
  ) => {
    const named = keys.map((key, i) => sql`${key} as ${sql.raw(`key_${i}`)}`);
    const order = sql.join([...keys.map((key) => sql`${key} ${dir}`), sql`m.user_id ${dir}`]);
    const matching = filters.length ? sql.join(filters, sql` and `) : sql`true`;
    if (bound === undefined) {
      return sql`select ${select(sql`false`)} from (select m.*, ${sql.join(named)}
        from ${from} m where ${sql.join(conditions, sql` and `)}) m
        where ${matching} ${ends}`;
    }
    // The walk reads the index in order and stops at the bound; the row it stops at is kept (as
    // the cut) whether it matches or not. Its keys and whether it matches are columns of the walk,
    // so that the order of the rows found is the walk's, not sorted again.
    const last = size(bound);
    return sql`select ${select(sql`(m.walked = ${last})`)}
      from (select m.account_id, m.user_id, ${sql.join(named)}, (${matching}) as hit,
          row_number() over (order by ${order}) as walked
        from ${from} m where ${sql.join(conditions, sql` and `)}
        order by ${order} limit ${last}) m
      where m.hit or m.walked = ${last} ${ends}`;
  };
  const rowsFound = bound === undefined ? window : sql`limit ${size(limit + offset)}`;
  // Among rows already found (a few thousand at most), status is a key like another, read in one
  // pass; walking an index, it is three ranges (below).
  if (plan.field !== 'status' || among) {
    const keys =
      plan.field === 'status' ? [{ sql: statusRank(now), type: 'bigint' }] : SORT_KEYS[plan.field];
    const conditions = [...base];
    if (plan.after) {
      const after = plan.after;
      conditions.push(
        sql`(${sql.join([...keys.map((k) => k.sql), sql`m.user_id`])}) ${compare} (${sql.join([
          ...keys.map((k, i) => value(sql`cast(${after.keys[i]} as ${sql.raw(k.type)})`)),
          value(sql`${after.userId}::int`),
        ])})`,
      );
    }
    const names = keys.map((_, i) => sql.raw(`m.key_${i}`));
    const sortKeys = keys.length ? sql`json_build_array(${sql.join(names)})` : sql`'[]'::json`;
    return ordered(
      conditions,
      keys.map((k) => k.sql),
      (cut) => sql`m.account_id, m.user_id as member_id, ${sortKeys} as sort_keys, ${cut} as cut`,
      sql`order by ${sql.join([...names.map((name) => sql`${name} ${dir}`), sql`m.user_id ${dir}`])}
        ${rowsFound}`,
    );
  }
  // Status comes from the clock, and so does the size of each range (how many invitations have
  // expired): its limits stay parameters, planned as before (a walk's bound aside).
  const order = descending ? [2, 1, 0] : [0, 1, 2];
  const branches = order.flatMap((status) => {
    const conditions = [...base, statusCondition(status, now)];
    if (plan.after) {
      const at = plan.after.keys[0] as number;
      if (descending ? status > at : status < at) return [];
      if (status === at) {
        conditions.push(
          sql`(m.user_id::bigint) ${compare} ${value(sql`${plan.after.userId}::bigint`)}`,
        );
      }
    }
    return [
      sql`(${ordered(
        conditions,
        [sql`(m.user_id::bigint)`],
        (cut) =>
          sql`m.account_id, m.user_id as member_id, ${sql.lit(status)} as status, ${cut} as cut`,
        sql`order by m.key_0 ${dir}, m.user_id ${dir} limit ${limit + offset}`,
      )})`,
    ];
  });
  if (branches.length === 0)
    return sql`select null::int as account_id, null::int as member_id, '[]'::json as sort_keys,
      false as cut where false`;
  return sql`select account_id, member_id, json_build_array(status) as sort_keys, cut
    from (${sql.join(branches, sql` union all `)}) s
    order by status ${dir}, member_id ${dir}
    ${bound === undefined ? sql`limit ${limit} offset ${offset}` : sql`limit ${limit + offset}`}`;
}

/** What `seek` reads of a membership found by a search: its ids and what it is ordered by. */
const memberKeys = sql`m.account_id, m.user_id, m.role_id, m.sort_email, m.sort_name, m.sort_lang,
  m.accepted_at, m.invitation_expires_at`;

/** The columns of a listed member (repository.ts `MemberRow`), for rows of `m`. */
const memberColumns = (callerId: number) => sql`
  u.id, u.email,
  (case when m.accepted_at is null then m.invited_name else u.name end) as name,
  u.phone,
  (case when m.accepted_at is null then coalesce(m.invited_lang, u.lang) else u.lang end) as lang,
  u.deleted_at, u.two_fa_enabled_at, (u.password_hash is not null) as password_hash_set,
  (m.accepted_at is not null and exists (
    select 1 from memberships o
    where o.user_id = u.id and o.account_id <> m.account_id and o.accepted_at is not null)) as shared_profile,
  m.role_id, m.accepted_at, m.invitation_expires_at, m.account_id, a.company_name,
  (select coalesce(json_agg(json_build_object('user_id', c.user_id, 'project_id', c.project_id,
            'project_name', p.name, 'role', c.role) order by c.project_id), '[]')
     from cloud_role_assignments c left join projects p on p.id = c.project_id
     where c.account_id = m.account_id and c.user_id = m.user_id) as cloud_roles,
  -- Another user's other accounts are none of this account's business: only the caller's own.
  (case when u.id = ${callerId} then (
     select json_agg(json_build_object('id', oa.id, 'company_name', oa.company_name, 'role_id', om.role_id)
                     order by oa.id)
     from memberships om join accounts oa on oa.id = om.account_id
     where om.user_id = u.id and om.accepted_at is not null) end) as caller_accounts`;

/** Whether an index of trigrams can look a substring up: it has one (three characters or more). */
const hasTrigrams = (text: string | undefined): text is string =>
  text !== undefined && [...text].length >= 3;

/**
 * The search index's keys (migration 0011) of the email and name substrings: every trigram of the
 * text, tagged with the account and the field. None for a text shorter than a trigram (the `like`
 * alone, along the ordering's index). A row that contains the text holds every one of them; the
 * `like` of `filterSql` decides.
 */
export function searchKeys(
  filters: Pick<UsersQuery, 'email' | 'name'>,
  accountId: number,
): RawBuilder<unknown> | undefined {
  const text = (value: string | undefined) => (hasTrigrams(value) ? value.toLowerCase() : null);
  const [email, name] = [text(filters.email), text(filters.name)];
  if (email === null && name === null) return undefined;
  return sql`member_search_keys(${accountId}::int, ${email}::text, ${name}::text)`;
}

/**
 * The `like` pattern of an id substring that the id's trigram index (migration 0007) can look up:
 * three characters or more. The search index holds no ids; this index spans every tenant, but an
 * id's trigram lists are short (a million ids hold `424` about 3,000 times).
 */
export function idSearch(filters: Pick<UsersQuery, 'id'>): string | undefined {
  return hasTrigrams(filters.id) ? containing(filters.id) : undefined;
}

/**
 * Matching members in a sample (the account's first 500 members by id) from which a search's
 * path is chosen: past these shares, walking the ordering's index (the page) or the account's members
 * (the count) meets enough matches sooner than the search index; below them, matches are rare and
 * the search index finds them at once.
 */
const GATE_SAMPLE = 500;
const WALK_PAGE_SHARE = 0.01;
const WALK_COUNT_SHARE = 0.1;
/**
 * A search asks the index for the rarest few of its keys, not all of them (decision 036). A key
 * every address holds ("use", "com") lists every member of the account, and asking for it costs
 * that list: `user-4242` in the account of 100,000 took 0.75 ms with its 7 keys, 0.07 ms without
 * the 3 every member holds. A few rare keys already leave few rows for the `like`, and any subset
 * of the keys still holds every match. Which keys are rare is seen in the account's first members.
 */
const SEARCH_KEYS = 3;
const KEY_SAMPLE = 100;

/** One statement: the page, its members' details, and the count. */
export function listSql(
  options: SeekOptions & {
    callerId: number;
    count: boolean;
    /** The search index's keys of the text (`searchKeys`), where a substring filter has them. */
    search?: RawBuilder<unknown> | undefined;
    /**
     * Without those, the id substring's pattern (`idSearch`), where it has trigrams: its matches
     * are found by the id's trigram index instead.
     */
    idPattern?: string | undefined;
    /** A substring filter applies (even one shorter than a trigram). */
    textFilter?: boolean;
    /**
     * The account has BIG_ACCOUNT_MEMBERS or more: its filtered statements are its own (below),
     * with `filterSql`'s `planFree` filters.
     */
    bigAccount?: boolean;
  },
): RawBuilder<unknown> {
  const { accountId, where, search } = options;
  // How a search finds its matches by an index: the rarest of the search index's keys, or the id's
  // trigrams. None: the filters are tested along the ordering's index only.
  const finder = search
    ? sql`member_search_keys(m.account_id, m.sort_email, m.sort_name) @> (select keys from rarest)`
    : options.idPattern !== undefined
      ? // The pattern hidden from the planner (a subquery's value): a plan made with it would
        // look cheaper than the kept one, and a big account's statement be planned every time.
        sql`(m.user_id::text) like (select ${options.idPattern}::text)`
      : undefined;
  const and = (conditions: RawBuilder<unknown>[]) => sql.join(conditions, sql` and `);
  // A filtered statement's best plan hinges on how many members the account has: a plan made for
  // an average account sorts a big one's whole membership where it should walk an index (20-50 ms
  // instead of 1). So a search was planned with its values on every request, 1.2-2 ms each time.
  // A big account's filtered statement is its own instead (decision 040): its id, the samples'
  // sizes and the page's are written into its text, its substring filters are ones whose share
  // the planner does not read off the text (`filterSql`, `planFree`), and the row a page starts
  // after is hidden from it (`seek`). PostgreSQL, knowing the account's size from its statistics
  // (migration 0015 keeps big accounts in them), then plans it the same whatever the values, and
  // keeps one generic plan after five; the runtime gates (a rare or a common text) choose among
  // its ways as before. Small accounts keep the id as a value: any plan reads little of them, and
  // statements of their own would fill the cache of prepared statements.
  const sized = where.length > 0 && options.bigAccount === true;
  const account = accountSql(accountId, sized);
  const firstMembers = (size: number, columns: RawBuilder<unknown>) =>
    sql`select ${columns} from memberships m where m.account_id = ${account}
      order by (m.user_id::bigint), m.user_id limit ${sql.lit(size)}`;
  // The share of the account's first members (by id) that match: the estimate past the bound
  // (`sample`), and a search's choice of path and estimate (`gate`, smaller: it is read on every
  // search). Each is read only where needed.
  const sampleOf = (name: string, size: number) =>
    sql`${sql.raw(name)} as materialized (
    select count(*) filter (where s.hit)::numeric / greatest(count(*), 1) as share
    from (${firstMembers(size, sql`(${and(where.length ? where : [sql`true`])}) as hit`)}) s)`;
  const share = sql`(select share from gate)`;
  // The matches up to the bound, reached from the account's row (a lateral join) rather than
  // with its id: told the id, PostgreSQL knows a big account has many matches, and with a limit it
  // then reads the whole table in its own order, expecting the account's rows to come evenly
  // spread. They did not: `role=1,5` read 900,000 rows of other accounts in 2% of requests (135
  // ms each, where the rest took 5). From the account's row it plans for an average account's
  // matches, all of them, and reads them through the account's own indexes.
  const hits = sql`(select count(*)::int from accounts hc, lateral (select 1 from memberships m
    where ${and([sql`m.account_id = hc.id`, ...where])}
    limit ${sql.lit(EXACT_COUNT_BOUND + 1)}) h where hc.id = ${account})`;
  const found = sql`(select count(*)::int from found)`;
  // A search: its members up to the bound (`found`, by the finder's index), unless
  // matches are common. The page comes from them when they are all there, else from walking the
  // ordering's index, or from every match (`matches`) when the walk is cut (`pageOf`).
  const searchKeysRead = search
    ? sql`sampled as materialized (${firstMembers(KEY_SAMPLE, sql`m.sort_email, m.sort_name`)}),
    rarest as materialized (select array(
      -- A key is account:field:trigram (migration 0011): its field and trigram are read off
      -- it. Making each sampled member's own keys instead took 1.9 ms against 0.55.
      select k.key from (select distinct unnest(${search})) k(key),
        lateral (select substr(k.key, length(${account}::text) + 2, 1) as field,
                        substr(k.key, length(${account}::text) + 4) as trigram) t
      order by (select count(*) from sampled s where strpos(
        case t.field when 'e' then s.sort_email else s.sort_name end, t.trigram) > 0), k.key
      limit ${sql.lit(SEARCH_KEYS)}) as keys),`
    : sql``;
  const searching = finder
    ? sql`${searchKeysRead}
    -- Read where it is used, not kept: keeping 11,000 matches took longer than finding them.
    matches as not materialized (select ${memberKeys} from memberships m
      -- The finder's index must not be combined with the account's own (that would read the
      -- whole account), so the account is compared as an expression no index has. The search
      -- index's keys hold the account; the id's trigrams do not, but their lists are short.
      where ${and([sql`(m.account_id + 0) = ${account}`, ...where])} and ${finder}),
    found as materialized (select * from matches where ${share} < ${sql.lit(WALK_COUNT_SHARE)}
      limit ${sql.lit(EXACT_COUNT_BOUND + 1)}),`
    : sql``;
  // The page of a search: among its members found (rare), else by walking the ordering's index,
  // unless the walk meets too few matches (they lie elsewhere in the order: `user-1` by `-email`
  // passes every `user-2…` to `user-9…` first), when it is sought among every match instead.
  const pageOf = (page: SeekOptions, name: string) => {
    const seeking = { ...page, sized };
    if (!finder) return { walk: sql``, rows: seek(seeking), cut: sql`false` };
    const walk = sql.raw(name);
    const rare = sql`(${share} < ${sql.lit(WALK_PAGE_SHARE)} and ${found} <= ${sql.lit(EXACT_COUNT_BOUND)})`;
    const cut = sql`exists (select 1 from ${walk} where cut)`;
    const bound = Math.round((page.limit + page.offset) / WALK_PAGE_SHARE);
    return {
      // Not walked at all for a rare search: the gate is the walk's own (were it beside the cut in
      // the branches below, PostgreSQL might test the cut first, walking to the bound for nothing).
      walk: sql`${walk} as materialized (select * from (${seek({ ...seeking, bound })}) w
        where not ${rare}),`,
      cut,
      rows: sql`select * from (select * from ${walk} where not cut
          ${page.offset ? sql`offset ${page.offset}` : sql``}) walked
        where not ${rare} and not ${cut}
      union all
      select * from (${seek({ ...seeking, among: sql`found` })}) among_found where ${rare}
      union all
      select * from (${seek({ ...seeking, among: sql`matches` })}) among_matches
        where not ${rare} and ${cut}`,
    };
  };
  // A page sought backwards from a row that has nothing before it any more (rows removed or
  // filters changed since the link was made) is the list's first page instead, marked so
  // (`from_start`): not an empty page with no way on, and no second statement.
  const restarts = options.plan.backward && options.plan.after !== undefined;
  const sought = pageOf(options, 'walk');
  const firstPage = pageOf(
    {
      ...options,
      plan: { field: options.plan.field, descending: options.plan.descending, backward: false },
      offset: 0,
    },
    'first_page_walk',
  );
  const page = !restarts
    ? sought.rows
    : sql`select *, false as from_start from sought
      union all
      select *, true from (${firstPage.rows}) first_page where not exists (select 1 from sought)`;
  // Unfiltered: the account's member count (exact, kept by triggers). Filtered: exact up to the
  // bound; past it, the share of the sample that matches, times the member count. A search counts
  // what it found, or the matches its page was sought among, and else walks the account's
  // members. It has read the gate's smaller sample already and estimates from it: another 2,000
  // members cost a common search 0.8 ms, for a figure flagged as an estimate either way.
  const estimateFrom = finder ? sql`gate` : sql`sample`;
  const members = sql`(select ac.member_count from accounts ac where ac.id = ${account})`;
  const counted = !options.count
    ? sql`select null::int as total, true as exact`
    : where.length > 0
      ? sql`select case when b.hits <= ${sql.lit(EXACT_COUNT_BOUND)} then b.hits
          else greatest(${sql.lit(EXACT_COUNT_BOUND + 1)}, round(${members} * (select share from ${estimateFrom})))::int end as total,
        b.hits <= ${sql.lit(EXACT_COUNT_BOUND)} as exact
        from (select ${
          finder
            ? sql`case when ${share} < ${sql.lit(WALK_COUNT_SHARE)} then ${found}
                when ${sought.cut} then (select count(*)::int from (
                  select 1 from matches limit ${sql.lit(EXACT_COUNT_BOUND + 1)}) m)
                else ${hits} end`
            : hits
        } as hits offset 0) b`
      : sql`select ${members} as total, true as exact`;
  // A search's plan hinges on the text (rare or common): planned with it each time, unless the
  // statement is a big account's own (above), whose plan does not.
  const planned = !sized && (search || options.textFilter) ? sql.raw(PLANNED_EACH_TIME) : sql``;
  // The page's rows are joined on their own account id, not on the parameter: a plan made with
  // the account's id looks cheaper than the generic one, which PostgreSQL would then never keep.
  return sql`${planned}with ${sampleOf('sample', ESTIMATE_SAMPLE)}, ${sampleOf('gate', GATE_SAMPLE)},
    ${searching}
    ${sought.walk} ${restarts ? firstPage.walk : sql``}
    ${restarts ? sql`sought as materialized (${sought.rows}),` : sql``}
    page as materialized (${page}),
    numbered as (select *, row_number() over () as position from page)
    select ${memberColumns(options.callerId)}, p.sort_keys, t.total, t.exact
      ${restarts ? sql`, p.from_start` : sql``}
    from (${counted}) t
    left join numbered p on true
    left join memberships m on m.account_id = p.account_id and m.user_id = p.member_id
    left join users u on u.id = m.user_id
    left join accounts a on a.id = m.account_id
    order by p.position`;
}

/** One member with the same columns (for `GET /iam/users/{id}` and the list's mapper). */
export function memberSql(
  accountId: number,
  userId: number,
  callerId: number,
): RawBuilder<unknown> {
  return sql`select ${memberColumns(callerId)}
    from memberships m join users u on u.id = m.user_id join accounts a on a.id = m.account_id
    where m.account_id = ${accountId} and m.user_id = ${userId} and u.deleted_at is null`;
}
