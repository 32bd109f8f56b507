import { css } from 'lit';

/** The rules particular to `<um-account-panel>`, after the shared sheets in its `styles`. */
export const accountPanelStyles = css`
  h2 {
    font-size: 1.7em;
    margin: 0 0 calc(var(--_space) * 2);
  }
  /* Two columns where the panel (not the viewport) is wide enough; a column never grows past the
     panel for what is inside it (minmax(0, …)), so no section widens the host page. */
  :host {
    container: um-account / inline-size;
  }
  .sections {
    display: grid;
    grid-template-columns: minmax(0, 1fr);
    gap: calc(var(--_space) * 3);
    align-items: start;
  }
  @container um-account (min-width: 64em) {
    .sections {
      grid-template-columns: repeat(2, minmax(0, 1fr));
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
