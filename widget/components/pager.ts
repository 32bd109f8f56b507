import { html, nothing } from 'lit';
import { t } from '../locales/index.ts';

/**
 * The footer every table panel shows: page numbers with previous and next, "Entries per page" and
 * the summary ("Showing 1 - 10 of N entries"). A function, not an element, so that it renders in
 * the panel's own shadow root and takes the panel's styles (widget/styles/table.ts).
 */

const PAGE_SIZES = [10, 25, 50, 100] as const;

export interface PagerOptions {
  current: number;
  pages: number;
  limit: number;
  summary: string;
  /** Id of the page-size select (unique within the panel). */
  perPageId: string;
  /** The navigation's name, where another pager may be on the page too ("Pages" otherwise). */
  label?: string | undefined;
  lang: string;
  onGo(page: number): void;
  onPageSize(size: number): void;
}

export function renderPager(o: PagerOptions) {
  const say = (key: Parameters<typeof t>[0], params?: Parameters<typeof t>[1]) =>
    t(key, params, o.lang);
  const pageButton = (page: number, label: string, text: string | number, disabled = false) =>
    html`<button
      type="button"
      part="page-button"
      data-page=${typeof text === 'number' ? text : page < o.current ? 'previous' : 'next'}
      aria-label=${label}
      aria-current=${typeof text === 'number' && page === o.current ? 'page' : nothing}
      ?disabled=${disabled}
      @click=${() => o.onGo(page)}
    >
      ${text}
    </button>`;
  return html`
    <div class="footer">
      <nav
        part="pagination"
        aria-label=${o.label ?? say('users.pagination')}
        @focusout=${keepFocusInPager}
      >
        <ul class="pages">
          <li>${pageButton(o.current - 1, say('users.previousPage'), '‹', o.current <= 1)}</li>
          ${pageWindow(o.current, o.pages).map((n) =>
            n === undefined
              ? html`<li aria-hidden="true">…</li>`
              : html`<li>${pageButton(n, say('users.page', { page: n }), n)}</li>`,
          )}
          <li>${pageButton(o.current + 1, say('users.nextPage'), '›', o.current >= o.pages)}</li>
        </ul>
      </nav>
      <div class="per-page">
        <label for=${o.perPageId}>${say('users.entriesPerPage')}</label>
        <select
          id=${o.perPageId}
          part="input"
          @change=${(event: Event) => o.onPageSize(Number((event.target as HTMLSelectElement).value))}
        >
          ${PAGE_SIZES.map(
            (size) => html`<option value=${size} ?selected=${size === o.limit}>${size}</option>`,
          )}
        </select>
        <span class="summary" part="summary" aria-live="polite">${o.summary}</span>
      </div>
    </div>
  `;
}

/**
 * Previous on the first page and Next on the last are disabled, and a disabled button loses focus
 * (to the page's body). Keep keyboard users in the pager: on the current page's button.
 */
function keepFocusInPager(event: FocusEvent) {
  const button = event.target as HTMLButtonElement;
  if (event.relatedTarget !== null || !button.disabled) return;
  (event.currentTarget as HTMLElement)
    .querySelector<HTMLButtonElement>('[aria-current="page"]')
    ?.focus();
}

/**
 * The page numbers to offer: the first, the last, and two either side of the current one, with
 * `undefined` where a run is left out ("1 … 4 5 6 7 8 … 20").
 */
function pageWindow(current: number, pages: number): (number | undefined)[] {
  const shown = new Set([1, pages]);
  for (let n = current - 2; n <= current + 2; n++) if (n >= 1 && n <= pages) shown.add(n);
  const sorted = [...shown].sort((a, b) => a - b);
  const result: (number | undefined)[] = [];
  sorted.forEach((n, i) => {
    if (i > 0 && n - sorted[i - 1] > 1) result.push(undefined);
    result.push(n);
  });
  return result;
}
