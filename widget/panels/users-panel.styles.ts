import { css } from 'lit';

/** The rules particular to `<um-users-panel>`, after the shared sheets in its `styles`. */
export const usersPanelStyles = css`
  .field > .field-error {
    color: var(--_danger);
  }
  th button {
    border: none;
    background: none;
    padding: 0;
    color: inherit;
    display: inline-flex;
    gap: 4px;
  }
  th[aria-sort] button {
    color: var(--_text);
    font-weight: 600;
  }
`;
