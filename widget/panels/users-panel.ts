import { LitElement, html, nothing } from 'lit';
import { state } from 'lit/decorators.js';
import { isIamRoleId } from '../../shared/roles.ts';
import type { ClientMe } from '../../shared/clients.ts';
import { actorOf, can, type Actor } from '../../shared/permissions.ts';
import type { User } from '../../shared/users.ts';
import type { ApiClient } from '../api/client.ts';
import type { UmEditUserDialog } from '../dialogs/edit-user-dialog.ts';
import { loaded, loadOnFirstUse } from '../lazy.ts';
import { usersRowActions, type RowAction } from './users-row-actions.ts';
import {
  UmShowTokensEvent,
  UmUserDeletedEvent,
  type UmUserInvitedEvent,
  type UmUsersInvitedEvent,
  type UmUserUpdatedEvent,
} from '../events.ts';
import { type MessageKey } from '../locales/index.ts';
import { controls } from '../styles/controls.ts';
import { panelFrame } from '../styles/panel.ts';
import { panelTable, tableStates } from '../styles/table.ts';
import { PagedListController } from '../controllers/paged-list.ts';
import type { PanelHeaderAction } from '../components/panel-header.ts';
import { renderEmptyRow } from '../components/table-rows.ts';
import { usersPanelStyles } from './users-panel.styles.ts';
import { define } from '../define.ts';
import { LocalizeController } from '../controllers/localize.ts';
import {
  EMPTY_FILTERS,
  renderUsersFilters,
  hasUsersFilters,
  type SortField,
  type TextFilter,
  type UsersQueryState,
  usersListPage,
  usersParams,
} from './users-filters.ts';
import { clientContext, meContext, provided } from '../context.ts';

const LONG_COLUMNS = new Set<MessageKey>([
  'users.column.email',
  'users.column.name',
  'users.column.role',
]);

/**
 * The Users panel: filters, the table and paging of the account's users. Every filter, the order
 * and the page are query parameters of `GET /iam/users`; the server does the work. For an
 * Administrator it adds "Invite user" (the dialog) and a row menu with "Edit" (the Edit user
 * dialog), "Resend invite" and "Delete" (after a confirmation; refused while the user holds
 * active API tokens, when the alert offers "Show their tokens": the `um-show-tokens` event). What
 * is offered follows `can()` of shared/permissions.ts, the BFF enforces it.
 */
export class UmUsersPanel extends LitElement {
  static override styles = [controls, panelFrame, panelTable, tableStates, usersPanelStyles];

  private readonly localize = new LocalizeController(this);

  /** The table's question (filters, order, page); a new one aborts the previous request. */
  private readonly list = new PagedListController(this, this.localize, {
    query: { ...EMPTY_FILTERS, ordering: '', limit: 10, offset: 0 } as UsersQueryState,
    load: (query, signal) => this.client.listUsers(usersParams(query), signal),
    args: (query) => [this.client, query],
    page: usersListPage,
    text: {
      loading: 'users.loading',
      retry: 'users.retry',
      showing: 'users.showing',
      showingNone: 'users.showingNone',
    },
    perPageId: 'per-page',
    heading: { id: 'users-heading', text: 'users.heading', focusable: true },
  });

  /** What is typed in the text filters, ahead of the debounced query. */
  @state() private typed: Record<TextFilter, string> = { id: '', email: '', name: '' };
  /** The user whose deletion was refused for their active tokens: the alert links to them. */
  @state() private refusedUser: User | undefined;

  @provided(clientContext) client!: ApiClient;
  /** The account in scope and the caller's role in it (`GET /iam/clients/me`); decides what is offered. */
  @provided(meContext) me: ClientMe | undefined;

  private get actor(): Actor | undefined {
    return actorOf(this.me);
  }

  private may(action: Parameters<typeof can>[1], target?: { userId: number }): boolean {
    const actor = this.actor;
    return actor ? can(actor, action, target) : false;
  }

  /** The row menu's items for one user; empty means no menu on that row. */
  private rowActions(user: User) {
    const actor = this.actor;
    return actor ? usersRowActions(actor, user, this.me?.currentUser, this.localize) : [];
  }

  /** "Invite user" in the title row, for those who may invite. */
  private get headerAction(): PanelHeaderAction | undefined {
    if (!this.may('users.invite')) return undefined;
    const label = this.localize.t('invite.open');
    return { name: 'invite', label, onClick: (opener) => void this.openInvite(opener) };
  }

  /** Whether any row can have a menu: then the table has its "⋯" column. */
  private get hasActions(): boolean {
    return (
      this.may('users.resend_invite') || this.may('users.change_role') || this.may('users.delete')
    );
  }

  private get columnCount(): number {
    return this.hasActions ? 8 : 7;
  }

  override render() {
    return html`
      <section part="panel" aria-labelledby="users-heading">
        ${this.list.renderHeader(this.headerAction)}
        ${
          this.me?.two_fa_requirement?.required && this.may('account.remind_two_fa')
            ? html`<um-two-fa-reminder
                ${loadOnFirstUse()}
                exportparts="button, status, error"
                @um-show-noncompliant=${() => this.list.filter({ twoFa: 'noncompliant' })}
              ></um-two-fa-reminder>`
            : nothing
        }
        ${this.list.renderFrame({
          alertExtra: this.refusedUser
            ? html`<button
                type="button"
                part="button show-tokens"
                data-action="show-tokens"
                @click=${this.showTokens}
              >
                ${this.localize.t('users.showTokens')}
              </button>`
            : nothing,
          filters: this.renderFilters(),
          table: this.renderTable(),
        })}
      </section>
      ${
        this.may('users.invite') && this.me
          ? html`<um-invite-user-dialog
              exportparts="dialog, input, button, error, field-error"
              .clientId=${this.me.id}
              @um-user-invited=${this.onInvited}
              @um-users-invited=${this.onManyInvited}
            ></um-invite-user-dialog>`
          : nothing
      }
      ${
        this.may('users.change_role') && this.me
          ? html`<um-edit-user-dialog
              exportparts="dialog, input, button, error, field-error"
              @um-user-updated=${this.onUpdated}
            ></um-edit-user-dialog>`
          : nothing
      }
      <!-- Inert until the row menu's "Last logins" (offered where can() allows) opens it. -->
      <um-user-logins-dialog exportparts="dialog, button"></um-user-logins-dialog>
      ${
        this.may('users.delete')
          ? html`<um-confirm-dialog exportparts="dialog, button"></um-confirm-dialog>`
          : nothing
      }
    `;
  }

  private renderFilters() {
    return renderUsersFilters({
      query: this.list.query,
      typed: this.typed,
      idValid: this.idValid,
      localize: this.localize,
      twoFaRequired: this.me?.two_fa_requirement?.required,
      onType: (name, value) => this.onType(name, value),
      onFilter: (change) => this.list.filter(change),
    });
  }

  private renderTable() {
    const columns: [MessageKey, SortField | undefined][] = [
      ['users.column.id', 'id'],
      ['users.column.email', 'email'],
      ['users.column.name', 'name'],
      ['users.column.role', undefined],
      ['users.column.language', undefined],
      ['users.column.status', undefined],
      ['users.column.twoFa', undefined],
    ];
    return this.list.renderTable({
      labelledBy: 'users-heading',
      busy: this.list.pending,
      headers: columns.map(([key, field]) => this.renderHeader(key, field)),
      actionsLabel: this.hasActions ? this.localize.t('users.column.actions') : undefined,
      columns: this.columnCount,
      rows: (page) => this.renderRows(page.rows),
    });
  }

  private renderHeader(key: MessageKey, field: SortField | undefined) {
    // Email, Name and Role hold long text: they share the width the other columns leave.
    const long = LONG_COLUMNS.has(key) ? 'long' : '';
    if (!field) {
      return html`<th scope="col" part="header-cell" role="columnheader" class=${long}>
        ${this.localize.t(key)}
      </th>`;
    }
    const ordering = this.list.query.ordering;
    const sort =
      ordering === field ? 'ascending' : ordering === `-${field}` ? 'descending' : undefined;
    const arrow = sort === 'ascending' ? '↑' : sort === 'descending' ? '↓' : '↕';
    return html`
      <th
        scope="col"
        part="header-cell"
        role="columnheader"
        class=${long}
        aria-sort=${sort ?? nothing}
      >
        <button type="button" data-sort=${field} @click=${() => this.sortBy(field)}>
          ${this.localize.t(key)}<span aria-hidden="true">${arrow}</span>
        </button>
      </th>
    `;
  }

  private renderRows(users: User[]) {
    if (users.length === 0) {
      const filtered = hasUsersFilters(this.list.query);
      return renderEmptyRow({
        columns: this.columnCount,
        message: this.localize.t(filtered ? 'users.empty' : 'users.emptyAccount'),
        clearLabel: filtered ? this.localize.t('users.clearFilters') : undefined,
        onClear: () => this.clearFilters(),
      });
    }
    return users.map((user) => this.renderRow(user));
  }

  private renderRow(user: User) {
    const role = user.groups[0];
    const roleLabel =
      role && isIamRoleId(role.id) ? this.localize.t(`role.${role.id}`) : (role?.name ?? '');
    return html`
      <tr part="row" role="row" data-user-id=${user.id} aria-busy=${this.list.rowBusy(user.id)}>
        <td part="cell" role="cell">${user.id}</td>
        <td part="cell" role="cell" class="lead long" title=${user.email}>${user.email}</td>
        <td part="cell" role="cell" class="long" title=${user.name ?? ''}>
          ${user.name ?? this.localize.t('users.noName')}
        </td>
        <td part="cell" role="cell" class="long" title=${roleLabel}>${roleLabel}</td>
        <td part="cell" role="cell">${this.localize.t(`lang.${user.lang}`)}</td>
        <td part="cell" role="cell">${this.localize.t(`status.${user.status}`)}</td>
        <td part="cell" role="cell">
          ${this.localize.t(user.two_fa ? 'twoFa.true' : 'twoFa.false')}
        </td>
        ${
          this.hasActions
            ? html`<td part="cell" role="cell" class="actions">${this.renderRowMenu(user)}</td>`
            : nothing
        }
      </tr>
    `;
  }

  private renderRowMenu(user: User) {
    const items = this.rowActions(user);
    if (items.length === 0) return nothing;
    return this.list.renderRowMenu(user.id, {
      label: this.localize.t('users.actionsFor', { email: user.email }),
      items,
      onSelect: (id, trigger) => void this.runAction(id as RowAction, user, trigger),
    });
  }

  private async runAction(action: RowAction, user: User, trigger: HTMLElement | undefined) {
    this.refusedUser = undefined;
    this.list.resetOutcome();
    if (action === 'edit') {
      void (await loaded(this.renderRoot, 'um-edit-user-dialog'))?.show(user.id, trigger);
    } else if (action === 'logins') {
      void (await loaded(this.renderRoot, 'um-user-logins-dialog'))?.show(user, trigger);
    } else if (action === 'delete') {
      await this.deleteUser(user, trigger);
    } else {
      // Either way the row may have changed meanwhile (accepted, deleted): the list reloads.
      await this.list.act(user.id, async () => {
        await this.client.resendInvite(this.me!.id, user.id);
        return this.localize.t('users.invitationResent', { email: user.email });
      });
    }
  }

  /** Asks first; a refusal for active tokens offers a way to those tokens. */
  private async deleteUser(user: User, trigger: HTMLElement | undefined) {
    const me = this.me;
    if (!me) return;
    await this.list.confirmThenAct(
      user.id,
      {
        heading: this.localize.t('users.delete.heading'),
        message: this.localize.t('users.delete.message', { email: user.email }),
        confirmLabel: this.localize.t('users.delete.confirm'),
        trigger,
      },
      async () => {
        await this.client.deleteUser(me.id, user.id);
        this.dispatchEvent(new UmUserDeletedEvent({ userId: user.id }));
        return this.localize.t('users.deleted', { email: user.email });
      },
      (error) => {
        if (error.code !== 'user_has_active_tokens') return;
        this.refusedUser = user;
        void this.updateComplete.then(() =>
          this.renderRoot.querySelector<HTMLButtonElement>('[data-action="show-tokens"]')?.focus(),
        );
      },
    );
  }

  private showTokens() {
    const user = this.refusedUser;
    if (!user) return;
    this.dispatchEvent(new UmShowTokensEvent({ userId: user.id, email: user.email }));
  }

  private async openInvite(opener: HTMLElement) {
    this.list.resetOutcome();
    void (await loaded(this.renderRoot, 'um-invite-user-dialog'))?.show(opener);
  }

  /** Saved (or partly saved) in the Edit dialog: reload the row; say so once the dialog closed. */
  private onUpdated(event: UmUserUpdatedEvent) {
    const dialog = event.target as UmEditUserDialog;
    if (!dialog.open) {
      const email = this.list.page?.rows.find((u) => u.id === event.detail.userId)?.email;
      this.list.status = this.localize.t('users.userUpdated', {
        email: email ?? `#${event.detail.userId}`,
      });
    }
    void this.list.refresh();
  }

  private onInvited(event: UmUserInvitedEvent) {
    this.list.status = this.localize.t('users.invitationSent', { email: event.detail.email });
    void this.list.refresh();
  }

  /** "Invite several" tells once per batch: one refresh, however many were invited. */
  private onManyInvited(event: UmUsersInvitedEvent) {
    const count = event.detail.invited.length;
    this.list.status = this.localize.t('users.invitationsSent', { count });
    void this.list.refresh();
  }

  private onType(name: TextFilter, value: string) {
    this.typed = { ...this.typed, [name]: value };
    this.list.later(() => {
      const q = this.list.query;
      // The BFF refuses an ID that is not digits: the field says so, and the table keeps the last
      // valid ID while the other filters still apply.
      const id = this.idValid ? this.typed.id.trim() : q.id;
      const email = this.typed.email.trim();
      const name = this.typed.name.trim();
      if (id !== q.id || email !== q.email || name !== q.name)
        this.list.filter({ id, email, name });
    });
  }

  private get idValid(): boolean {
    return /^\d{0,10}$/.test(this.typed.id.trim());
  }

  private clearFilters() {
    this.list.cancelLater();
    this.typed = { id: '', email: '', name: '' };
    this.list.filter(EMPTY_FILTERS);
  }

  /** Ascending first, then descending, then back to the server's default order. */
  private sortBy(field: SortField) {
    const ordering = this.list.query.ordering;
    this.list.filter({
      ordering: ordering === field ? `-${field}` : ordering === `-${field}` ? '' : field,
    });
  }
}

define('um-users-panel', UmUsersPanel);

declare global {
  interface HTMLElementTagNameMap {
    'um-users-panel': UmUsersPanel;
  }
}
