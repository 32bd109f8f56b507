import { html, nothing } from 'lit';
import { ApiError } from '../api/client.ts';
import { errorText } from '../locales/errors.ts';
import { t } from '../locales/index.ts';

/**
 * The rows a table panel shows instead of its data: loading (a skeleton, announced politely), a
 * failed load (the error and Retry), and nothing to show (with "Clear filters" where filters hid
 * the rows). Functions, like the pager, so they render in the panel's shadow root with its styles
 * (`tableStates` in widget/styles/table.ts).
 */

export function renderLoadingRow(columns: number, label: string) {
  return html`
    <tr class="state loading" part="loading" role="row">
      <td colspan=${columns} role="cell">
        <span class="visually-hidden" role="status">${label}</span>
        <span class="skeleton" aria-hidden="true"></span>
      </td>
    </tr>
  `;
}

export interface ErrorRowOptions {
  columns: number;
  error: unknown;
  lang: string;
  /** The host took over the message (a cancelled `um-error`): only Retry shows. */
  suppressed: boolean;
  retryLabel: string;
  onRetry(): void;
}

export function renderErrorRow(o: ErrorRowOptions) {
  const message =
    o.error instanceof ApiError
      ? errorText(o.error, o.lang)
      : t('error.unexpected_response', undefined, o.lang);
  return html`
    <tr class="state error" part="error" role="row">
      <td colspan=${o.columns} role="cell">
        ${o.suppressed ? nothing : html`<p class="alert" role="alert">${message}</p>`}
        <button type="button" part="button" @click=${o.onRetry}>${o.retryLabel}</button>
      </td>
    </tr>
  `;
}

export interface EmptyRowOptions {
  columns: number;
  message: string;
  /** "Clear filters", where filters hid the rows. */
  clearLabel?: string | undefined;
  onClear(): void;
}

export function renderEmptyRow(o: EmptyRowOptions) {
  return html`
    <tr class="state empty" part="empty" role="row">
      <td colspan=${o.columns} role="cell">
        <p>${o.message}</p>
        ${
          o.clearLabel
            ? html`<button type="button" part="button" @click=${() => o.onClear()}>
                ${o.clearLabel}
              </button>`
            : nothing
        }
      </td>
    </tr>
  `;
}

/**
 * Gives each cell of the table's data rows its column header's text as `data-label`, which the
 * card layout of a narrow table shows before the value (widget/styles/table.ts). Read from the
 * headers as rendered, so the labels are the headers' words in the current language, for every
 * table, with nothing to keep in step. The loading, empty and error rows span all columns and are
 * left alone.
 */
export function labelCells(table: HTMLTableElement) {
  const labels = [...(table.tHead?.rows[0]?.cells ?? [])].map(headerText);
  for (const row of table.tBodies[0]?.rows ?? []) {
    if (row.cells.length !== labels.length) continue;
    [...row.cells].forEach((cell, i) => {
      if (cell.dataset.label !== labels[i]) cell.dataset.label = labels[i];
    });
  }
}

/** A header's words, without what screen readers skip too (the sort arrow). */
function headerText(header: HTMLTableCellElement): string {
  const copy = header.cloneNode(true) as HTMLElement;
  copy.querySelectorAll('[aria-hidden="true"]').forEach((hidden) => hidden.remove());
  return copy.textContent!.replace(/\s+/g, ' ').trim();
}
