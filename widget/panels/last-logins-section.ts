import { LitElement, html, nothing } from 'lit';
import { property } from 'lit/decorators.js';
import type { LoginEvent, LoginsPage } from '../../shared/two-fa.ts';
import type { ApiClient } from '../api/client.ts';
import { PagedListController, type ListQuery } from '../controllers/paged-list.ts';
import { controls } from '../styles/controls.ts';
import { sectionCard } from '../styles/card.ts';
import { dataTable, tableStates } from '../styles/table.ts';
import { lastLoginsSectionStyles } from './last-logins-section.styles.ts';
import { define } from '../define.ts';
import { LocalizeController } from '../controllers/localize.ts';
import { clientContext, provided } from '../context.ts';

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
 * Browser (a short name; the whole user agent in a tooltip), Result and Method.
 *
 * @csspart account-logins - The section's card.
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

  private readonly list = new PagedListController(this, this.localize, {
    query: { limit: 10, offset: 0 } as ListQuery,
    load: (query, signal) => this.client.logins({ ...query, user_id: this.userId }, signal),
    args: (query) => [this.client, query, this.userId],
    page: (loaded: LoginsPage) => ({ rows: loaded.results, count: loaded.count }),
    text: {
      loading: 'logins.loading',
      retry: 'logins.retry',
      showing: 'logins.showing',
      showingNone: 'users.showingNone',
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
              rows.length
                ? rows.map((login) => this.renderRow(login, format))
                : html`<tr class="state empty" part="empty" role="row">
                    <td colspan=${COLUMNS} role="cell">${this.localize.t('logins.empty')}</td>
                  </tr>`,
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
        ${this.localize.t(login.success ? 'logins.success' : 'logins.failed')}
      </td>
      <td part="cell" role="cell">${this.localize.t(`logins.method.${login.method}`)}</td>
    </tr>`;
  }
}

define('um-last-logins-section', UmLastLoginsSection);

declare global {
  interface HTMLElementTagNameMap {
    'um-last-logins-section': UmLastLoginsSection;
  }
}
