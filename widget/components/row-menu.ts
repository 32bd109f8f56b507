import { LitElement, html, nothing, type PropertyValues } from 'lit';
import { property, query, state } from 'lit/decorators.js';
import { controls, popup } from '../styles/controls.ts';
import { rowMenuStyles } from './row-menu.styles.ts';
import { define } from '../define.ts';
import { UmMenuSelectEvent } from '../events.ts';

export interface RowMenuItem {
  /** Sent back in `menu-select`; also the item's `data-action`. */
  id: string;
  label: string;
  /** Destructive actions (Delete) are drawn in the danger colour. */
  danger?: boolean;
}

let nextId = 0;

/**
 * The "⋯" menu of a table row: a button (`aria-haspopup="menu"`, `aria-expanded`) opening a
 * `role="menu"` of `role="menuitem"` buttons. Enter, Space or ArrowDown opens it on the first item
 * (ArrowUp on the last); ArrowUp/ArrowDown move and wrap, Home/End jump; Escape closes it and
 * returns focus to the button; Tab, a click elsewhere or scrolling closes it.
 *
 * The menu is a manual popover: the top layer keeps it clear of the table's overflow clipping, and
 * its position is set from the button's on opening. Choosing an item closes the menu, puts focus
 * back on the button and fires `menu-select` (UmMenuSelectEvent, internal) with `detail.id`.
 */
export class UmRowMenu extends LitElement {
  static override styles = [controls, popup, rowMenuStyles];

  /** Accessible name of the button, e.g. "Actions for jane@example.com". */
  @property() label = '';
  @property({ attribute: false }) items: RowMenuItem[] = [];
  /** Its row's action is under way: the button stays (with focus) but opens nothing. */
  @property({ type: Boolean }) busy = false;
  @state() private open = false;
  @query('.trigger') private trigger!: HTMLButtonElement;
  @query('[role="menu"]') private menu!: HTMLElement;

  private readonly menuId = `um-row-menu-${++nextId}`;

  private readonly onDocumentClick = (event: MouseEvent) => {
    if (this.open && !event.composedPath().includes(this)) this.close(false);
  };
  private readonly onViewportChange = () => {
    if (this.open) this.close(false);
  };

  // The page-wide listeners are there only while the menu is open: a page of 100 rows has 100
  // menus, and a scroll must not run 100 handlers.
  protected override updated(changed: PropertyValues): void {
    if (changed.has('open')) this.listenToPage(this.open);
  }

  override disconnectedCallback(): void {
    this.listenToPage(false);
    super.disconnectedCallback();
  }

  private listenToPage(listen: boolean) {
    if (listen) {
      document.addEventListener('click', this.onDocumentClick);
      window.addEventListener('resize', this.onViewportChange);
      // Any scroll (the page's, the table's) would leave the fixed menu behind.
      document.addEventListener('scroll', this.onViewportChange, true);
    } else {
      document.removeEventListener('click', this.onDocumentClick);
      window.removeEventListener('resize', this.onViewportChange);
      document.removeEventListener('scroll', this.onViewportChange, true);
    }
  }

  override render() {
    return html`
      <button
        class="trigger"
        part="button menu-button"
        type="button"
        aria-label=${this.label}
        aria-haspopup="menu"
        aria-expanded=${this.open ? 'true' : 'false'}
        aria-controls=${this.menuId}
        aria-disabled=${this.busy ? 'true' : nothing}
        aria-busy=${this.busy ? 'true' : nothing}
        @click=${() => (this.open ? this.close(true) : this.busy || this.show('first'))}
        @keydown=${this.onTriggerKeydown}
        @focus=${this.onTriggerFocus}
        @blur=${this.onTriggerBlur}
      >
        ⋯
      </button>
      <div
        id=${this.menuId}
        role="menu"
        class="popup"
        part="menu"
        popover="manual"
        aria-label=${this.label}
        @keydown=${this.onMenuKeydown}
        @focusout=${this.onFocusOut}
      >
        ${this.items.map(
          (item) => html`
            <button
              type="button"
              role="menuitem"
              part="menu-item"
              tabindex="-1"
              class=${item.danger ? 'danger' : ''}
              data-action=${item.id}
              @click=${() => this.choose(item)}
            >
              ${item.label}
            </button>
          `,
        )}
      </div>
    `;
  }

  private get menuItems(): HTMLButtonElement[] {
    return [...this.renderRoot.querySelectorAll<HTMLButtonElement>('[role="menuitem"]')];
  }

  /** Opens the menu below the button (above when there is no room) and focuses an item. */
  async show(focus: 'first' | 'last' = 'first') {
    this.open = true;
    await this.updateComplete;
    this.menu.showPopover();
    const anchor = this.trigger.getBoundingClientRect();
    const viewportWidth = document.documentElement.clientWidth;
    const menuHeight = this.menu.offsetHeight;
    const below = anchor.bottom + 4 + menuHeight <= window.innerHeight;
    this.menu.style.top = `${below ? anchor.bottom + 4 : Math.max(0, anchor.top - 4 - menuHeight)}px`;
    this.menu.style.right = `${Math.max(0, viewportWidth - anchor.right)}px`;
    const items = this.menuItems;
    items[focus === 'first' ? 0 : items.length - 1]?.focus();
  }

  private close(returnFocus: boolean) {
    if (this.menu?.matches(':popover-open')) this.menu.hidePopover();
    this.open = false;
    if (returnFocus) this.trigger.focus();
  }

  private choose(item: RowMenuItem) {
    this.close(true);
    this.dispatchEvent(new UmMenuSelectEvent({ id: item.id }));
  }

  private onTriggerKeydown(event: KeyboardEvent) {
    if ((event.key === 'ArrowDown' || event.key === 'ArrowUp') && !this.busy) {
      event.preventDefault();
      void this.show(event.key === 'ArrowDown' ? 'first' : 'last');
    }
  }

  private onMenuKeydown(event: KeyboardEvent) {
    const items = this.menuItems;
    const current = items.indexOf(
      (this.renderRoot as ShadowRoot).activeElement as HTMLButtonElement,
    );
    let next: number | undefined;
    switch (event.key) {
      case 'ArrowDown':
        next = (current + 1) % items.length;
        break;
      case 'ArrowUp':
        next = (current - 1 + items.length) % items.length;
        break;
      case 'Home':
        next = 0;
        break;
      case 'End':
        next = items.length - 1;
        break;
      case 'Escape':
        event.preventDefault();
        event.stopPropagation();
        this.close(true);
        return;
      case 'Tab':
        // Tab leaves the menu: close it and let focus move on from the button.
        this.close(false);
        this.trigger.focus();
        return;
      default:
        return;
    }
    event.preventDefault();
    items[next]?.focus();
  }

  /**
   * `keyboard-focus` on the element while its button has focus from the keyboard: the row then
   * shows its cut values whole (widget/styles/table.ts). Not on a click: a row that grew between
   * the press and the release would move the button away from the pointer, and the click would
   * land beside it.
   */
  private onTriggerFocus(event: FocusEvent) {
    this.toggleAttribute('keyboard-focus', (event.target as Element).matches(':focus-visible'));
  }

  private onTriggerBlur(event: FocusEvent) {
    const next = event.relatedTarget as Node | null;
    // Into its own menu the row stays as it is, so the open menu stays beside its button.
    if (!next || !this.renderRoot.contains(next)) this.removeAttribute('keyboard-focus');
  }

  private onFocusOut(event: FocusEvent) {
    const next = event.relatedTarget as Node | null;
    if (next && !this.renderRoot.contains(next)) {
      this.removeAttribute('keyboard-focus');
      this.close(false);
    }
  }
}

define('um-row-menu', UmRowMenu);

declare global {
  interface HTMLElementTagNameMap {
    'um-row-menu': UmRowMenu;
  }
}
