import { css } from 'lit';

/**
 * Every table of the widget. Its scroll box (`.table-wrap`) is a size container, so the table's
 * layout follows the width the widget gives it, not the viewport, and the table never makes the
 * host page wider (a size container's content does not count towards its minimum width).
 *
 * Below the breakpoint each row becomes a card: its lead cell (`td.lead`: the email, the token's
 * name, the date) on the first line with the row's "⋯" menu beside it, then the other cells as
 * "Label: value" lines. The labels are the column headers (`data-label`, copied from them by
 * PagedListController); screen readers keep the table semantics (the explicit roles survive the
 * `display` changes, and the header row stays in the accessibility tree, visually hidden), so the
 * visible labels are left out of the accessible text (`content: … / ""`).
 *
 * The breakpoint is 44em of the table's width (616 px at the default 14 px font size): below it
 * the Users table's eight columns no longer fit in any language without cutting most values.
 * Container queries cannot read custom properties, so a host changes it through the font size.
 */
export const dataTable = css`
  /* Positioned, so what is absolutely positioned inside (the visually hidden Actions label) stays
     in its scroll box instead of widening the host page. */
  .table-wrap {
    position: relative;
    overflow-x: auto;
    container: um-table / inline-size;
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
  @container um-table (max-width: 44em) {
    table,
    thead,
    tbody,
    tr,
    td {
      display: block;
    }
    /* The column headers stay for screen readers; sort buttons (Users) stay visible as a row. */
    thead tr {
      display: flex;
      flex-wrap: wrap;
      gap: var(--_space);
      border-bottom: 1px solid var(--_border);
    }
    thead th {
      border: none;
    }
    thead th:not(:has(button)) {
      position: absolute;
      width: 1px;
      height: 1px;
      padding: 0;
      margin: -1px;
      overflow: hidden;
      clip: rect(0 0 0 0);
      white-space: nowrap;
    }
    tr[part='row'] {
      display: grid;
      grid-template-columns: minmax(0, 1fr) auto;
      align-items: center;
      column-gap: var(--_space);
      padding: var(--_space) 0;
      border-bottom: 1px solid var(--_border);
    }
    tr[part='row'] > td {
      grid-column: 1 / -1;
      max-width: none;
      padding: 2px 0;
      border: none;
      white-space: normal;
      overflow-wrap: anywhere;
    }
    tr[part='row'] > td::before {
      content: attr(data-label) ': ' / '';
      color: var(--_text-muted);
    }
    tr[part='row'] > td.lead {
      grid-column: 1;
      grid-row: 1;
      font-weight: 600;
    }
    tr[part='row'] > td.actions {
      grid-column: 2;
      grid-row: 1;
    }
    tr[part='row'] > td:is(.lead, .actions)::before {
      content: none;
    }
  }
`;

/**
 * The table of a table panel (the Users and API tokens panels), wide enough for its columns:
 * roomy rows on one line; the long-text cells (`td.long`, with the whole value in `title`) share
 * what the other columns leave and end in an ellipsis; the row menu's column stays at the end of
 * the scroll box (sticky, on the surface colour, so cells slide under it when the table scrolls
 * sideways) with a shadow on its edge while more columns hide under it.
 *
 * A cut value is shown whole on hover (its `title`) and while keyboard focus is in its row (on
 * the row's "⋯", which marks itself `keyboard-focus`; not after a click, see row-menu.ts) or on
 * the scroll box itself (which takes focus to scroll by keyboard): a keyboard user sees
 * what they act on without a tab stop per cell, and screen readers read the whole text anyway, as
 * the ellipsis is drawn, not written.
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
    white-space: nowrap;
  }
  /* Long-text columns: their cells add nothing to the column's width (max-width: 0), their header
     asks for a share of the table (th.long) and for room for a few characters at least. */
  td.long {
    max-width: 0;
    overflow: hidden;
    text-overflow: ellipsis;
  }
  th.long {
    width: 18%;
    min-width: 6em;
  }
  tr:has(um-row-menu[keyboard-focus]) > td.long,
  .table-wrap:focus-visible td.long {
    white-space: normal;
    overflow-wrap: anywhere;
  }
  .actions {
    position: sticky;
    inset-inline-end: 0;
    width: 1%;
    text-align: end;
    background: var(--_surface);
  }
  /* The scroll cue: while the table can scroll further sideways, a shade on the sticky column's
     edge over the columns hidden under it. A scroll-driven animation shows it (none where that is
     unsupported, or where nothing scrolls: the timeline is inactive then); a pseudo-element
     draws it, as table cells in a collapsed-border table paint no box-shadow. The timeline has a
     rule of its own: the build's CSS minifier would fold it into the animation shorthand, which
     may not carry it, and the browser would then drop the whole declaration. */
  .actions::after {
    content: '';
    position: absolute;
    inset-block: 0;
    inset-inline-end: 100%;
    width: calc(var(--_space) * 1.5);
    pointer-events: none;
    background: linear-gradient(
      to left,
      color-mix(in srgb, var(--_text) 20%, transparent),
      transparent
    );
    opacity: 0;
  }
  @supports (animation-timeline: scroll()) {
    .actions::after {
      animation: um-more-columns linear both;
    }
    :is(th, td).actions::after {
      animation-timeline: scroll(nearest inline);
    }
  }
  @keyframes um-more-columns {
    from,
    95% {
      opacity: 1;
    }
    to {
      opacity: 0;
    }
  }
  @container um-table (max-width: 44em) {
    th,
    td {
      padding: var(--_space) calc(var(--_space) * 0.5);
    }
    .actions {
      position: static;
      width: auto;
    }
    .actions::after {
      content: none;
    }
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
  /* On a phone the label and the summary wrap; the select keeps the width of its longest option
     (inputs may shrink elsewhere: controls.ts gives them min-width: 0). */
  .per-page {
    display: flex;
    flex-wrap: wrap;
    align-items: center;
    gap: var(--_space);
  }
  .per-page select {
    flex-shrink: 0;
  }
  .per-page label {
    font-weight: 600;
  }
  .summary {
    color: var(--_text-muted);
  }
`;
