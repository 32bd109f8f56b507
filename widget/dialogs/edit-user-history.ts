import { html, nothing } from 'lit';
import type { ClientMe } from '../../shared/clients.ts';
import { actorOf, can } from '../../shared/permissions.ts';
import type { ApiClient } from '../api/client.ts';
import { renderTabs, tabId, tabPanelId } from '../components/tabs.ts';
import type { LocalizeController } from '../controllers/localize.ts';
import '../panels/activity-panel.ts';

/**
 * The Edit user dialog's tabs: Profile (the form) and History, the member's own actions and what
 * was done to them in this account (`<um-activity-panel>` with their `userId`). Only for those
 * who may read the account's audit trail (shared/permissions.ts `activity.read`); the History is
 * asked for once its tab is chosen, not each time the dialog opens.
 */

export type EditTab = 'profile' | 'history';

export interface EditTabsOptions {
  localize: LocalizeController;
  client: ApiClient;
  me: ClientMe | undefined;
  tab: EditTab;
  onSelect(tab: EditTab): void;
  userId: number;
  /** How the History's heading names the member. */
  userLabel: string;
}

function mayReadHistory(me: ClientMe | undefined): boolean {
  const actor = actorOf(me);
  return actor ? can(actor, 'activity.read') : false;
}

/** The tab list, or nothing where there is no History to show. */
export function renderEditTabs(o: EditTabsOptions) {
  if (!mayReadHistory(o.me)) return nothing;
  return renderTabs({
    label: o.localize.t('edit.tabs'),
    idPrefix: 'edit',
    tabs: [
      { id: 'profile', label: o.localize.t('edit.tab.profile') },
      { id: 'history', label: o.localize.t('edit.tab.history') },
    ],
    selected: o.tab,
    onSelect: (tab) => o.onSelect(tab),
  });
}

/** The History tab's panel while that tab is chosen. */
export function renderHistoryPanel(o: EditTabsOptions) {
  if (!mayReadHistory(o.me) || o.tab !== 'history') return nothing;
  return html`<div
    class="body"
    role="tabpanel"
    id=${tabPanelId('edit', 'history')}
    aria-labelledby=${tabId('edit', 'history')}
  >
    <um-activity-panel
      exportparts="heading, filters, input, button, export-button, table, row, cell"
      .client=${o.client}
      .me=${o.me}
      .userId=${o.userId}
      .userLabel=${o.userLabel}
    ></um-activity-panel>
  </div>`;
}

/** The attributes of the Profile tab's panel (`role="tabpanel"` only where there are tabs). */
export function profilePanel(o: Pick<EditTabsOptions, 'me' | 'tab'>) {
  const tabs = mayReadHistory(o.me);
  return {
    role: tabs ? 'tabpanel' : nothing,
    id: tabs ? tabPanelId('edit', 'profile') : nothing,
    labelledBy: tabs ? tabId('edit', 'profile') : nothing,
    hidden: o.tab !== 'profile',
  };
}
