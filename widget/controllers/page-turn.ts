/**
 * Where a page of a list starts (docs/decisions/028-panel-paging-by-keyset.md). A list whose
 * answers link to the pages beside it (the Users list's `next` and `previous`) is paged by those
 * keyset cursors, which cost a first page at any depth; its last page is sought backwards from
 * the list's end. The first page and a jump to a page in the middle go by offset.
 */
export interface PageStart {
  offset: number;
  /** Where the page starts by keyset; by `offset` alone where absent. */
  cursor?: string | undefined;
  /** Rows to ask for when not `limit`: the last page holds only what is left past the others. */
  take?: number | undefined;
}

/** What a list asks: its filters and order, and the page (`limit`, where it starts). */
export interface ListQuery extends PageStart {
  limit: number;
}

/** One page of the list, as the table shows it. */
export interface ListPage<Row> {
  rows: Row[];
  /** Rows in the whole (filtered) list (it may be an estimate: decision 021). */
  count: number;
  /** The list holds more rows than `count`, which is a bound (the audit trail: decision 038). */
  more?: boolean;
  /** Keyset cursors to the pages beside it, and whether one follows (then the links decide). */
  cursors?: PageCursors;
  hasNext?: boolean;
  /**
   * Where the page stands, when the answer says so rather than the query: a `previous` link whose
   * rows were removed meanwhile is answered with the first page (decision 028).
   */
  offset?: number;
}

/** The cursors the page on screen offers (from its answer's links). */
export interface PageCursors {
  next?: string | undefined;
  previous?: string | undefined;
  /** The cursor of the list's last page, in the list's order. */
  last?: string | undefined;
}

/** Page 1, by offset: after a filter, ordering or page size changes. */
export const FIRST_PAGE = { offset: 0, cursor: undefined, take: undefined };

/**
 * The page on screen and how many there are. Where the answer says whether a next page exists
 * (its `next` link), that decides over the count, which may be an estimate (decision 021).
 */
export function pagerPosition(o: {
  offset: number;
  limit: number;
  count: number;
  hasNext: boolean | undefined;
}): { current: number; pages: number } {
  const current = Math.floor(o.offset / o.limit) + 1;
  const counted = Math.max(1, Math.ceil(o.count / o.limit));
  if (o.hasNext === undefined) return { current, pages: counted };
  return { current, pages: o.hasNext ? Math.max(counted, current + 1) : current };
}

/** Where page `page` starts, seen from the page on screen. */
export function pageStart(
  page: number,
  o: { current: number; pages: number; limit: number; count: number; cursors: PageCursors },
): PageStart {
  const offset = (page - 1) * o.limit;
  const { next, previous, last } = o.cursors;
  if (page === 1) return { offset: 0 };
  if (page === o.current + 1 && next) return { offset, cursor: next };
  if (page === o.current - 1 && previous) return { offset, cursor: previous };
  if (page === o.pages && last) {
    const rest = o.count - offset;
    return { offset, cursor: last, take: rest > 0 && rest < o.limit ? rest : undefined };
  }
  return { offset };
}

/**
 * The page the table shows of an answer in Gcore's shape, paged by its links: Next and Previous
 * follow the links' keyset cursors (a first page's cost at any depth, decision 028).
 */
export function linkedPage<Row>(loaded: {
  count: number;
  next: string | null;
  previous: string | null;
  results: Row[];
}): ListPage<Row> & { cursors: PageCursors } {
  return {
    rows: loaded.results,
    count: loaded.count,
    cursors: { next: cursorOf(loaded.next), previous: cursorOf(loaded.previous) },
    hasNext: loaded.next !== null,
    // No page lies before one without a `previous` link: it is the first, whatever was asked.
    offset: loaded.previous === null ? 0 : undefined,
  };
}

/** The `cursor` a link of the list carries, if any. */
export function cursorOf(link: string | null | undefined): string | undefined {
  return link
    ? (new URL(link, 'http://link.invalid').searchParams.get('cursor') ?? undefined)
    : undefined;
}
