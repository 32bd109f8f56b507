import assert from 'node:assert/strict';
import type { UsersPage } from '../../shared/users.ts';
import { lastPageCursor } from '../../shared/users-cursor.ts';

/**
 * Paging through the Users list by its links, as the panel does (docs/decisions/028): every page
 * from the first by `next`, or from the last by `previous`. `fetchPage` asks for a path (with its
 * query) as the test's caller and answers the page, having checked it was a 200.
 */
export type FetchPage = (path: string) => Promise<UsersPage>;

/** The links are absolute; the tests' requests take a path. */
const pathOf = (link: string) => new URL(link).pathname + new URL(link).search;
const ids = (page: UsersPage) => page.results.map((user) => user.id);

/** The members' ids of every page, following `next` from the first. */
export async function walkNext(fetchPage: FetchPage, query: string, limit: number) {
  const seen: number[] = [];
  let path: string | null = `/iam/users?${query}&limit=${limit}`;
  while (path) {
    const page = await fetchPage(path);
    seen.push(...ids(page));
    path = page.next && pathOf(page.next);
  }
  return seen;
}

/**
 * The members' ids of every page, following `previous` from the last (sought backwards from the
 * list's end), in the list's order. Each page sought backwards links to the one after it, by cursor.
 */
export async function walkBack(
  fetchPage: FetchPage,
  query: string,
  ordering: string,
  limit: number,
) {
  const pages: number[][] = [];
  let path: string | null = `/iam/users?${query}&limit=${limit}&cursor=${lastPageCursor(ordering)}`;
  for (let first = true; path; first = false) {
    const page = await fetchPage(path);
    if (first) assert.equal(page.next, null, 'nothing after the last page');
    else assert.ok(page.next, 'a page sought backwards links to the one after it');
    pages.unshift(ids(page));
    path = page.previous && pathOf(page.previous);
    if (path) assert.match(path, /[?&]cursor=/);
  }
  return pages.flat();
}
