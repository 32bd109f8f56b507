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
  /* The filters, laid out as the Users panel's (styles/panel.ts). */
  .filters {
    display: grid;
    grid-template-columns: repeat(auto-fill, minmax(11rem, 1fr));
    align-items: start;
    gap: var(--_space);
    margin-bottom: calc(var(--_space) * 2);
  }
  .field {
    display: grid;
    gap: 2px;
    min-width: 0;
  }
  .field > span:first-child {
    font-size: 0.85em;
    color: var(--_text-muted);
  }
  .field-error {
    color: var(--_danger);
    font-size: 0.85em;
  }
`;
