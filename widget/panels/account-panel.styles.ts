import { css } from 'lit';

/** The rules particular to `<um-account-panel>`, after the shared sheets in its `styles`. */
export const accountPanelStyles = css`
  h2 {
    font-size: 1.7em;
    margin: 0 0 calc(var(--_space) * 2);
  }
  .sections {
    display: grid;
    gap: calc(var(--_space) * 3);
    align-items: start;
  }
  @media (min-width: 56rem) {
    .sections {
      grid-template-columns: 1fr 1fr;
    }
    um-last-logins-section {
      grid-column: 1 / -1;
    }
  }
  .hint {
    margin: 0;
    font-size: 0.9em;
    color: var(--_text-muted);
  }
  .actions {
    display: flex;
    justify-content: flex-end;
    gap: var(--_space);
  }
`;
