/// <reference types="mocha" />
import { expect, fixture, html, waitUntil } from '@open-wc/testing';
import '../user-management.ts';
import type { UserManagement } from '../user-management.ts';
import type { UsersPage } from '../../shared/users.ts';
import { BEFORE, encodeCursor } from '../../shared/users-cursor.ts';
import {
  column,
  invite,
  login,
  panel,
  select,
  settled,
  summaryIs,
  uniqueEmail,
} from '../../test/widget/helpers.ts';

/**
 * The Users panel pages by keyset against the real BFF (docs/decisions/028): Next, Previous and
 * the last page send the cursor of the answer's links (or of the list's end), never a deep offset;
 * page 1, a page in the middle and a changed filter go by offset. The rows shown are those the
 * same page by offset holds.
 */

const ID = 0;
let access: string;

/** The list requests the widget sends, read from `fetch` (which still reaches the BFF). */
const sent: URLSearchParams[] = [];
const realFetch = window.fetch;
/** Changes the next list request on its way, where a test sets it. */
let rewriteNext: ((url: URL) => void) | undefined;

async function idsByOffset(query: string): Promise<string[]> {
  const response = await realFetch(`/bff/iam/users?${query}`, {
    headers: { Authorization: `Bearer ${access}` },
  });
  const page = (await response.json()) as UsersPage;
  return page.results.map((user) => String(user.id));
}

function pageButton(el: UserManagement, page: string): HTMLButtonElement {
  return panel(el).querySelector<HTMLButtonElement>(`[part="pagination"] [data-page="${page}"]`)!;
}

/** Clicks and waits for the answer: the request it sent. */
async function turn(el: UserManagement, page: string, summary: string): Promise<URLSearchParams> {
  const before = sent.length;
  pageButton(el, page).click();
  await summaryIs(el, summary);
  await settled(el);
  expect(sent.length, 'one request per click').to.equal(before + 1);
  return sent.at(-1)!;
}

describe('Users panel paging by keyset', () => {
  let total: number;

  before(async () => {
    access = (await login()).access;
    window.fetch = (input, init) => {
      const url = new URL(String(input), location.href);
      if (url.pathname.endsWith('/iam/users')) {
        rewriteNext?.(url);
        rewriteNext = undefined;
        sent.push(url.searchParams);
        return realFetch(url.toString(), init);
      }
      return realFetch(input, init);
    };
    const count = async () => {
      const response = await realFetch('/bff/iam/users?limit=1', {
        headers: { Authorization: `Bearer ${access}` },
      });
      return ((await response.json()) as UsersPage).count;
    };
    // Four pages of ten at least, the last one short (the demo seed has about 30 users).
    while ((total = await count()) <= 30 || total % 10 === 0) {
      await invite(access, uniqueEmail('paging'));
    }
  });

  after(() => {
    window.fetch = realFetch;
  });

  it('sends cursors for Next, Previous and Last, and shows the rows of those pages', async () => {
    const el = await fixture<UserManagement>(
      html`<user-management api="/bff" .token=${access}></user-management>`,
    );
    await settled(el);
    const pages = Math.ceil(total / 10);
    const first = sent.at(-1)!;
    expect(first.get('offset')).to.equal('0');
    expect(first.has('cursor')).to.equal(false);

    const second = await turn(el, 'next', `Showing 11 - 20 of ${total} entries`);
    expect(second.get('cursor'), 'Next sends the cursor of the `next` link').to.be.a('string');
    expect(column(el, ID)).to.deep.equal(await idsByOffset('limit=10&offset=10'));

    const third = await turn(el, 'next', `Showing 21 - 30 of ${total} entries`);
    expect(third.get('cursor')).to.be.a('string').and.not.equal(second.get('cursor'));
    expect(column(el, ID)).to.deep.equal(await idsByOffset('limit=10&offset=20'));

    const back = await turn(el, 'previous', `Showing 11 - 20 of ${total} entries`);
    expect(back.get('cursor'), 'Previous sends the cursor of the `previous` link').to.be.a(
      'string',
    );
    expect(column(el, ID)).to.deep.equal(await idsByOffset('limit=10&offset=10'));

    const lastOffset = (pages - 1) * 10;
    const last = await turn(
      el,
      String(pages),
      `Showing ${lastOffset + 1} - ${total} of ${total} entries`,
    );
    expect(last.get('cursor'), 'Last is sought backwards from the end').to.be.a('string');
    expect(last.get('limit')).to.equal(String(total - lastOffset));
    expect(column(el, ID)).to.deep.equal(await idsByOffset(`limit=10&offset=${lastOffset}`));
    expect(pageButton(el, 'next').disabled).to.equal(true);

    const beforeLast = await turn(
      el,
      'previous',
      `Showing ${lastOffset - 9} - ${lastOffset} of ${total} entries`,
    );
    expect(beforeLast.get('cursor')).to.be.a('string');
    expect(beforeLast.get('limit')).to.equal('10');
    expect(column(el, ID)).to.deep.equal(await idsByOffset(`limit=10&offset=${lastOffset - 10}`));

    const one = await turn(el, '1', `Showing 1 - 10 of ${total} entries`);
    expect(one.get('offset')).to.equal('0');
    expect(one.has('cursor'), 'page 1 by offset').to.equal(false);
    expect(column(el, ID)).to.deep.equal(await idsByOffset('limit=10&offset=0'));
  });

  it('orders, pages by cursor, and a new ordering or filter starts again at page 1', async () => {
    const el = await fixture<UserManagement>(
      html`<user-management api="/bff" .token=${access}></user-management>`,
    );
    await settled(el);
    const header = panel(el).querySelector<HTMLButtonElement>('th button[data-sort="email"]')!;
    header.click();
    await waitUntil(() => sent.at(-1)?.get('ordering') === 'email');
    await settled(el);
    const next = await turn(el, 'next', `Showing 11 - 20 of ${total} entries`);
    expect(next.get('ordering')).to.equal('email');
    expect(next.get('cursor')).to.be.a('string');
    expect(column(el, ID)).to.deep.equal(await idsByOffset('limit=10&offset=10&ordering=email'));

    header.click();
    await waitUntil(() => sent.at(-1)?.get('ordering') === '-email');
    await summaryIs(el, `Showing 1 - 10 of ${total} entries`);
    expect(sent.at(-1)!.get('offset')).to.equal('0');
    expect(sent.at(-1)!.has('cursor'), 'a new ordering drops the cursor').to.equal(false);

    await turn(el, 'next', `Showing 11 - 20 of ${total} entries`);
    const status = panel(el).querySelector<HTMLSelectElement>('select[name="status"]')!;
    select(status, 'active');
    await waitUntil(() => sent.at(-1)?.get('status') === 'active');
    await settled(el);
    expect(sent.at(-1)!.get('offset')).to.equal('0');
    expect(sent.at(-1)!.has('cursor'), 'a filter drops the cursor').to.equal(false);
    expect(column(el, ID)).to.deep.equal(
      await idsByOffset('limit=10&offset=0&ordering=-email&status=active'),
    );
  });

  it('shows page 1 when the rows before a Previous page are gone, and pages on from there', async () => {
    const el = await fixture<UserManagement>(
      html`<user-management api="/bff" .token=${access}></user-management>`,
    );
    await settled(el);
    await turn(el, 'next', `Showing 11 - 20 of ${total} entries`);
    await turn(el, 'next', `Showing 21 - 30 of ${total} entries`);
    // Everyone before page 3 removed meanwhile: its `previous` cursor now has nothing before it.
    rewriteNext = (url) => url.searchParams.set('cursor', encodeCursor([BEFORE, 'id', 1, 1]));
    const back = await turn(el, 'previous', `Showing 1 - 10 of ${total} entries`);
    expect(back.get('offset'), 'asked from page 3').to.equal('10');
    expect(column(el, ID)).to.deep.equal(await idsByOffset('limit=10&offset=0'));
    expect(pageButton(el, 'previous').disabled).to.equal(true);
    await turn(el, 'next', `Showing 11 - 20 of ${total} entries`);
    expect(column(el, ID)).to.deep.equal(await idsByOffset('limit=10&offset=10'));
  });

  it('jumps to a page in the middle by offset', async () => {
    const el = await fixture<UserManagement>(
      html`<user-management api="/bff" .token=${access}></user-management>`,
    );
    await settled(el);
    // From page 1 the window offers 1 2 3 … last: page 3 is not beside it.
    const third = await turn(el, '3', `Showing 21 - 30 of ${total} entries`);
    expect(third.get('offset')).to.equal('20');
    expect(third.has('cursor')).to.equal(false);
    expect(column(el, ID)).to.deep.equal(await idsByOffset('limit=10&offset=20'));
  });
});
