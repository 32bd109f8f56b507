import { html } from 'lit';

/**
 * A row of tabs (WAI-ARIA's tabs pattern, automatic activation): `role="tablist"` with one
 * `role="tab"` per panel; only the selected tab is in the Tab order, and Arrow Left/Right,
 * Home and End move to another tab, select it and focus it. The panels are the host's, each a
 * `role="tabpanel"` with `id="{idPrefix}-{tab}-panel"` labelled by its tab (`tabPanelAttributes`).
 * A function, like the pager, so the buttons render in the host's shadow root with its styles.
 */

export interface TabsOptions<Id extends string> {
  /** The tab list's accessible name. */
  label: string;
  /** Unique within the host: the tabs' and panels' ids start with it. */
  idPrefix: string;
  tabs: readonly { id: Id; label: string }[];
  selected: Id;
  onSelect(id: Id): void;
}

export const tabId = (idPrefix: string, tab: string) => `${idPrefix}-${tab}-tab`;
export const tabPanelId = (idPrefix: string, tab: string) => `${idPrefix}-${tab}-panel`;

const MOVES: Record<string, (index: number, count: number) => number> = {
  ArrowRight: (index, count) => (index + 1) % count,
  ArrowLeft: (index, count) => (index - 1 + count) % count,
  Home: () => 0,
  End: (_index, count) => count - 1,
};

export function renderTabs<Id extends string>(o: TabsOptions<Id>) {
  const onKeydown = (event: KeyboardEvent) => {
    const move = MOVES[event.key];
    if (!move) return;
    event.preventDefault();
    const index = o.tabs.findIndex((tab) => tab.id === o.selected);
    const next = o.tabs[move(index, o.tabs.length)]!;
    o.onSelect(next.id);
    // The same button before and after the host re-renders: focus it now.
    const list = event.currentTarget as HTMLElement;
    list.querySelector<HTMLElement>(`#${tabId(o.idPrefix, next.id)}`)?.focus();
  };
  return html`<div role="tablist" class="tabs" aria-label=${o.label} @keydown=${onKeydown}>
    ${o.tabs.map((tab) => {
      const selected = tab.id === o.selected;
      return html`<button
        type="button"
        role="tab"
        part="tab"
        id=${tabId(o.idPrefix, tab.id)}
        aria-selected=${selected ? 'true' : 'false'}
        aria-controls=${tabPanelId(o.idPrefix, tab.id)}
        tabindex=${selected ? '0' : '-1'}
        @click=${() => o.onSelect(tab.id)}
      >
        ${tab.label}
      </button>`;
    })}
  </div>`;
}
