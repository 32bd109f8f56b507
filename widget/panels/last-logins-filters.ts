import { html, nothing } from 'lit';
import { ipAddress } from '../../shared/form-checks.ts';
import type { ListQuery } from '../controllers/paged-list.ts';
import type { LocalizeController } from '../controllers/localize.ts';

/**
 * The Last logins filters (date range, IP, result) and the query they make, rendered like the
 * Users panel's (users-filters.ts): a function, so the fields live in the section's shadow root
 * with its styles; the section keeps what is typed and the debounce of the IP field.
 */

/** What the table asks; dates are the `<input type="date">` values (the user's own days). */
export interface LoginsQueryState extends ListQuery {
  from: string;
  to: string;
  ip: string;
  success: '' | 'true' | 'false';
}

export const EMPTY_LOGIN_FILTERS = {
  from: '',
  to: '',
  ip: '',
  success: '',
} satisfies Partial<LoginsQueryState>;

/** What is typed or picked, ahead of the query (the IP waits for a pause in typing). */
export type LoginFilterInput = Pick<LoginsQueryState, 'from' | 'to' | 'ip'>;

/** A day of the user's calendar, as the instant it starts (`end`: the last instant of it). */
function localDay(day: string, end: boolean): string | undefined {
  const match = /^(\d{4})-(\d{2})-(\d{2})$/.exec(day);
  if (!match) return undefined;
  const [year, month, date] = match.slice(1).map(Number);
  const start = new Date(year, month - 1, date + (end ? 1 : 0));
  return new Date(start.getTime() - (end ? 1 : 0)).toISOString();
}

/** The query parameters of `GET /iam/activity_log/logins` for the table's question. */
export function loginsParams(query: LoginsQueryState, userId: number | undefined) {
  return {
    limit: query.limit,
    offset: query.offset,
    user_id: userId,
    from: localDay(query.from, false),
    to: localDay(query.to, true),
    ip: query.ip || undefined,
    success: query.success || undefined,
  };
}

/** Whether the typed IP can be asked: empty, or an address the BFF accepts. */
export function ipValid(typed: string): boolean {
  const ip = typed.trim();
  return ip === '' || ipAddress(ip).success;
}

/** Whether the range can be asked: the end is not before the start. */
export function rangeValid(input: LoginFilterInput): boolean {
  return !input.from || !input.to || input.from <= input.to;
}

export function hasLoginFilters(query: LoginsQueryState): boolean {
  return Boolean(query.from || query.to || query.ip || query.success);
}

export interface LoginFiltersOptions {
  query: LoginsQueryState;
  typed: LoginFilterInput;
  localize: LocalizeController;
  onInput(change: Partial<LoginFilterInput>): void;
  onResult(success: LoginsQueryState['success']): void;
}

export function renderLoginFilters(o: LoginFiltersOptions) {
  const t = o.localize.t.bind(o.localize);
  const badIp = !ipValid(o.typed.ip);
  const badRange = !rangeValid(o.typed);
  const date = (name: 'from' | 'to', error: boolean) => html`
    <label class="field">
      <span>${t(`logins.filter.${name}`)}</span>
      <input
        part="input"
        type="date"
        name=${name}
        .value=${o.typed[name]}
        aria-invalid=${error ? 'true' : 'false'}
        aria-describedby=${error ? 'range-error' : nothing}
        @change=${(event: Event) => o.onInput({ [name]: (event.target as HTMLInputElement).value })}
      />
      ${error ? html`<span class="field-error" id="range-error">${t('logins.filter.rangeInvalid')}</span>` : nothing}
    </label>
  `;
  return html`
    <div class="filters" part="filters" role="search" aria-label=${t('logins.filters')}>
      ${date('from', false)} ${date('to', badRange)}
      <label class="field">
        <span>${t('logins.filter.ip')}</span>
        <input
          part="input"
          type="search"
          name="ip"
          autocomplete="off"
          spellcheck="false"
          .value=${o.typed.ip}
          aria-invalid=${badIp ? 'true' : 'false'}
          aria-describedby=${badIp ? 'ip-error' : nothing}
          @input=${(event: InputEvent) => o.onInput({ ip: (event.target as HTMLInputElement).value })}
        />
        ${badIp ? html`<span class="field-error" id="ip-error">${t('logins.filter.ipInvalid')}</span>` : nothing}
      </label>
      <label class="field">
        <span>${t('logins.filter.result')}</span>
        <select
          part="input"
          name="success"
          @change=${(event: Event) =>
            o.onResult((event.target as HTMLSelectElement).value as LoginsQueryState['success'])}
        >
          <option value="" ?selected=${o.query.success === ''}>${t('logins.filter.all')}</option>
          <option value="true" ?selected=${o.query.success === 'true'}>
            ${t('logins.filter.success')}
          </option>
          <option value="false" ?selected=${o.query.success === 'false'}>
            ${t('logins.filter.failed')}
          </option>
        </select>
      </label>
    </div>
  `;
}
