import { css } from 'lit';

/** The rules particular to `<um-last-logins-section>`, after the shared sheets in its `styles`. */
export const lastLoginsSectionStyles = css`
  .card {
    min-width: 0;
  }
  th,
  td {
    padding: var(--_space);
    white-space: nowrap;
  }
  th {
    font-weight: 600;
  }
  .failed {
    color: var(--_danger);
  }
  .hint {
    margin: 0;
    color: var(--_text-muted);
  }
  nav {
    display: flex;
    align-items: center;
    justify-content: space-between;
    flex-wrap: wrap;
    gap: var(--_space);
  }
  nav div {
    display: flex;
    gap: var(--_space);
  }
`;
