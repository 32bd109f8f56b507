import { css } from 'lit';

/** Every table of the widget: it scrolls sideways in its `.table-wrap`, rows ruled, headings muted. */
export const dataTable = css`
  /* Positioned, so what is absolutely positioned inside (the visually hidden Actions label) stays
     in its scroll box instead of widening the host page. */
  .table-wrap {
    position: relative;
    overflow-x: auto;
  }
  table {
    width: 100%;
    border-collapse: collapse;
  }
  th,
  td {
    text-align: start;
    border-bottom: 1px solid var(--_border);
  }
  th {
    color: var(--_text-muted);
  }
`;

/**
 * The table of a table panel (the Users and API tokens panels): roomy rows, a cell's value on one
 * line cut short with an ellipsis, the row menu's column snug at the end.
 */
export const panelTable = css`
  ${dataTable}
  th,
  td {
    padding: calc(var(--_space) * 1.5) var(--_space);
    vertical-align: middle;
  }
  th {
    font-weight: normal;
  }
  td {
    max-width: 16rem;
    overflow: hidden;
    text-overflow: ellipsis;
    white-space: nowrap;
  }
  td.actions {
    overflow: visible;
    text-align: end;
    width: 1%;
  }
`;

/**
 * What every table panel shares (the Users and API tokens panels): the loading skeleton, the
 * loading/empty/error rows, and the footer with pages, entries per page and the summary.
 */
export const tableStates = css`
  .skeleton {
    display: block;
    height: 1em;
    border-radius: var(--_radius);
    background: linear-gradient(90deg, var(--_surface-alt), var(--_border), var(--_surface-alt));
    background-size: 200% 100%;
    animation: shimmer 1.2s linear infinite;
  }
  @keyframes shimmer {
    to {
      background-position: -200% 0;
    }
  }
  @media (prefers-reduced-motion: reduce) {
    .skeleton {
      animation: none;
    }
  }
  .state td {
    text-align: center;
    white-space: normal;
    max-width: none;
    padding: calc(var(--_space) * 4) var(--_space);
  }
  .footer {
    display: flex;
    flex-wrap: wrap;
    align-items: center;
    justify-content: space-between;
    gap: calc(var(--_space) * 2);
    margin-top: calc(var(--_space) * 2);
  }
  .pages {
    display: flex;
    gap: 4px;
    list-style: none;
    margin: 0;
    padding: 0;
    align-items: center;
  }
  .pages button {
    min-width: 2.25rem;
    border-color: transparent;
    background: none;
  }
  .pages button[aria-current='page'] {
    background: var(--_surface-alt);
    border-color: var(--_border);
    font-weight: 600;
  }
  .per-page {
    display: flex;
    align-items: center;
    gap: var(--_space);
  }
  .per-page label {
    font-weight: 600;
  }
  .summary {
    color: var(--_text-muted);
  }
`;
