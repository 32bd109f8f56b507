import { LitElement, html, type PropertyValues } from 'lit';
import { property, query, state } from 'lit/decorators.js';
import { controls, popup } from '../styles/controls.ts';
import { multiSelectStyles } from './multi-select.styles.ts';
import { define } from '../define.ts';

export interface MultiSelectOption {
  value: string;
  label: string;
}

let nextId = 0;

/** Where each key moves focus among `count` checkboxes from `at` (wrapping, as a menu does). */
const ARROWS: Record<string, (at: number, count: number) => number> = {
  ArrowDown: (at, count) => (at + 1) % count,
  ArrowRight: (at, count) => (at + 1) % count,
  ArrowUp: (at, count) => (at - 1 + count) % count,
  ArrowLeft: (at, count) => (at - 1 + count) % count,
  Home: () => 0,
  End: (_at, count) => count - 1,
};

/**
 * A filter that picks several values: a button (label and "selected/total", `aria-expanded`)
 * opening a group of checkboxes. Enter or Space opens it, focus moves to the first checkbox, the
 * arrow keys (and Home, End) move between the checkboxes, Escape closes it and returns focus to
 * the button; leaving it by Tab or click closes it too.
 * Fires `change` (not composed: internal) with the new `value`.
 */
export class UmMultiSelect extends LitElement {
  static override styles = [controls, popup, multiSelectStyles];

  @property() label = '';
  /** Text of the count, e.g. "{selected}/{total}" already filled in by the owner. */
  @property() summary = '';
  @property({ attribute: false }) options: MultiSelectOption[] = [];
  @property({ attribute: false }) value: string[] = [];
  @state() private open = false;
  @query('.trigger') private trigger!: HTMLButtonElement;

  private readonly popupId = `um-multi-select-${++nextId}`;

  private readonly onDocumentClick = (event: MouseEvent) => {
    if (this.open && !event.composedPath().includes(this)) this.open = false;
  };

  // Only while open, like the row menu's.
  protected override updated(changed: PropertyValues): void {
    if (!changed.has('open')) return;
    if (this.open) document.addEventListener('click', this.onDocumentClick);
    else document.removeEventListener('click', this.onDocumentClick);
  }

  override disconnectedCallback(): void {
    document.removeEventListener('click', this.onDocumentClick);
    super.disconnectedCallback();
  }

  override render() {
    return html`
      <button
        class="trigger"
        part="button"
        type="button"
        aria-expanded=${this.open ? 'true' : 'false'}
        aria-controls=${this.popupId}
        @click=${this.toggle}
      >
        <span class="label">${this.label}</span>
        <span
          ><span class="count">${this.summary}</span>
          <span class="chevron" aria-hidden="true">⌄</span></span
        >
      </button>
      <fieldset
        id=${this.popupId}
        class="popup"
        part="popup"
        ?hidden=${!this.open}
        @keydown=${this.onKeydown}
        @focusout=${this.onFocusOut}
      >
        <legend class="visually-hidden">${this.label}</legend>
        ${this.options.map(
          (option) => html`
            <label>
              <input
                type="checkbox"
                .value=${option.value}
                .checked=${this.value.includes(option.value)}
                @change=${this.onCheck}
              />
              ${option.label}
            </label>
          `,
        )}
      </fieldset>
    `;
  }

  private async toggle() {
    this.open = !this.open;
    if (this.open) {
      await this.updateComplete;
      this.renderRoot.querySelector<HTMLInputElement>('input[type="checkbox"]')?.focus();
    }
  }

  private onKeydown(event: KeyboardEvent) {
    if (event.key === 'Escape') {
      event.preventDefault();
      event.stopPropagation();
      this.open = false;
      this.trigger.focus();
      return;
    }
    const boxes = [...this.renderRoot.querySelectorAll<HTMLInputElement>('input[type="checkbox"]')];
    const current = boxes.indexOf(
      (this.renderRoot as ShadowRoot).activeElement as HTMLInputElement,
    );
    const next = ARROWS[event.key]?.(current, boxes.length);
    if (next === undefined || current < 0) return;
    event.preventDefault();
    boxes[next]?.focus();
  }

  private onFocusOut(event: FocusEvent) {
    const next = event.relatedTarget as Node | null;
    if (next && !this.renderRoot.contains(next)) this.open = false;
  }

  private onCheck(event: Event) {
    const box = event.target as HTMLInputElement;
    const chosen = new Set(this.value);
    if (box.checked) chosen.add(box.value);
    else chosen.delete(box.value);
    // Keep the options' order so the request (and its cache key) does not depend on click order.
    this.value = this.options.map((o) => o.value).filter((value) => chosen.has(value));
    this.dispatchEvent(new Event('change'));
  }
}

define('um-multi-select', UmMultiSelect);

declare global {
  interface HTMLElementTagNameMap {
    'um-multi-select': UmMultiSelect;
  }
}
