import { LitElement, html, nothing } from 'lit';
import { property, state } from 'lit/decorators.js';
import type { LoginEvent, LoginsPage } from '../../shared/two-fa.ts';
import type { ApiClient } from '../api/client.ts';
import { renderEmptyRow } from '../components/table-rows.ts';
import { PagedListController } from '../controllers/paged-list.ts';
import { controls } from '../styles/controls.ts';
import { sectionCard } from '../styles/card.ts';
import { dataTable, tableStates } from '../styles/table.ts';
import { lastLoginsSectionStyles } from './last-logins-section.styles.ts';
import { define } from '../define.ts';
import { LocalizeController } from '../controllers/localize.ts';
import { clientContext, provided } from '../context.ts';
import {
  EMPTY_LOGIN_FILTERS,
  hasLoginFilters,
  ipValid,
  loginsParams,
  rangeValid,
  renderLoginFilters,
  type LoginFilterInput,
  type LoginsQueryState,
} from './last-logins-filters.ts';

const BROWSERS: [RegExp, string][] = [
  [/\bEdg(?:e|A|iOS)?\/(\d+)/, 'Edge'],
  [/\b(?:OPR|Opera)\/(\d+)/, 'Opera'],
  [/\bSamsungBrowser\/(\d+)/, 'Samsung Internet'],
  [/\b(?:Firefox|FxiOS)\/(\d+)/, 'Firefox'],
  [/\b(?:HeadlessChrome|Chrome|CriOS|Chromium)\/(\d+)/, 'Chrome'],
  [/\bVersion\/(\d+)[^ ]* (?:Mobile\/\S+ )?Safari\//, 'Safari'],
  [/\bcurl\/(\d+)/, 'curl'],
];

const SYSTEMS: [RegExp, string][] = [
  [/\bWindows\b/, 'Windows'],
  [/\b(?:iPhone|iPad|iPod)\b/, 'iOS'],
  [/\bMac OS X\b|\bMacintosh\b/, 'macOS'],
  [/\bAndroid\b/, 'Android'],
  [/\bCrOS\b/, 'ChromeOS'],
  [/\bLinux\b/, 'Linux'],
];

/**
 * A short name of a user agent: browser and major version, and the operating system
 * ("Chrome 120", "Windows"); undefined parts when nothing matches.
 */
export function describeUserAgent(ua: string): { browser?: string; os?: string } {
  let browser: string | undefined;
  for (const [pattern, name] of BROWSERS) {
    const match = pattern.exec(ua);
    if (match) {
      browser = `${name} ${match[1]}`;
      break;
    }
  }
  const os = SYSTEMS.find(([pattern]) => pattern.test(ua))?.[1];
  return { browser, os };
}

const COLUMNS = 5;

/**
 * The Account panel's Last logins section (PRODUCT.md "Account panel"): the sign-in attempts of
 * the signed-in member (`GET /iam/activity_log/logins`), newest first, ten a page, with Date, IP,
 * Browser (a short name; the whole user agent in a tooltip), Result (a failure with its reason)
 * and Method; filters for a date range, an IP and the result. With `userId` it shows a member's
 * sign-ins to an Administrator (the Users panel's "Last logins" dialog).
 *
 * @csspart account-logins - The section's card.
 * @csspart filters - The row of filters.
 * @csspart input - A filter's field.
 * @csspart table - The table of sign-ins.
 * @csspart row - A sign-in's row.
 * @csspart cell - A cell of such a row.
 * @csspart pagination - The page navigation.
 * @csspart page-button - Previous, next and page-number buttons.
 * @csspart summary - "Showing 1 - 10 of N entries".
 */
export class UmLastLoginsSection extends LitElement {
  static override styles = [controls, sectionCard, dataTable, tableStates, lastLoginsSectionStyles];

  private readonly localize = new LocalizeController(this);

  @provided(clientContext) client!: ApiClient;
  /** Whose sign-ins (Administrators may pass a member's id); the caller's own when unset. */
  @property({ attribute: false }) userId: number | undefined;

  /** The dates and IP as typed or picked; they reach the query once they can be asked. */
  @state() private typed: LoginFilterInput = { from: '', to: '', ip: '' };

  private readonly list = new PagedListController(this, this.localize, {
    query: { ...EMPTY_LOGIN_FILTERS, limit: 10, offset: 0 } as LoginsQueryState,
    load: (query, signal) => this.client.logins(loginsParams(query, this.userId), signal),
    args: (query) => [this.client, query, this.userId],
    page: (loaded: LoginsPage) => ({ rows: loaded.results, count: loaded.count }),
    text: {
      loading: 'logins.loading',
      retry: 'logins.retry',
      showing: 'logins.showing',
      showingNone: 'users.showingNone',
      // The Users panel's pager is on the page too when the section is in its dialog.
      pagination: 'logins.pagination',
    },
    perPageId: 'logins-per-page',
  });

  /** Loads the current page again (after a sign-in elsewhere, say). */
  reload(): void {
    void this.list.refresh();
  }

  override render() {
    const format = new Intl.DateTimeFormat(this.localize.lang, {
      dateStyle: 'medium',
      timeStyle: 'short',
    });
    return html`<section class="card" part="account-logins" aria-labelledby="logins-heading">
      <h3 id="logins-heading">${this.localize.t('logins.heading')}</h3>
      ${renderLoginFilters({
        query: this.list.query,
        typed: this.typed,
        localize: this.localize,
        onInput: (change) => this.onInput(change),
        onResult: (success) => this.list.filter({ success }),
      })}
      <!-- Focusable, so a keyboard can scroll it sideways where the table is wider (375 px). -->
      <div class="table-wrap" tabindex="0">
        <table
          part="table"
          role="table"
          aria-labelledby="logins-heading"
          aria-busy=${this.list.pending ? 'true' : 'false'}
        >
          <thead>
            <tr role="row">
              <th scope="col" role="columnheader">${this.localize.t('logins.column.date')}</th>
              <th scope="col" role="columnheader">${this.localize.t('logins.column.ip')}</th>
              <th scope="col" role="columnheader">${this.localize.t('logins.column.browser')}</th>
              <th scope="col" role="columnheader">${this.localize.t('logins.column.result')}</th>
              <th scope="col" role="columnheader">${this.localize.t('logins.column.method')}</th>
            </tr>
          </thead>
          <tbody>
            ${this.list.renderBody(COLUMNS, ({ rows }) =>
              rows.length ? rows.map((login) => this.renderRow(login, format)) : this.renderEmpty(),
            )}
          </tbody>
        </table>
      </div>
      ${this.list.renderFooter()}
    </section>`;
  }

  private renderRow(login: LoginEvent, format: Intl.DateTimeFormat) {
    const unknown = this.localize.t('logins.unknown');
    const { browser, os } = describeUserAgent(login.user_agent ?? '');
    const browserText =
      browser && os
        ? this.localize.t('logins.browserOn', { browser, os })
        : (browser ?? os ?? login.user_agent?.slice(0, 40) ?? unknown);
    const date = new Date(login.date);
    return html`<tr part="row" role="row" data-id=${login.id}>
      <td part="cell" role="cell" class="lead">
        <time datetime=${login.date}>${format.format(date)}</time>
      </td>
      <td part="cell" role="cell">${login.ip ?? unknown}</td>
      <td part="cell" role="cell" title=${login.user_agent ?? nothing}>${browserText}</td>
      <td part="cell" role="cell" class=${login.success ? '' : 'failed'}>
        ${this.resultText(login)}
      </td>
      <td part="cell" role="cell">${this.localize.t(`logins.method.${login.method}`)}</td>
    </tr>`;
  }

  /** "Success", or "Failed: Wrong code" (the reason where the BFF gave one). */
  private resultText(login: LoginEvent): string {
    if (login.success) return this.localize.t('logins.success');
    if (!login.failure_reason) return this.localize.t('logins.failed');
    const reason = this.localize.t(`logins.reason.${login.failure_reason}`);
    return this.localize.t('logins.failedBecause', { reason });
  }

  private renderEmpty() {
    const filtered = hasLoginFilters(this.list.query);
    return renderEmptyRow({
      columns: COLUMNS,
      message: this.localize.t(filtered ? 'logins.emptyFiltered' : 'logins.empty'),
      clearLabel: filtered ? this.localize.t('logins.clearFilters') : undefined,
      onClear: () => this.clearFilters(),
    });
  }

  /**
   * A date applies at once, the IP once typing pauses; what the BFF would refuse (an end before
   * the start, half an address) waits, with the field saying why, while the table keeps the last
   * question asked.
   */
  private onInput(change: Partial<LoginFilterInput>) {
    this.typed = { ...this.typed, ...change };
    const apply = () => {
      const typed = this.typed;
      if (!rangeValid(typed)) return;
      const q = this.list.query;
      const ip = ipValid(typed.ip) ? typed.ip.trim() : q.ip;
      if (typed.from !== q.from || typed.to !== q.to || ip !== q.ip) {
        this.list.filter({ from: typed.from, to: typed.to, ip });
      }
    };
    if ('ip' in change) this.list.later(apply);
    else apply();
  }

  private clearFilters() {
    this.list.cancelLater();
    this.typed = { from: '', to: '', ip: '' };
    this.list.filter(EMPTY_LOGIN_FILTERS);
  }
}

define('um-last-logins-section', UmLastLoginsSection);

declare global {
  interface HTMLElementTagNameMap {
    'um-last-logins-section': UmLastLoginsSection;
  }
}
