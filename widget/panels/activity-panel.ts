import { LitElement, html, nothing } from 'lit';
import { property, state } from 'lit/decorators.js';
import type { ActivityEntry, ActivityPage } from '../../shared/activity.ts';
import type { ClientMe } from '../../shared/clients.ts';
import { actorOf, can } from '../../shared/permissions.ts';
import type { ApiClient } from '../api/client.ts';
import { renderPanelHeader } from '../components/panel-header.ts';
import { renderEmptyRow } from '../components/table-rows.ts';
import { PagedListController } from '../controllers/paged-list.ts';
import { LocalizeController } from '../controllers/localize.ts';
import { clientContext, meContext, provided } from '../context.ts';
import { define } from '../define.ts';
import '../locales/en.ts'; // its English texts come with it (decision 031)
import type { MessageKey } from '../locales/index.ts';
import { controls } from '../styles/controls.ts';
import { panelFrame } from '../styles/panel.ts';
import { panelTable, tableStates } from '../styles/table.ts';
import {
  actionLabel,
  activityListPage,
  activityParams,
  EMPTY_ACTIVITY_FILTERS,
  rangeValid,
  renderActivityFilters,
  type ActivityDateFilter,
  type ActivityQueryState,
  type ActivityTextFilter,
} from './activity-filters.ts';
import { activityPanelStyles } from './activity-panel.styles.ts';

const COLUMNS: MessageKey[] = [
  'activity.column.date',
  'activity.column.actor',
  'activity.column.action',
  'activity.column.target',
  'activity.column.ip',
  'activity.column.via',
];

const NONE = '—';

/**
 * The Activity panel (`panel="activity"`): the account's audit trail, for Administrators
 * (`GET /iam/activity_log/actions`, which refuses everyone else). Who did what to whom, when, from
 * which IP, and through a session or which API token; newest first, with filters by actor, action,
 * target and date range, the numbered pager (Next and Previous by the answer's keyset links), and
 * "Export CSV", which downloads the BFF's CSV of every row the filters match (a Blob URL: no
 * inline script, so it works under a strict CSP).
 *
 * With `userId` it is one member's History (the Edit user dialog): what they did and what was
 * done to them in this account; the actor and target fields are then left out.
 *
 * @csspart panel - The panel's section.
 * @csspart heading - The panel's heading.
 * @csspart filters - The row of filters.
 * @csspart input - Every filter field.
 * @csspart button - Every button.
 * @csspart export-button - "Export CSV".
 * @csspart table - The table of audit rows.
 * @csspart row - One audit row.
 * @csspart cell - A cell of such a row.
 */
export class UmActivityPanel extends LitElement {
  static override styles = [controls, panelFrame, panelTable, tableStates, activityPanelStyles];

  private readonly localize = new LocalizeController(this);

  @provided(clientContext) client!: ApiClient;
  /** The account and the caller (`GET /iam/clients/me`): decides whether there is anything to show. */
  @provided(meContext) me: ClientMe | undefined;

  /** Only this member's history: rows where they acted or were acted on. */
  @property({ attribute: false }) userId: number | undefined;
  /** The member's name or email, for the History's heading. */
  @property({ attribute: false }) userLabel = '';

  private readonly list = new PagedListController(this, this.localize, {
    query: { ...EMPTY_ACTIVITY_FILTERS, limit: 10, offset: 0 } as ActivityQueryState,
    load: (query, signal) => {
      // Known not to be an Administrator: nothing to ask (the BFF would refuse it anyway).
      if (!this.allowed) {
        return Promise.resolve({ count: 0, next: null, previous: null, results: [] });
      }
      return this.client.activity(activityParams(query, this.userId), signal);
    },
    args: (query) => [this.client, query, this.userId, this.allowed],
    page: (loaded: ActivityPage, query) => activityListPage(loaded, query.offset),
    text: {
      loading: 'activity.loading',
      retry: 'activity.retry',
      showing: 'activity.showing',
      showingMore: 'activity.showingMore',
      showingNone: 'users.showingNone',
    },
    perPageId: 'activity-per-page',
  });

  /** What is typed in the text filters, ahead of the debounced query. */
  @state() private typed: Record<ActivityTextFilter, string> = { actor: '', target: '' };
  /** The dates chosen; a reversed range stays here, with its message, out of the query. */
  @state() private range: Record<ActivityDateFilter, string> = { from: '', to: '' };

  /** Unknown (`me` not loaded, or mounted without it) counts as allowed: the BFF decides. */
  private get allowed(): boolean {
    const actor = actorOf(this.me);
    return actor ? can(actor, 'activity.read') : true;
  }

  override render() {
    const history = this.userId !== undefined;
    const heading = history
      ? html`<h3 id="activity-heading" part="heading">
          ${this.localize.t('activity.historyHeading', { name: this.userLabel })}
        </h3>`
      : renderPanelHeader({
          id: 'activity-heading',
          heading: this.localize.t('activity.heading'),
          focusable: true,
        });
    return html`<section part="panel" aria-labelledby="activity-heading">
      ${heading}
      ${
        this.allowed
          ? this.list.renderFrame({ filters: this.renderFilters(), table: this.renderTable() })
          : html`<p class="notice" role="status">${this.localize.t('activity.adminsOnly')}</p>`
      }
    </section>`;
  }

  private renderFilters() {
    const busy = this.list.isBusy('export');
    return renderActivityFilters({
      query: this.list.query,
      typed: this.typed,
      range: this.range,
      ofOneMember: this.userId !== undefined,
      localize: this.localize,
      onType: (name, value) => this.onType(name, value),
      onDate: (name, value) => this.onDate(name, value),
      onFilter: (change) => this.list.filter(change),
      exportButton: html`<button
        type="button"
        part="button export-button"
        data-action="export"
        aria-busy=${busy ? 'true' : 'false'}
        ?disabled=${busy || !rangeValid(this.range)}
        @click=${() => void this.exportCsv()}
      >
        ${this.localize.t(busy ? 'activity.exporting' : 'activity.export')}
      </button>`,
    });
  }

  private renderTable() {
    return this.list.renderTable({
      labelledBy: 'activity-heading',
      busy: this.list.pending,
      headers: COLUMNS.map(
        (key) => html`<th scope="col" part="header-cell">${this.localize.t(key)}</th>`,
      ),
      columns: COLUMNS.length,
      rows: ({ rows }) => {
        if (rows.length) return rows.map((entry) => this.renderRow(entry));
        const filtered = this.hasFilters();
        return renderEmptyRow({
          columns: COLUMNS.length,
          message: this.localize.t(filtered ? 'activity.empty' : 'activity.emptyAll'),
          clearLabel: filtered ? this.localize.t('activity.clearFilters') : undefined,
          onClear: () => this.clearFilters(),
        });
      },
    });
  }

  private renderRow(entry: ActivityEntry) {
    const actor = entry.actor;
    const date = this.localize.date(entry.date, { dateStyle: 'medium', timeStyle: 'medium' });
    return html`<tr part="row" data-id=${entry.id} data-action=${entry.action}>
      <td part="cell"><time datetime=${entry.date}>${date}</time></td>
      <td part="cell" title=${actor?.email ?? nothing}>
        ${actor ? (actor.name ?? actor.email ?? `#${actor.id}`) : this.localize.t('activity.nobody')}
      </td>
      <td part="cell">${actionLabel(this.localize, entry.action)}</td>
      <td part="cell" title=${entry.target?.email ?? nothing}>${this.targetText(entry)}</td>
      <td part="cell">${entry.ip ?? NONE}</td>
      <td part="cell">${this.viaText(entry)}</td>
    </tr>`;
  }

  private targetText(entry: ActivityEntry): string {
    const target = entry.target;
    if (!target) return NONE;
    const id = target.id ?? '';
    switch (target.type) {
      case 'user':
        return target.name ?? target.email ?? `#${id}`;
      case 'token':
      case 'project':
      case 'account':
      case 'action':
        return this.localize.t(`activity.target.${target.type}`, { id });
      default:
        return this.localize.t('activity.target.other', { type: target.type, id });
    }
  }

  private viaText(entry: ActivityEntry): string {
    if (entry.via === 'api_token') {
      const name = entry.token?.name ?? (entry.token ? `#${entry.token.id}` : '');
      return this.localize.t('activity.via.api_token', { name });
    }
    return entry.via ? this.localize.t(`activity.via.${entry.via}`) : NONE;
  }

  /**
   * Downloads the BFF's CSV of every row the filters match (not only the page). The file is the
   * server's, so its cells are defused there (formulas) and it needs no building here.
   */
  private async exportCsv() {
    if (!rangeValid(this.range)) return;
    await this.list.act('export', async () => {
      const blob = await this.client.activityCsv(
        activityParams({ ...this.list.query, limit: 0, offset: 0 }, this.userId),
      );
      const url = URL.createObjectURL(blob);
      const link = document.createElement('a');
      link.href = url;
      link.download = `activity-${new Date().toISOString().slice(0, 10)}.csv`;
      link.hidden = true;
      this.renderRoot.appendChild(link);
      link.click();
      link.remove();
      // After the click has handed the file to the browser's download.
      setTimeout(() => URL.revokeObjectURL(url), 0);
      return this.localize.t('activity.exported');
    });
  }

  private hasFilters(): boolean {
    const q = this.list.query;
    return Boolean(q.actor || q.action || q.target || q.from || q.to);
  }

  private onType(name: ActivityTextFilter, value: string) {
    this.typed = { ...this.typed, [name]: value };
    this.list.later(() => {
      const actor = this.typed.actor.trim();
      const target = this.typed.target.trim();
      const q = this.list.query;
      if (actor !== q.actor || target !== q.target) this.list.filter({ actor, target });
    });
  }

  /** A date applies at once; a reversed range waits, with its message, until it is put right. */
  private onDate(name: ActivityDateFilter, value: string) {
    this.range = { ...this.range, [name]: value };
    if (rangeValid(this.range)) this.list.filter({ ...this.range });
  }

  private clearFilters() {
    this.list.cancelLater();
    this.typed = { actor: '', target: '' };
    this.range = { from: '', to: '' };
    this.list.filter(EMPTY_ACTIVITY_FILTERS);
  }
}

define('um-activity-panel', UmActivityPanel);

declare global {
  interface HTMLElementTagNameMap {
    'um-activity-panel': UmActivityPanel;
  }
}
