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
`;
