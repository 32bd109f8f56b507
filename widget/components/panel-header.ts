import { html, nothing } from 'lit';

/**
 * The title row of a table panel (Users, API tokens): the heading, and the primary button that
 * opens the panel's dialog where the caller may use it. A function, like the pager, so it renders
 * in the panel's shadow root with its styles (`panelFrame` in widget/styles/panel.ts).
 */

export interface PanelHeaderAction {
  /** The button's `data-action`; its part is `button {name}-button`. */
  name: string;
  label: string;
  /** Gets the button, to which the dialog returns focus. */
  onClick(opener: HTMLElement): void;
}

export interface PanelHeaderOptions {
  id: string;
  heading: string;
  /** The heading takes focus when the row that had it is gone. */
  focusable?: boolean;
  /** Left out where the caller may not use it. */
  action?: PanelHeaderAction | undefined;
}

export function renderPanelHeader(o: PanelHeaderOptions) {
  const action = o.action;
  return html`
    <div class="header">
      <h2 id=${o.id} part="heading" tabindex=${o.focusable ? '-1' : nothing}>${o.heading}</h2>
      ${
        action
          ? html`<button
              type="button"
              class="primary"
              part="button ${action.name}-button"
              data-action=${action.name}
              aria-haspopup="dialog"
              @click=${(event: Event) => action.onClick(event.currentTarget as HTMLElement)}
            >
              ${action.label}
            </button>`
          : nothing
      }
    </div>
  `;
}
