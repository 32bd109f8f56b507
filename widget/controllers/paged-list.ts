import { html, nothing, type ReactiveController, type ReactiveControllerHost } from 'lit';
import { Task, TaskStatus } from '@lit/task';
import { isAbortError, type ApiError } from '../api/client.ts';
import { labelCells, renderErrorRow, renderLoadingRow } from '../components/table-rows.ts';
import { renderPager } from '../components/pager.ts';
import { renderPanelHeader, type PanelHeaderAction } from '../components/panel-header.ts';
import '../components/row-menu.ts';
import type { RowMenuItem, UmRowMenu } from '../components/row-menu.ts';
import type { ConfirmOptions } from '../dialogs/confirm-dialog.ts';
import { announceError, type UmMenuSelectEvent } from '../events.ts';
import type { MessageKey } from '../locales/index.ts';
import { loaded } from '../lazy.ts';
import type { LocalizeController } from './localize.ts';
import { FIRST_PAGE, pageStart, pagerPosition } from './page-turn.ts';
import type { ListPage, ListQuery } from './page-turn.ts';

export type { ListPage, ListQuery };

type Host = ReactiveControllerHost & HTMLElement;

export interface PagedListOptions<Query extends ListQuery, Loaded, Row> {
  query: Query;
  /** Asks the BFF; the previous request is aborted when a newer one starts. */
  load(query: Query, signal: AbortSignal): Promise<Loaded>;
  /**
   * What a new request depends on (the host's client, say, and the query or part of it).
   * A list paged in the browser leaves the page out, so turning a page asks nothing.
   */
  args(query: Query): readonly unknown[];
  /** The page to show of what was loaded. */
  page(loaded: Loaded, query: Query): ListPage<Row>;
  /** The keys of the list's texts (each panel says "Loading users…" its own way). */
  text: {
    loading: MessageKey;
    retry: MessageKey;
    showing: MessageKey;
    /** "… of more than {count}", where a page's count is a bound (`ListPage.more`). */
    showingMore?: MessageKey;
    showingNone: MessageKey;
    /** The pager's name, where it differs from the panels' ("Pages"). */
    pagination?: MessageKey;
  };
  /** Id of the page-size select, unique within the host. */
  perPageId: string;
  /** The panel's heading (`renderHeader`); `focusable` where focus may be sent to it. */
  heading?: { id: string; text: MessageKey; focusable?: boolean };
}

const TEXT_DEBOUNCE_MS = 300;

/**
 * The machinery of a table panel (Users, API tokens), written once: the query (filters, order,
 * page) and the request that answers it, the loading, error and Retry rows, the pager, a reload
 * that keeps the rows on screen, the status line and the alert of a row action, and a busy state
 * per row action so that Resend or Delete cannot be sent twice and shows its progress. It also
 * draws the frame both panels share: the title row, the status line, alert and footer around the
 * table, the row menus, and the confirmation a Delete asks first. The panel keeps what is
 * particular to it: its filters, columns and actions.
 */
export class PagedListController<
  Query extends ListQuery,
  Loaded,
  Row,
> implements ReactiveController {
  /** The polite status line ("Invitation sent to …"). */
  status = '';
  /** A row action that failed (the table itself is fine), unless the host took the message. */
  actionError: ApiError | undefined;
  private actionErrorSuppressed = false;
  /** The host cancelled `um-error` for the last failed load: show only Retry. */
  private loadErrorSuppressed = false;
  /** After an action the list reloads with the rows kept on screen (and focus in them). */
  private softRefresh = false;
  private readonly busyRows = new Set<string | number>();
  private debounce: ReturnType<typeof setTimeout> | undefined;
  private current: Query;
  readonly task: Task<readonly unknown[], Loaded>;

  constructor(
    private readonly host: Host,
    private readonly localize: LocalizeController,
    private readonly options: PagedListOptions<Query, Loaded, Row>,
  ) {
    this.current = options.query;
    host.addController(this);
    this.task = new Task(host, {
      task: async (_args, { signal }) => {
        const query = this.current;
        try {
          return await options.load(query, signal);
        } catch (error) {
          if (!isAbortError(error)) {
            this.loadErrorSuppressed = announceError(host, error).suppressed;
          }
          throw error;
        } finally {
          if (!signal.aborted) this.softRefresh = false;
        }
      },
      args: () => options.args(this.current),
      onComplete: (loaded) => this.followCount(loaded),
    });
  }

  hostDisconnected(): void {
    clearTimeout(this.debounce);
  }

  /** The card layout of a narrow table shows each value under its column's name. */
  hostUpdated(): void {
    const table = this.host.shadowRoot?.querySelector('table');
    if (table) labelCells(table);
  }

  get query(): Query {
    return this.current;
  }

  /** A new question (filter, order, page) shows the loading row again. */
  set query(query: Query) {
    this.current = query;
    this.softRefresh = false;
    this.host.requestUpdate();
  }

  /** Any filter change starts again from page 1. */
  filter(change: Partial<Query>): void {
    this.query = { ...this.current, ...change, ...FIRST_PAGE };
  }

  /** Typing in a text filter asks once the typing pauses. */
  later(apply: () => void): void {
    clearTimeout(this.debounce);
    this.debounce = setTimeout(apply, TEXT_DEBOUNCE_MS);
  }

  cancelLater(): void {
    clearTimeout(this.debounce);
  }

  /** The page on screen: none while the first request is under way or after a failure. */
  get page(): ListPage<Row> | undefined {
    const loaded = this.task.value;
    if (this.task.status === TaskStatus.ERROR || loaded === undefined) return undefined;
    return this.options.page(loaded, this.current);
  }

  get pending(): boolean {
    return this.task.status === TaskStatus.PENDING;
  }

  /** Loads the current page again without blanking it. */
  refresh(): Promise<void> {
    this.softRefresh = true;
    void this.task.run();
    return this.task.taskComplete.then(
      () => undefined,
      () => undefined,
    );
  }

  /** Clears the status line and the alert: a new action begins. */
  resetOutcome(): void {
    this.status = '';
    this.actionError = undefined;
    this.host.requestUpdate();
  }

  /** Whether a row's action is under way. */
  isBusy(key: string | number): boolean {
    return this.busyRows.has(key);
  }

  /** A row's `aria-busy`: set while its action runs. */
  rowBusy(key: string | number): 'true' | typeof nothing {
    return this.busyRows.has(key) ? 'true' : nothing;
  }

  /**
   * Runs a row's action once at a time: the row shows it is busy meanwhile, a failure goes to
   * the alert (and `um-error`), and the list reloads afterwards, since the row may have changed
   * either way. `onError` sees a failure before the alert shows it (to offer a way out).
   */
  async act(
    key: string | number,
    action: () => Promise<string>,
    onError?: (error: ApiError) => void,
  ): Promise<void> {
    if (this.busyRows.has(key)) return undefined;
    this.busyRows.add(key);
    this.resetOutcome();
    try {
      this.status = await action();
    } catch (error) {
      const { error: apiError, suppressed } = announceError(this.host, error);
      onError?.(apiError);
      this.actionErrorSuppressed = suppressed;
      this.actionError = apiError;
    }
    await this.refresh();
    this.busyRows.delete(key);
    this.host.requestUpdate();
  }

  /**
   * A destructive row action (Delete): asks first in the host's `<um-confirm-dialog>`, focus going
   * back to `trigger`, then runs it as `act` does. Resolves whether it was confirmed.
   */
  async confirmThenAct(
    key: string | number,
    question: Omit<ConfirmOptions, 'danger'> & { trigger: HTMLElement | undefined },
    action: () => Promise<string>,
    onError?: (error: ApiError) => void,
  ): Promise<boolean> {
    const { trigger, ...text } = question;
    const root = this.host.shadowRoot;
    const dialog = root && (await loaded(root, 'um-confirm-dialog'));
    if (!dialog || !(await dialog.show({ ...text, danger: true }, trigger))) return false;
    await this.act(key, action, onError);
    return true;
  }

  /** The alert of a failed row action, with `extra` (a way out) inside it. */
  renderAlert(extra: unknown = nothing) {
    const error = this.actionError;
    if (!error || this.actionErrorSuppressed) return nothing;
    return html`<p class="alert" part="error" role="alert">
      ${this.localize.error(error)} ${extra}
    </p>`;
  }

  /** The panel's title row: the heading, and `action` (the button that opens its dialog). */
  renderHeader(action: PanelHeaderAction | undefined) {
    const heading = this.options.heading;
    if (!heading) return nothing;
    const { id, text, focusable } = heading;
    return renderPanelHeader({ id, heading: this.localize.t(text), focusable, action });
  }

  /**
   * What follows the panel's title row: the status line, the alert of a row action (with
   * `alertExtra`, a way out, inside it), the panel's filters, its table and the footer. The
   * table's scroll box takes focus, so a keyboard can scroll it sideways (the "⋯" column stays in
   * place, so tabbing through it scrolls nothing) and read the values it cuts short.
   */
  renderFrame(o: { filters: unknown; table: unknown; alertExtra?: unknown }) {
    return html`
      <p class="status-line" part="status" role="status">${this.status}</p>
      ${this.renderAlert(o.alertExtra)} ${o.filters}
      <div class="table-wrap" tabindex="0">${o.table}</div>
      ${this.renderFooter()}
    `;
  }

  /**
   * The table: the panel's column headers, a last header for the row menus where `actionsLabel`
   * names it, and the body (`renderBody`). The roles are explicit (on the panel's rows and cells
   * too): the narrow layout displays the table's parts as blocks and grids, and some browsers
   * drop a table's semantics then.
   */
  renderTable(o: {
    labelledBy: string;
    busy: boolean;
    headers: unknown;
    actionsLabel?: string | undefined;
    columns: number;
    rows: (page: ListPage<Row>) => unknown;
  }) {
    return html`
      <table
        part="table"
        role="table"
        aria-labelledby=${o.labelledBy}
        aria-busy=${o.busy ? 'true' : 'false'}
      >
        <thead>
          <tr role="row">
            ${o.headers}
            ${
              o.actionsLabel
                ? html`<th scope="col" part="header-cell" class="actions" role="columnheader">
                    <span class="visually-hidden">${o.actionsLabel}</span>
                  </th>`
                : nothing
            }
          </tr>
        </thead>
        <tbody>
          ${this.renderBody(o.columns, o.rows)}
        </tbody>
      </table>
    `;
  }

  /**
   * A row's "⋯" menu, busy while the row's action runs, with "Working…" beside it. `onSelect`
   * gets the chosen item and the menu's button, where focus returns.
   */
  renderRowMenu(
    key: string | number,
    o: {
      label: string;
      items: RowMenuItem[];
      onSelect(id: string, trigger: HTMLElement | undefined): void;
    },
  ) {
    const busy = this.isBusy(key);
    const select = (event: UmMenuSelectEvent) => {
      const menu = event.currentTarget as UmRowMenu;
      const trigger = menu.shadowRoot?.querySelector<HTMLElement>('[part~="menu-button"]');
      o.onSelect(event.detail.id, trigger ?? undefined);
    };
    return html`<um-row-menu
        exportparts="button, menu-button, menu, menu-item"
        .label=${o.label}
        .items=${o.items}
        ?busy=${busy}
        @menu-select=${select}
      ></um-row-menu
      >${
        busy
          ? html`<span class="row-busy" part="row-busy" role="status"
              >${this.localize.t('list.rowBusy')}</span
            >`
          : nothing
      }`;
  }

  /** The table's body: the loading row, the rows (kept during a soft refresh), or the error. */
  renderBody(columns: number, rows: (page: ListPage<Row>) => unknown) {
    const loading = () => renderLoadingRow(columns, this.localize.t(this.options.text.loading));
    const shown = () => {
      const page = this.page;
      return page ? rows(page) : loading();
    };
    return this.task.render({
      initial: loading,
      pending: () => (this.softRefresh && this.task.value !== undefined ? shown() : loading()),
      complete: shown,
      error: (error) =>
        renderErrorRow({
          columns,
          error,
          lang: this.localize.lang,
          suppressed: this.loadErrorSuppressed,
          retryLabel: this.localize.t(this.options.text.retry),
          onRetry: () => void this.task.run(),
        }),
    });
  }

  /** The pager and "Showing 1 - 10 of N entries"; while a page loads the previous count stays. */
  renderFooter() {
    const { limit } = this.current;
    // After a failed load there is nothing to count: "Showing 0 of 0" would say the list is empty.
    const failed = this.task.status === TaskStatus.ERROR;
    const page = failed ? undefined : this.page;
    const count = page?.count ?? 0;
    const shown = page?.rows.length ?? 0;
    const { showing, showingMore, showingNone } = this.options.text;
    // While another page loads, the links of the one on screen lead from the wrong place.
    const settled = this.pending ? undefined : page;
    const offset = settled?.offset ?? this.current.offset;
    const { current, pages } = pagerPosition({ offset, limit, count, hasNext: settled?.hasNext });
    const cursors = { ...settled?.cursors, last: page?.cursors?.last };
    return renderPager({
      current,
      pages,
      limit,
      summary: failed
        ? ''
        : count === 0 || shown === 0
          ? this.localize.t(showingNone)
          : this.localize.t(page?.more && showingMore ? showingMore : showing, {
              from: offset + 1,
              to: offset + shown,
              count,
            }),
      perPageId: this.options.perPageId,
      label: this.options.text.pagination && this.localize.t(this.options.text.pagination),
      lang: this.localize.lang,
      onGo: (n) =>
        (this.query = {
          ...this.current,
          ...FIRST_PAGE,
          ...pageStart(n, { current, pages, limit, count, cursors }),
        }),
      onPageSize: (size) => (this.query = { ...this.current, limit: size, ...FIRST_PAGE }),
    });
  }

  /**
   * When the list shrank below the page shown (people left, a stale pager offered a page that is
   * gone), show the last page that exists instead of an empty table or a page numbered past it.
   */
  private followCount(loaded: Loaded) {
    const query = this.current;
    const { rows, count, hasNext } = this.options.page(loaded, query);
    if (count === 0 || query.offset < count || (rows.length > 0 && hasNext !== false)) return;
    const offset = Math.floor((count - 1) / query.limit) * query.limit;
    this.query = { ...query, ...FIRST_PAGE, offset };
  }
}
