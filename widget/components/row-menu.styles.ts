import { css } from 'lit';

/** The rules particular to `<um-row-menu>`, after the shared sheets in its `styles`. */
export const rowMenuStyles = css`
  :host {
    display: inline-block;
  }
  .trigger {
    padding: 0 var(--_space);
    line-height: 1.6;
    font-weight: 700;
    letter-spacing: 1px;
  }
  [role='menu'] {
    position: fixed;
    inset: auto;
    min-width: 10rem;
    padding: calc(var(--_space) * 0.5) 0;
    color: var(--_text);
    font: inherit;
  }
  [role='menuitem'] {
    display: block;
    width: 100%;
    text-align: start;
    border: none;
    border-radius: 0;
    background: none;
    padding: var(--_space) calc(var(--_space) * 2);
  }
  [role='menuitem']:hover,
  [role='menuitem']:focus-visible {
    background: var(--_surface-alt);
  }
  [role='menuitem']:focus-visible {
    outline-offset: -2px;
  }
  [role='menuitem'].danger {
    color: var(--_danger);
  }
`;
