import { css } from 'lit';

/** The rules particular to `<um-multi-select>`, after the shared sheets in its `styles`. */
export const multiSelectStyles = css`
  :host {
    display: block;
    position: relative;
  }
  .trigger {
    display: flex;
    width: 100%;
    align-items: center;
    justify-content: space-between;
    gap: var(--_space);
    background: var(--_surface-alt);
    text-align: start;
  }
  .count {
    color: var(--_text-muted);
  }
  .chevron {
    border-inline-start: 1px solid var(--_border);
    padding-inline-start: var(--_space);
  }
  .popup {
    position: absolute;
    z-index: 10;
    inset-inline: 0;
    top: calc(100% + 4px);
    padding: var(--_space);
    display: grid;
    gap: calc(var(--_space) * 0.5);
  }
  label {
    display: flex;
    align-items: center;
    gap: var(--_space);
    cursor: pointer;
  }
  /* A label that wraps onto two lines must not squeeze its checkbox. */
  label input {
    flex-shrink: 0;
  }
`;
