import { LitElement, html, nothing, type PropertyValues } from 'lit';
import { property, state } from 'lit/decorators.js';
import { Task, TaskStatus } from '@lit/task';
import type { ClientMe } from '../../shared/clients.ts';
import { actorOf, can, type Actor } from '../../shared/permissions.ts';
import { IAM_ROLES, isIamRoleId, type IamRoleId } from '../../shared/roles.ts';
import type { Token } from '../../shared/tokens.ts';
import { isAbortError, type ApiClient, type ApiError } from '../api/client.ts';
import '../components/row-menu.ts';
import type { UmRowMenu } from '../components/row-menu.ts';
import '../dialogs/confirm-dialog.ts';
import type { UmConfirmDialog } from '../dialogs/confirm-dialog.ts';
import '../dialogs/create-token-dialog.ts';
import type { UmCreateTokenDialog } from '../dialogs/create-token-dialog.ts';
import { announceError, type UmTokenCreatedEvent } from '../events.ts';
import { type MessageKey } from '../locales/index.ts';
import { controls } from '../styles/controls.ts';
import { panelFrame } from '../styles/panel.ts';
import { panelTable, tableStates } from '../styles/table.ts';
import { apiTokensPanelStyles } from './api-tokens-panel.styles.ts';
import { define } from '../define.ts';
import { renderErrorRow, renderLoadingRow } from '../components/table-rows.ts';
import { renderPager } from '../components/pager.ts';
import { LocalizeController } from '../controllers/localize.ts';
import { consume } from '@lit/context';
import { clientContext, meContext } from '../context.ts';

type TokenStatus = 'active' | 'expired' | 'deleted';
const TOKEN_STATUSES: readonly TokenStatus[] = ['active', 'expired', 'deleted'];

/** Whose tokens to show: set by the host, or by the Users panel's "Show their tokens". */
export interface TokenIssuer {
  userId: number;
  /** Shown in the Issuer filter while none of the listed tokens names this user. */
  email?: string;
}

function tokenStatus(token: Token): TokenStatus {
  return token.deleted ? 'deleted' : token.expired ? 'expired' : 'active';
}

interface Filters {
  status: TokenStatus;
  role: IamRoleId | '';
  issuer: number | '';
}

const DEFAULT_FILTERS: Filters = { status: 'active', role: '', issuer: '' };

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

  @consume({ context: clientContext, subscribe: true })
  @property({ attribute: false })
  client!: ApiClient;
  /** The account in scope and the caller's role in it: whether all tokens or one's own show. */
  @consume({ context: meContext, subscribe: true })
  @property({ attribute: false })
  me: ClientMe | undefined;
  /** Show this user's tokens (the Issuer filter); Administrators only. */
  @property({ attribute: false }) issuer: TokenIssuer | undefined;

  @state() private filters: Filters = { ...DEFAULT_FILTERS };
  @state() private limit = 10;
  @state() private offset = 0;
  @state() private errorSuppressed = false;
  @state() private status = '';
  @state() private actionError: ApiError | undefined;
  @state() private actionErrorSuppressed = false;
  /** Reloading after an action: keep the rows on screen meanwhile. */
  private softRefresh = false;

  /** The live list (Active and Expired) or the deleted one; reruns when that choice changes. */
  private readonly tokens = new Task(this, {
    task: async ([client, clientId, deleted], { signal }) => {
      if (!clientId) return undefined;
      try {
        return await client.listTokens(clientId, deleted ? { deleted: true } : {}, signal);
      } catch (error) {
        if (!isAbortError(error)) this.report(error);
        throw error;
      } finally {
        if (!signal.aborted) this.softRefresh = false;
      }
    },
    args: () => [this.client, this.me?.id, this.filters.status === 'deleted'] as const,
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

  protected override willUpdate(changed: PropertyValues<this>): void {
    if (changed.has('issuer') && this.issuer) {
      this.filters = { ...DEFAULT_FILTERS, issuer: this.issuer.userId };
      this.offset = 0;
    }
    if (changed.has('client') || changed.has('me')) this.softRefresh = false;
  }

  /** The fetched tokens that pass the filters. */
  private get filtered(): Token[] {
    const { status, role, issuer } = this.filters;
    return (this.tokens.value ?? []).filter(
      (token) =>
        tokenStatus(token) === status &&
        (role === '' || token.client_user.role.id === role) &&
        (issuer === '' || token.client_user.user_id === issuer),
    );
  }

  private get hasFilters(): boolean {
    const { status, role, issuer } = this.filters;
    return status !== DEFAULT_FILTERS.status || role !== '' || issuer !== '';
  }

  override render() {
    return html`
      <section part="panel" aria-labelledby="tokens-heading">
        <div class="header">
          <h2 id="tokens-heading" part="heading" tabindex="-1">
            ${this.localize.t('tokens.heading')}
          </h2>
          ${
            this.mayCreate && this.me
              ? html`<button
                  type="button"
                  class="primary"
                  part="button create-token-button"
                  data-action="create-token"
                  aria-haspopup="dialog"
                  @click=${this.openCreate}
                >
                  ${this.localize.t('tokens.create.open')}
                </button>`
              : nothing
          }
        </div>
        <div class="intro">
          <p>${this.localize.t('tokens.intro')}</p>
          <p>${this.localize.t('tokens.introDelete')}</p>
        </div>
        <p class="status-line" part="status" role="status">${this.status}</p>
        ${
          this.actionError && !this.actionErrorSuppressed
            ? html`<p class="alert" part="error" role="alert">
                ${this.localize.error(this.actionError)}
              </p>`
            : nothing
        }
        ${this.renderFilters()}
        <div class="table-wrap">${this.renderTable()}</div>
        ${this.renderFooter()}
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

  /** Issuers to filter by: those of the fetched tokens, and the one asked for. */
  private issuerOptions(): { userId: number; label: string }[] {
    const seen = new Map<number, string>();
    for (const token of this.tokens.value ?? []) {
      const issuer = token.client_user;
      if (seen.has(issuer.user_id)) continue;
      const who = issuer.user_name
        ? `${issuer.user_name} (${issuer.user_email})`
        : issuer.user_email;
      seen.set(
        issuer.user_id,
        issuer.deleted ? this.localize.t('tokens.issuerDeleted', { who }) : who,
      );
    }
    const wanted = this.filters.issuer;
    if (wanted !== '' && !seen.has(wanted)) {
      const email = this.issuer?.userId === wanted ? this.issuer.email : undefined;
      seen.set(wanted, email ?? `#${wanted}`);
    }
    return [...seen]
      .map(([userId, label]) => ({ userId, label }))
      .sort((a, b) => a.label.localeCompare(b.label));
  }

  private renderFilters() {
    const f = this.filters;
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
              this.setFilters({ status: (e.target as HTMLSelectElement).value as TokenStatus })}
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
              this.setFilters({ role: isIamRoleId(value) ? value : '' });
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
                    this.setFilters({ issuer: value ? Number(value) : '' });
                  }}
                >
                  <option value="" ?selected=${f.issuer === ''}>
                    ${this.localize.t('tokens.filter.all')}
                  </option>
                  ${this.issuerOptions().map(
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
    const pending = this.tokens.status === TaskStatus.PENDING || !this.me;
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
    return html`
      <table part="table" aria-labelledby="tokens-heading" aria-busy=${pending ? 'true' : 'false'}>
        <thead>
          <tr>
            ${columns.map((key) => html`<th scope="col" part="header-cell">${this.localize.t(key)}</th>`)}
            <th scope="col" part="header-cell">
              <span class="visually-hidden">${this.localize.t('tokens.column.actions')}</span>
            </th>
          </tr>
        </thead>
        <tbody>
          ${
            !this.me
              ? this.renderLoading()
              : this.tokens.render({
                  initial: () => this.renderLoading(),
                  pending: () =>
                    this.softRefresh && this.tokens.value
                      ? this.renderRows()
                      : this.renderLoading(),
                  complete: () => this.renderRows(),
                  error: (error) => this.renderError(error),
                })
          }
        </tbody>
      </table>
    `;
  }

  private renderLoading() {
    return renderLoadingRow(this.columnCount, this.localize.t('tokens.loading'));
  }

  /** The page shown: the offset falls back to the last page when the list shrank below it. */
  private get page(): { from: number; rows: Token[]; count: number } {
    const all = this.filtered;
    const count = all.length;
    const from =
      count === 0 ? 0 : Math.min(this.offset, Math.floor((count - 1) / this.limit) * this.limit);
    return { from, rows: all.slice(from, from + this.limit), count };
  }

  private renderRows() {
    const { rows } = this.page;
    if (rows.length === 0) {
      const empty = (this.tokens.value ?? []).length === 0 && this.filters.status === 'active';
      return html`
        <tr class="state empty" part="empty">
          <td colspan=${this.columnCount}>
            <p>
              ${this.localize.t(empty && !this.hasFilters ? 'tokens.emptyAccount' : 'tokens.empty')}
            </p>
            ${
              this.hasFilters
                ? html`<button type="button" part="button" @click=${this.clearFilters}>
                    ${this.localize.t('tokens.clearFilters')}
                  </button>`
                : nothing
            }
          </td>
        </tr>
      `;
    }
    return rows.map((token) => this.renderRow(token));
  }

  private formatDate(iso: string, options: Intl.DateTimeFormatOptions): string {
    const date = new Date(iso);
    if (Number.isNaN(date.getTime())) return iso;
    try {
      return new Intl.DateTimeFormat(this.localize.lang, options).format(date);
    } catch {
      return new Intl.DateTimeFormat('en', options).format(date);
    }
  }

  private renderRow(token: Token) {
    const issuer = token.client_user;
    const roleId = issuer.role.id;
    const role = isIamRoleId(roleId) ? this.localize.t(`role.${roleId}`) : issuer.role.name;
    const status = tokenStatus(token);
    // The expiration is a day chosen in UTC (the end of it): show that day wherever the reader is.
    const expire = token.exp_date
      ? this.formatDate(token.exp_date, { dateStyle: 'medium', timeZone: 'UTC' })
      : this.localize.t('tokens.never');
    const start = this.formatDate(token.created, { dateStyle: 'medium' });
    const lastUsage = token.last_usage
      ? this.formatDate(token.last_usage, { dateStyle: 'medium', timeStyle: 'short' })
      : this.localize.t('tokens.notUsed');
    return html`
      <tr part="row" data-token-id=${token.id}>
        <td part="cell">${token.id}</td>
        <td part="cell" title=${token.name}>${token.name}</td>
        <td part="cell" class="issuer">${this.renderIssuer(token)}</td>
        <td part="cell" title=${role}>${role}</td>
        <td part="cell">
          <span class="badge ${status}">${this.localize.t(`tokens.status.${status}`)}</span>
        </td>
        <td part="cell">${expire}</td>
        <td part="cell" title=${token.description ?? ''}>${token.description ?? ''}</td>
        <td part="cell">${start}</td>
        <td part="cell">${lastUsage}</td>
        <td part="cell" class="actions">
          ${
            token.deleted
              ? nothing
              : html`<um-row-menu
                  exportparts="button, menu-button, menu, menu-item"
                  .label=${this.localize.t('tokens.actionsFor', { name: token.name })}
                  .items=${[{ id: 'delete', label: this.localize.t('tokens.action.delete'), danger: true }]}
                  @menu-select=${(event: CustomEvent<{ id: string }>) =>
                    this.confirmDelete(token, event.currentTarget as UmRowMenu)}
                ></um-row-menu>`
          }
        </td>
      </tr>
    `;
  }

  private renderIssuer(token: Token) {
    const issuer = token.client_user;
    const name = issuer.user_name ?? '';
    if (!issuer.deleted) {
      return html`<span title=${issuer.user_email}>
        ${name ? html`<span class="issuer-name">${name}</span>` : nothing}
        <span class="issuer-email">${issuer.user_email}</span>
      </span>`;
    }
    const tip = `deleted-issuer-${token.id}`;
    return html`<span
        class="deleted-issuer"
        part="deleted-issuer"
        tabindex="0"
        aria-describedby=${tip}
        @keydown=${(e: KeyboardEvent) => {
          if (e.key === 'Escape') (e.currentTarget as HTMLElement).classList.add('dismissed');
        }}
        @blur=${(e: FocusEvent) => (e.currentTarget as HTMLElement).classList.remove('dismissed')}
        @mouseleave=${(e: MouseEvent) =>
          (e.currentTarget as HTMLElement).classList.remove('dismissed')}
        >${name ? html`<s>${name}</s> ` : nothing}<s>${issuer.user_email}</s></span
      ><span
        role="tooltip"
        part="tooltip"
        id=${tip}
        aria-label=${this.localize.t('tokens.issuerDeletedTip')}
        >${this.localize.t('tokens.issuerDeletedTip')}</span
      >`;
  }

  private renderError(error: unknown) {
    return renderErrorRow({
      columns: this.columnCount,
      error,
      lang: this.localize.lang,
      suppressed: this.errorSuppressed,
      retryLabel: this.localize.t('tokens.retry'),
      onRetry: () => void this.tokens.run(),
    });
  }

  private renderFooter() {
    const failed = this.tokens.status === TaskStatus.ERROR || !this.tokens.value;
    const { from, rows, count } = failed ? { from: 0, rows: [], count: 0 } : this.page;
    const limit = this.limit;
    const pages = Math.max(1, Math.ceil(count / limit));
    const current = Math.floor(from / limit) + 1;
    const summary =
      rows.length === 0
        ? this.localize.t('tokens.showingNone')
        : this.localize.t('tokens.showing', { from: from + 1, to: from + rows.length, count });
    return renderPager({
      current,
      pages,
      limit,
      summary,
      perPageId: 'tokens-per-page',
      lang: this.localize.lang,
      onGo: (n) => this.goTo(n),
      onPageSize: (size) => {
        this.limit = size;
        this.offset = 0;
      },
    });
  }

  private report(error: unknown) {
    this.errorSuppressed = announceError(this, error).suppressed;
  }

  private setFilters(change: Partial<Filters>) {
    this.filters = { ...this.filters, ...change };
    this.offset = 0;
  }

  private clearFilters() {
    this.setFilters(DEFAULT_FILTERS);
  }

  private goTo(page: number) {
    const { from } = this.page;
    this.offset = Math.max(0, from + (page - (Math.floor(from / this.limit) + 1)) * this.limit);
  }

  /** Reloads the list without blanking the table. */
  private refresh() {
    this.softRefresh = true;
    void this.tokens.run();
  }

  private openCreate() {
    this.status = '';
    this.actionError = undefined;
    const opener = this.renderRoot.querySelector<HTMLButtonElement>('[data-action="create-token"]');
    void this.renderRoot
      .querySelector<UmCreateTokenDialog>('um-create-token-dialog')
      ?.show(opener ?? undefined);
  }

  private onCreated(_event: UmTokenCreatedEvent) {
    this.status = this.localize.t('tokens.created');
    if (this.filters.status !== 'active') this.setFilters({ status: 'active' });
    this.refresh();
  }

  private async confirmDelete(token: Token, menu: UmRowMenu) {
    this.status = '';
    this.actionError = undefined;
    const me = this.me;
    const dialog = this.renderRoot.querySelector<UmConfirmDialog>('um-confirm-dialog');
    if (!me || !dialog) return;
    const trigger = menu.shadowRoot?.querySelector<HTMLElement>('[part~="menu-button"]');
    const confirmed = await dialog.show(
      {
        heading: this.localize.t('tokens.delete.heading'),
        message: this.localize.t('tokens.delete.message', { name: token.name }),
        confirmLabel: this.localize.t('tokens.delete.confirm'),
        danger: true,
      },
      trigger ?? undefined,
    );
    if (!confirmed) return;
    try {
      await this.client.deleteToken(me.id, token.id);
      this.status = this.localize.t('tokens.deleted', { name: token.name });
    } catch (error) {
      const { error: apiError, suppressed } = announceError(this, error);
      this.actionErrorSuppressed = suppressed;
      this.actionError = apiError;
    }
    this.refresh();
    await this.tokens.taskComplete.catch(() => undefined);
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
