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
    <tr class="state loading" part="loading">
      <td colspan=${columns}>
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
    <tr class="state error" part="error">
      <td colspan=${o.columns}>
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
    <tr class="state empty" part="empty">
      <td colspan=${o.columns}>
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
