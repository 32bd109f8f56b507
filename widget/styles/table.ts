import { css } from 'lit';

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
