import { LitElement, html, nothing } from 'lit';
import { property, state } from 'lit/decorators.js';
import { Task, TaskStatus } from '@lit/task';
import type { LoginEvent } from '../../shared/two-fa.ts';
import { ApiError, isAbortError, type ApiClient } from '../api/client.ts';
import { announceError } from '../events.ts';
import { controls } from '../styles/controls.ts';
import { sectionCard } from '../styles/card.ts';
import { dataTable } from '../styles/table.ts';
import { lastLoginsSectionStyles } from './last-logins-section.styles.ts';
import { define } from '../define.ts';
import { LocalizeController } from '../controllers/localize.ts';
import { consume } from '@lit/context';
import { clientContext } from '../context.ts';

const LOGINS_PAGE_SIZE = 10;

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

/**
 * The Account panel's Last logins section (PRODUCT.md "Account panel"): the sign-in attempts of
 * the signed-in member (`GET /iam/activity_log/logins`), newest first, ten a page, with Date, IP,
 * Browser (a short name; the whole user agent in a tooltip), Result and Method.
 *
 * @csspart account-logins - The section's card.
 * @csspart table - The table of sign-ins.
 * @csspart row - A sign-in's row.
 * @csspart cell - A cell of such a row.
 * @csspart pagination - Previous / next.
 * @csspart page-button - The previous and next buttons.
 * @csspart summary - "Showing 1 - 10 of N entries".
 */
export class UmLastLoginsSection extends LitElement {
  static override styles = [controls, sectionCard, dataTable, lastLoginsSectionStyles];

  private readonly localize = new LocalizeController(this);

  @consume({ context: clientContext, subscribe: true })
  @property({ attribute: false })
  client!: ApiClient;
  /** Whose sign-ins (Administrators may pass a member's id); the caller's own when unset. */
  @property({ attribute: false }) userId: number | undefined;

  @state() private offset = 0;

  private readonly logins = new Task(this, {
    task: async ([client, offset, userId], { signal }) => {
      try {
        return await client.logins({ limit: LOGINS_PAGE_SIZE, offset, user_id: userId }, signal);
      } catch (error) {
        if (!isAbortError(error)) this.report(error);
        throw error;
      }
    },
    args: () => [this.client, this.offset, this.userId] as const,
  });

  /** Loads the current page again (after a sign-in elsewhere, say). */
  reload(): void {
    void this.logins.run();
  }

  private suppressed = false;

  private report(error: unknown) {
    this.suppressed = announceError(this, error).suppressed;
  }

  override render() {
    const page = this.logins.value;
    const busy = this.logins.status === TaskStatus.PENDING;
    return html`<section class="card" part="account-logins" aria-labelledby="logins-heading">
      <h3 id="logins-heading">${this.localize.t('logins.heading')}</h3>
      ${this.logins.render({
        initial: () => this.renderLoading(),
        pending: () => (page ? nothing : this.renderLoading()),
        error: (error) =>
          isAbortError(error)
            ? nothing
            : html`<div class="alert" part="error" role="alert">
                <p>
                  ${this.localize.t('logins.loadFailed')}
                  ${!this.suppressed && error instanceof ApiError ? this.localize.error(error) : ''}
                </p>
                <button type="button" part="button" @click=${() => this.logins.run()}>
                  ${this.localize.t('logins.retry')}
                </button>
              </div>`,
        complete: () => nothing,
      })}
      ${page ? this.renderTable(page.results, page.count, busy) : nothing}
    </section>`;
  }

  private renderLoading() {
    return html`<p class="hint" role="status">${this.localize.t('logins.loading')}</p>`;
  }

  private renderTable(results: LoginEvent[], count: number, busy: boolean) {
    if (!count) return html`<p class="hint" part="empty">${this.localize.t('logins.empty')}</p>`;
    const from = Math.min(this.offset + 1, count);
    const to = Math.min(this.offset + results.length, count);
    const format = new Intl.DateTimeFormat(this.localize.lang, {
      dateStyle: 'medium',
      timeStyle: 'short',
    });
    return html`<div class="table-wrap">
        <table part="table" aria-labelledby="logins-heading" aria-busy=${busy ? 'true' : 'false'}>
          <thead>
            <tr>
              <th scope="col">${this.localize.t('logins.column.date')}</th>
              <th scope="col">${this.localize.t('logins.column.ip')}</th>
              <th scope="col">${this.localize.t('logins.column.browser')}</th>
              <th scope="col">${this.localize.t('logins.column.result')}</th>
              <th scope="col">${this.localize.t('logins.column.method')}</th>
            </tr>
          </thead>
          <tbody>
            ${results.map((login) => this.renderRow(login, format))}
          </tbody>
        </table>
      </div>
      <nav part="pagination" aria-label=${this.localize.t('logins.pagination')}>
        <span part="summary" aria-live="polite">
          ${this.localize.t('logins.showing', { from, to, count })}
        </span>
        <div>
          <button
            type="button"
            part="button page-button"
            data-action="previous"
            ?disabled=${this.offset === 0}
            @click=${() => this.turn(-1)}
          >
            ${this.localize.t('logins.previous')}
          </button>
          <button
            type="button"
            part="button page-button"
            data-action="next"
            ?disabled=${this.offset + LOGINS_PAGE_SIZE >= count}
            @click=${() => this.turn(1)}
          >
            ${this.localize.t('logins.next')}
          </button>
        </div>
      </nav>`;
  }

  private renderRow(login: LoginEvent, format: Intl.DateTimeFormat) {
    const unknown = this.localize.t('logins.unknown');
    const { browser, os } = describeUserAgent(login.user_agent ?? '');
    const browserText =
      browser && os
        ? this.localize.t('logins.browserOn', { browser, os })
        : (browser ?? os ?? login.user_agent?.slice(0, 40) ?? unknown);
    const date = new Date(login.date);
    return html`<tr part="row" data-id=${login.id}>
      <td part="cell"><time datetime=${login.date}>${format.format(date)}</time></td>
      <td part="cell">${login.ip ?? unknown}</td>
      <td part="cell" title=${login.user_agent ?? nothing}>${browserText}</td>
      <td part="cell" class=${login.success ? '' : 'failed'}>
        ${this.localize.t(login.success ? 'logins.success' : 'logins.failed')}
      </td>
      <td part="cell">${this.localize.t(`logins.method.${login.method}`)}</td>
    </tr>`;
  }

  private async turn(direction: 1 | -1) {
    // The buttons stay enabled while a page loads (a disabled button drops focus): one at a time.
    if (this.logins.status === TaskStatus.PENDING) return;
    this.offset = Math.max(0, this.offset + direction * LOGINS_PAGE_SIZE);
    await this.updateComplete;
    await this.logins.taskComplete.catch(() => undefined);
    await this.updateComplete;
    // The pressed button may be disabled now (first or last page): keep focus in the pager.
    const pressed = this.renderRoot.querySelector<HTMLButtonElement>(
      `[data-action="${direction > 0 ? 'next' : 'previous'}"]`,
    );
    const other = this.renderRoot.querySelector<HTMLButtonElement>(
      `[data-action="${direction > 0 ? 'previous' : 'next'}"]`,
    );
    (pressed && !pressed.disabled ? pressed : other)?.focus();
  }
}

define('um-last-logins-section', UmLastLoginsSection);

declare global {
  interface HTMLElementTagNameMap {
    'um-last-logins-section': UmLastLoginsSection;
  }
}
