import { html } from 'lit';
import type { UmShowTokensEvent } from '../events.ts';
import { loadOnFirstUse } from '../lazy.ts';
import type { PanelName } from '../user-management.ts';
import type { TokenIssuer } from './token-issuer.ts';

/**
 * The chosen panel, with the parts it passes on to the host page (`exportparts`). All but the
 * Users panel load on first use (widget/lazy.ts); an unknown name shows the Users panel.
 */
export function renderPanel(
  panel: PanelName,
  issuer: TokenIssuer | undefined,
  onShowTokens: (event: UmShowTokensEvent) => void,
) {
  return panel === 'api-tokens'
    ? html`<um-api-tokens-panel
        ${loadOnFirstUse()}
        exportparts="panel, heading, filters, input, button, table, header-cell, row, cell, loading, empty, error, pagination, page-button, summary, status, dialog, field-error, menu-button, menu, menu-item, create-token-button, token-secret, deleted-issuer, tooltip"
        .issuer=${issuer}
      ></um-api-tokens-panel>`
    : panel === 'account'
      ? html`<um-account-panel
          ${loadOnFirstUse()}
          exportparts="panel, heading, input, button, error, field-error, notice, account-general, account-password, account-two-fa, two-fa-qr, two-fa-key, backup-codes, account-logins, filters, table, row, cell, pagination, page-button, summary, empty"
        ></um-account-panel>`
      : panel === 'activity'
        ? html`<um-activity-panel
            ${loadOnFirstUse()}
            exportparts="panel, heading, filters, input, button, export-button, table, header-cell, row, cell, loading, empty, error, pagination, page-button, summary, status"
          ></um-activity-panel>`
        : html`<um-users-panel
            exportparts="panel, heading, filters, popup, input, button, table, header-cell, row, cell, loading, empty, error, pagination, page-button, summary, status, invite-button, dialog, field-error, menu-button, menu, menu-item, show-tokens"
            @um-show-tokens=${onShowTokens}
          ></um-users-panel>`;
}
