import { html, nothing } from 'lit';
import type { IamRoleId } from '../../shared/roles.ts';
import type { Token } from '../../shared/tokens.ts';
import type { LocalizeController } from '../controllers/localize.ts';

/**
 * The API tokens panel's filters on the fetched list (Status, Role, Issuer), the Issuer filter's
 * options and the Issued by cell. Functions like the pager, so they render in the panel's shadow
 * root with its styles; the panel keeps the list and its query.
 */

export type TokenStatus = 'active' | 'expired' | 'deleted';
export const TOKEN_STATUSES: readonly TokenStatus[] = ['active', 'expired', 'deleted'];

/** Whose tokens to show: set by the host, or by the Users panel's "Show their tokens". */
export interface TokenIssuer {
  userId: number;
  /** Shown in the Issuer filter while none of the listed tokens names this user. */
  email?: string;
}

export interface TokenFilters {
  status: TokenStatus;
  role: IamRoleId | '';
  issuer: number | '';
}

export const DEFAULT_FILTERS: TokenFilters = { status: 'active', role: '', issuer: '' };

/** Whether a token passes the Status, Role and Issuer filters. */
export function passes(token: Token, { status, role, issuer }: TokenFilters): boolean {
  return (
    tokenStatus(token) === status &&
    (role === '' || token.client_user.role.id === role) &&
    (issuer === '' || token.client_user.user_id === issuer)
  );
}

export function tokenStatus(token: Token): TokenStatus {
  return token.deleted ? 'deleted' : token.expired ? 'expired' : 'active';
}

/**
 * Issuers to filter by: those of the fetched tokens, and the one asked for (`wanted`; labelled
 * with `issuer.email` when it is that user, while none of the tokens names them).
 */
export function issuerOptions(
  tokens: readonly Token[],
  wanted: number | '',
  issuer: TokenIssuer | undefined,
  localize: LocalizeController,
): { userId: number; label: string }[] {
  const seen = new Map<number, string>();
  for (const token of tokens) {
    const user = token.client_user;
    if (seen.has(user.user_id)) continue;
    const who = user.user_name ? `${user.user_name} (${user.user_email})` : user.user_email;
    seen.set(user.user_id, user.deleted ? localize.t('tokens.issuerDeleted', { who }) : who);
  }
  if (wanted !== '' && !seen.has(wanted)) {
    const email = issuer?.userId === wanted ? issuer.email : undefined;
    seen.set(wanted, email ?? `#${wanted}`);
  }
  return [...seen]
    .map(([userId, label]) => ({ userId, label }))
    .sort((a, b) => a.label.localeCompare(b.label));
}

/**
 * The Issued by cell: name and email; a deleted issuer's crossed out, focusable, with the tooltip
 * "The user has been deleted" (referenced by `aria-describedby`; Escape hides it).
 */
export function renderIssuer(token: Token, localize: LocalizeController) {
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
      aria-label=${localize.t('tokens.issuerDeletedTip')}
      >${localize.t('tokens.issuerDeletedTip')}</span
    >`;
}
