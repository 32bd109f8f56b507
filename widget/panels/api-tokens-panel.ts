import { LitElement, html, nothing, type PropertyValues } from 'lit';
import { property } from 'lit/decorators.js';
import type { ClientMe } from '../../shared/clients.ts';
import { actorOf, can, type Actor } from '../../shared/permissions.ts';
import { IAM_ROLES, isIamRoleId } from '../../shared/roles.ts';
import type { Token } from '../../shared/tokens.ts';
import { type ApiClient } from '../api/client.ts';
import { loaded } from '../lazy.ts';
import type { UmTokenCreatedEvent } from '../events.ts';
import { type MessageKey } from '../locales/index.ts';
import { controls } from '../styles/controls.ts';
import { panelFrame } from '../styles/panel.ts';
import { panelTable, tableStates } from '../styles/table.ts';
import { apiTokensPanelStyles } from './api-tokens-panel.styles.ts';
import { define } from '../define.ts';
import '../locales/en.ts'; // its English texts come with it (decision 031)
import { PagedListController, type ListQuery } from '../controllers/paged-list.ts';
import type { PanelHeaderAction } from '../components/panel-header.ts';
import { renderEmptyRow } from '../components/table-rows.ts';
import { LocalizeController } from '../controllers/localize.ts';
import { clientContext, meContext, provided } from '../context.ts';
import {
  DEFAULT_FILTERS,
  TOKEN_STATUSES,
  issuerOptions,
  passes,
  renderIssuer,
  tokenStatus,
  type TokenFilters,
  type TokenIssuer,
  type TokenStatus,
} from './token-issuer.ts';

type TokensQuery = TokenFilters & ListQuery;

/** Columns of long text: they share the width the other columns leave, cut short with an ellipsis. */
const LONG_COLUMNS = new Set<MessageKey>([
  'tokens.column.name',
  'tokens.column.issuedBy',
  'tokens.column.role',
  'tokens.column.description',
]);

/**
 * The API tokens panel (PRODUCT.md "API tokens panel"): the caller's tokens, or every token of the
 * account for an Administrator (`GET /iam/v2/clients/{id}/tokens`). Active and Expired tokens come
 * from the live list (split by `expired`), Deleted ones from `deleted=true`; the Role and Issuer
 * filters and the paging work on the fetched list (an account holds at most 100 live tokens).
 * "Create token" opens the create dialog; a row's "Delete" asks first, then deletes and reloads.
 * A deleted issuer's name and email are crossed out; hovering or focusing them shows "The user has
 * been deleted" (a tooltip referenced by `aria-describedby`; Escape hides it).
 */
export class UmApiTokensPanel extends LitElement {
  static override styles = [controls, panelFrame, panelTable, tableStates, apiTokensPanelStyles];

  private readonly localize = new LocalizeController(this);

  @provided(clientContext) client!: ApiClient;
  /** The account in scope and the caller's role in it: whether all tokens or one's own show. */
  @provided(meContext) me: ClientMe | undefined;
  /** Show this user's tokens (the Issuer filter); Administrators only. */
  @property({ attribute: false }) issuer: TokenIssuer | undefined;

  /**
   * The live list (Active and Expired) or the deleted one, asked again only when that choice
   * changes; the other filters and the paging work on it here (an account holds at most 100 live
   * tokens).
   */
  private readonly list = new PagedListController(this, this.localize, {
    query: { ...DEFAULT_FILTERS, limit: 10, offset: 0 } as TokensQuery,
    load: (query, signal) =>
      this.me
        ? this.client.listTokens(
            this.me.id,
            query.status === 'deleted' ? { deleted: true } : {},
            signal,
          )
        : Promise.resolve(undefined),
    args: (query) => [this.client, this.me?.id, query.status === 'deleted'],
    page: (tokens: Token[] | undefined, query) => {
      const all = (tokens ?? []).filter((token) => passes(token, query));
      return { rows: all.slice(query.offset, query.offset + query.limit), count: all.length };
    },
    text: {
      loading: 'tokens.loading',
      retry: 'tokens.retry',
      showing: 'tokens.showing',
      showingNone: 'tokens.showingNone',
    },
    perPageId: 'tokens-per-page',
    heading: { id: 'tokens-heading', text: 'tokens.heading', focusable: true },
  });

  private get actor(): Actor | undefined {
    return actorOf(this.me);
  }

  private get managesAll(): boolean {
    const actor = this.actor;
    return actor ? can(actor, 'tokens.manage_all') : false;
  }

  private get mayCreate(): boolean {
    const actor = this.actor;
    return actor ? can(actor, 'tokens.own') : false;
  }

  /** "Create token" in the title row. */
  private get headerAction(): PanelHeaderAction | undefined {
    if (!this.mayCreate || !this.me) return undefined;
    const label = this.localize.t('tokens.create.open');
    return { name: 'create-token', label, onClick: (opener) => void this.openCreate(opener) };
  }

  protected override willUpdate(changed: PropertyValues<this>): void {
    if (changed.has('issuer') && this.issuer) {
      this.list.filter({ ...DEFAULT_FILTERS, issuer: this.issuer.userId });
    }
  }

  private get hasFilters(): boolean {
    const { status, role, issuer } = this.list.query;
    return status !== DEFAULT_FILTERS.status || role !== '' || issuer !== '';
  }

  override render() {
    return html`
      <section part="panel" aria-labelledby="tokens-heading">
        ${this.list.renderHeader(this.headerAction)}
        <div class="intro">
          <p>${this.localize.t('tokens.intro')}</p>
          <p>${this.localize.t('tokens.introDelete')}</p>
        </div>
        ${this.list.renderFrame({ filters: this.renderFilters(), table: this.renderTable() })}
      </section>
      ${
        this.me
          ? html`<um-create-token-dialog
              exportparts="dialog, input, button, error, field-error, token-secret"
              @um-token-created=${this.onCreated}
            ></um-create-token-dialog>`
          : nothing
      }
      <um-confirm-dialog exportparts="dialog, button"></um-confirm-dialog>
    `;
  }

  private renderFilters() {
    const f = this.list.query;
    return html`
      <div
        class="filters"
        part="filters"
        role="search"
        aria-label=${this.localize.t('tokens.filters')}
      >
        <label class="field">
          <span>${this.localize.t('tokens.filter.status')}</span>
          <select
            part="input"
            name="status"
            @change=${(e: Event) =>
              this.list.filter({ status: (e.target as HTMLSelectElement).value as TokenStatus })}
          >
            ${TOKEN_STATUSES.map(
              (status) =>
                html`<option value=${status} ?selected=${f.status === status}>
                  ${this.localize.t(`tokens.status.${status}`)}
                </option>`,
            )}
          </select>
        </label>
        <label class="field">
          <span>${this.localize.t('tokens.filter.role')}</span>
          <select
            part="input"
            name="role"
            @change=${(e: Event) => {
              const value = Number((e.target as HTMLSelectElement).value);
              this.list.filter({ role: isIamRoleId(value) ? value : '' });
            }}
          >
            <option value="" ?selected=${f.role === ''}>
              ${this.localize.t('tokens.filter.all')}
            </option>
            ${IAM_ROLES.map(
              (role) =>
                html`<option value=${role.id} ?selected=${f.role === role.id}>
                  ${this.localize.t(`role.${role.id}`)}
                </option>`,
            )}
          </select>
        </label>
        ${
          this.managesAll
            ? html`<label class="field">
                <span>${this.localize.t('tokens.filter.issuer')}</span>
                <select
                  part="input"
                  name="issuer"
                  @change=${(e: Event) => {
                    const value = (e.target as HTMLSelectElement).value;
                    this.list.filter({ issuer: value ? Number(value) : '' });
                  }}
                >
                  <option value="" ?selected=${f.issuer === ''}>
                    ${this.localize.t('tokens.filter.all')}
                  </option>
                  ${issuerOptions(
                    this.list.task.value ?? [],
                    f.issuer,
                    this.issuer,
                    this.localize,
                  ).map(
                    (option) =>
                      html`<option value=${option.userId} ?selected=${f.issuer === option.userId}>
                        ${option.label}
                      </option>`,
                  )}
                </select>
              </label>`
            : nothing
        }
      </div>
    `;
  }

  private get columnCount(): number {
    return 10;
  }

  private renderTable() {
    const columns: MessageKey[] = [
      'tokens.column.id',
      'tokens.column.name',
      'tokens.column.issuedBy',
      'tokens.column.role',
      'tokens.column.status',
      'tokens.column.expire',
      'tokens.column.description',
      'tokens.column.start',
      'tokens.column.lastUsage',
    ];
    return this.list.renderTable({
      labelledBy: 'tokens-heading',
      busy: this.list.pending || !this.me,
      headers: columns.map(
        (key) =>
          html`<th
            scope="col"
            part="header-cell"
            role="columnheader"
            class=${LONG_COLUMNS.has(key) ? 'long' : ''}
          >
            ${this.localize.t(key)}
          </th>`,
      ),
      actionsLabel: this.localize.t('tokens.column.actions'),
      columns: this.columnCount,
      rows: (page) => this.renderRows(page.rows),
    });
  }

  private renderRows(rows: Token[]) {
    if (rows.length === 0) {
      const empty =
        (this.list.task.value ?? []).length === 0 && this.list.query.status === 'active';
      return renderEmptyRow({
        columns: this.columnCount,
        message: this.localize.t(
          empty && !this.hasFilters ? 'tokens.emptyAccount' : 'tokens.empty',
        ),
        clearLabel: this.hasFilters ? this.localize.t('tokens.clearFilters') : undefined,
        onClear: () => this.clearFilters(),
      });
    }
    return rows.map((token) => this.renderRow(token));
  }

  private renderRow(token: Token) {
    const issuer = token.client_user;
    const roleId = issuer.role.id;
    const role = isIamRoleId(roleId) ? this.localize.t(`role.${roleId}`) : issuer.role.name;
    const status = tokenStatus(token);
    // The expiration is a day chosen in UTC (the end of it): show that day wherever the reader is.
    const expire = token.exp_date
      ? this.localize.date(token.exp_date, { dateStyle: 'medium', timeZone: 'UTC' })
      : this.localize.t('tokens.never');
    const start = this.localize.date(token.created, { dateStyle: 'medium' });
    const lastUsage = token.last_usage
      ? this.localize.date(token.last_usage, { dateStyle: 'medium', timeStyle: 'short' })
      : this.localize.t('tokens.notUsed');
    return html`
      <tr part="row" role="row" data-token-id=${token.id} aria-busy=${this.list.rowBusy(token.id)}>
        <td part="cell" role="cell">${token.id}</td>
        <td part="cell" role="cell" class="lead long" title=${token.name}>${token.name}</td>
        <td part="cell" role="cell" class="long issuer">${renderIssuer(token, this.localize)}</td>
        <td part="cell" role="cell" class="long" title=${role}>${role}</td>
        <td part="cell" role="cell">
          <span class="badge ${status}">${this.localize.t(`tokens.status.${status}`)}</span>
        </td>
        <td part="cell" role="cell">${expire}</td>
        <td part="cell" role="cell" class="long" title=${token.description ?? ''}>
          ${token.description ?? ''}
        </td>
        <td part="cell" role="cell">${start}</td>
        <td part="cell" role="cell">${lastUsage}</td>
        <td part="cell" role="cell" class="actions">
          ${
            token.deleted
              ? nothing
              : this.list.renderRowMenu(token.id, {
                  label: this.localize.t('tokens.actionsFor', { name: token.name }),
                  items: [
                    { id: 'delete', label: this.localize.t('tokens.action.delete'), danger: true },
                  ],
                  onSelect: (_id, trigger) => void this.confirmDelete(token, trigger),
                })
          }
        </td>
      </tr>
    `;
  }

  private clearFilters() {
    this.list.filter(DEFAULT_FILTERS);
  }

  private async openCreate(opener: HTMLElement) {
    this.list.resetOutcome();
    void (await loaded(this.renderRoot, 'um-create-token-dialog'))?.show(opener);
  }

  private onCreated(_event: UmTokenCreatedEvent) {
    this.list.status = this.localize.t('tokens.created');
    if (this.list.query.status !== 'active') this.list.filter({ status: 'active' });
    void this.list.refresh();
  }

  private async confirmDelete(token: Token, trigger: HTMLElement | undefined) {
    this.list.resetOutcome();
    const me = this.me;
    if (!me) return;
    const question = {
      heading: this.localize.t('tokens.delete.heading'),
      message: this.localize.t('tokens.delete.message', { name: token.name }),
      confirmLabel: this.localize.t('tokens.delete.confirm'),
      trigger,
    };
    const deleted = await this.list.confirmThenAct(token.id, question, async () => {
      await this.client.deleteToken(me.id, token.id);
      return this.localize.t('tokens.deleted', { name: token.name });
    });
    if (!deleted) return;
    await this.updateComplete;
    // The row (and its menu button, which had focus) is gone: keep focus in the panel.
    if (trigger && !trigger.isConnected) {
      this.renderRoot.querySelector<HTMLElement>('#tokens-heading')?.focus();
    }
  }
}

define('um-api-tokens-panel', UmApiTokensPanel);

declare global {
  interface HTMLElementTagNameMap {
    'um-api-tokens-panel': UmApiTokensPanel;
  }
}
