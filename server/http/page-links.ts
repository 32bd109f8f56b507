/**
 * The header saying whether a page's `count` is exact (`true`), or an estimate or a bound
 * (`false`): decisions 021 (the Users list) and 038 (the audit trail).
 */
export const COUNT_EXACT_HEADER = 'X-Count-Exact';

/** Where a page stands and the keyset cursors of the pages beside it (a list's repository). */
export interface PageCursors {
  /** The cursor of the page after this one; undefined on the last page. */
  nextCursor?: string | undefined;
  /** The cursor of the page before this one; undefined where nothing is known to be before it. */
  previousCursor?: string | undefined;
  /** The page was sought backwards (a `previous` link or Last): it ends where the cursor said. */
  backward: boolean;
}

/**
 * DRF-style `next` and `previous` links of a paged list (the Users list, the audit trail), built
 * on PUBLIC_URL (never on the request's Host). Both carry a keyset `cursor` (the page's last row,
 * or its first row for the page before it) and the `offset` the page stands at, for clients that
 * count (decision 028). Back to the first page (an offset up to `limit`) the link is `offset=0`
 * alone, as before cursors; past the list's end, by offset as well, since no row of the page is
 * there to start from.
 */
export function pageLinks(
  base: string,
  requestUrl: string,
  query: { limit?: number | undefined; offset?: number | undefined },
  page: PageCursors,
): { next: string | null; previous: string | null } {
  const limit = query.limit ?? 0;
  const offset = query.offset ?? 0;
  const { nextCursor, previousCursor, backward } = page;
  const link = (newOffset: number, cursor?: string) => {
    const params = new URL(requestUrl).searchParams;
    params.set('offset', String(newOffset));
    params.set('limit', String(limit));
    if (cursor) params.set('cursor', cursor);
    else params.delete('cursor');
    return `${base}?${params.toString()}`;
  };
  const back = Math.max(0, offset - limit);
  const previous =
    backward && !previousCursor
      ? null
      : offset > 0 && offset <= limit
        ? link(0)
        : previousCursor
          ? link(back, previousCursor)
          : offset > 0
            ? link(back)
            : null;
  return { next: nextCursor ? link(offset + limit, nextCursor) : null, previous };
}
