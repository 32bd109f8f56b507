import { css } from 'lit';

/**
 * The frame of a table panel (the Users and API tokens panels): the title row with its buttons,
 * the polite status line, and the grid of filters, each a `.field` with its label above.
 */
export const panelFrame = css`
  :host {
    display: block;
  }
  .header {
    display: flex;
    flex-wrap: wrap;
    align-items: center;
    justify-content: space-between;
    gap: var(--_space);
    margin: 0 0 calc(var(--_space) * 2);
  }
  h2 {
    font-size: 1.7em;
    margin: 0;
  }
  .status-line {
    margin: 0 0 calc(var(--_space) * 2);
    padding: var(--_space) calc(var(--_space) * 1.5);
    border-inline-start: 3px solid var(--_accent);
    background: var(--_surface-alt);
  }
  .status-line:empty {
    display: none;
  }
  .filters {
    display: grid;
    grid-template-columns: repeat(auto-fill, minmax(min(16em, 100%), 1fr));
    align-items: end;
    gap: calc(var(--_space) * 1.5);
    margin-bottom: calc(var(--_space) * 3);
  }
  .field {
    display: grid;
    gap: 2px;
  }
  .field > span {
    font-size: 0.85em;
    color: var(--_text-muted);
  }
`;
