import { html, nothing } from 'lit';
import type { ActivityEntry, ActivityPage, ActivityQueryInput } from '../../shared/activity.ts';
import { ACTIVITY_COUNT_BOUND } from '../../shared/activity-count.ts';
import { ACTIVITY_ACTIONS, isActivityAction } from '../../shared/activity-actions.ts';
import type { LocalizeController } from '../controllers/localize.ts';
import { linkedPage, type ListPage } from '../controllers/page-turn.ts';
import type { MessageKey } from '../locales/index.ts';

/**
 * The Activity panel's filters (Actor, Action, Target, From, To) and the query they make, in the
 * manner of users-filters.ts: a function, so the fields render in the panel's shadow root with its
 * styles; the panel keeps the state and the debounce of the text fields.
 */

/** What the table currently asks the BFF; replaced (never mutated) so the task sees a change. */
export interface ActivityQueryState {
  actor: string;
  action: string;
  target: string;
  /** Days as a date field gives them (`2026-12-01`), in the viewer's time zone. */
  from: string;
  to: string;
  limit: number;
  offset: number;
  /** Where the page starts by keyset (from the answer's `next` or `previous` link). */
  cursor?: string | undefined;
}

export const EMPTY_ACTIVITY_FILTERS = {
  actor: '',
  action: '',
  target: '',
  from: '',
  to: '',
} satisfies Partial<ActivityQueryState>;

export type ActivityTextFilter = 'actor' | 'target';
export type ActivityDateFilter = 'from' | 'to';

/** The start of a local day as an instant: "from 1 December" means the viewer's 1 December. */
function localMidnight(day: string, plusDays = 0): string | undefined {
  const [year, month, date] = day.split('-').map(Number);
  if (!year || !month || !date) return undefined;
  return new Date(year, month - 1, date + plusDays).toISOString();
}

/** Whether From is not after To (either may be empty); the BFF refuses the reverse. */
export function rangeValid(range: Record<ActivityDateFilter, string>): boolean {
  return !range.from || !range.to || range.from <= range.to;
}

/** The query of `GET /iam/activity_log/actions` for the table's question (and its export). */
export function activityParams(
  query: ActivityQueryState,
  userId: number | undefined,
): ActivityQueryInput {
  return {
    actor: query.actor || undefined,
    action: query.action ? [query.action] : undefined,
    target: query.target || undefined,
    user_id: userId,
    date_from: query.from ? localMidnight(query.from) : undefined,
    // To the end of that day: the next day's midnight, which the BFF excludes.
    date_to: query.to ? localMidnight(query.to, 1) : undefined,
    limit: query.limit,
    offset: query.offset,
    cursor: query.cursor,
  };
}

/**
 * The page the table shows of an answer, `offset` rows in, paged by its links. Past the BFF's
 * bound the count is "more than" the larger of 1,000 and the rows shown so far (decision 038); on
 * the last page it is known: the rows up to it.
 */
export function activityListPage(loaded: ActivityPage, offset: number): ListPage<ActivityEntry> {
  const page = linkedPage(loaded);
  if (loaded.count <= ACTIVITY_COUNT_BOUND) return page;
  const seen = (page.offset ?? offset) + loaded.results.length;
  return page.hasNext
    ? { ...page, count: Math.max(ACTIVITY_COUNT_BOUND, seen), more: true }
    : { ...page, count: seen };
}

/** An action's name in the viewer's language; one the widget does not know, as the log has it. */
export function actionLabel(localize: LocalizeController, action: string): string {
  return isActivityAction(action) ? localize.t(`activity.action.${action}`) : action;
}

export interface ActivityFiltersOptions {
  query: ActivityQueryState;
  /** What is typed in the text fields, ahead of the debounced query. */
  typed: Record<ActivityTextFilter, string>;
  /** The dates chosen, ahead of the query while the range is reversed. */
  range: Record<ActivityDateFilter, string>;
  /** A member's History: who acted and on whom are given, so those fields are left out. */
  ofOneMember: boolean;
  localize: LocalizeController;
  onType(name: ActivityTextFilter, value: string): void;
  onDate(name: ActivityDateFilter, value: string): void;
  onFilter(change: Partial<ActivityQueryState>): void;
  /** The export button, at the end of the row. */
  exportButton: unknown;
}

export function renderActivityFilters(o: ActivityFiltersOptions) {
  const t = (key: MessageKey) => o.localize.t(key);
  const invalidRange = !rangeValid(o.range);
  const textField = (name: ActivityTextFilter, key: MessageKey) => html`
    <label class="field">
      <span>${t(key)}</span>
      <input
        part="input"
        type="search"
        name=${name}
        autocomplete="off"
        .value=${o.typed[name]}
        @input=${(event: InputEvent) => o.onType(name, (event.target as HTMLInputElement).value)}
      />
    </label>
  `;
  const dateField = (name: ActivityDateFilter, key: MessageKey) => {
    const invalid = name === 'to' && invalidRange;
    return html`
      <label class="field">
        <span>${t(key)}</span>
        <input
          part="input"
          type="date"
          name=${name}
          aria-invalid=${invalid ? 'true' : 'false'}
          aria-describedby=${invalid ? 'range-error' : nothing}
          .value=${o.range[name]}
          @change=${(event: Event) => o.onDate(name, (event.target as HTMLInputElement).value)}
        />
        ${
          invalid
            ? html`<span class="field-error" id="range-error"
                >${t('activity.filter.rangeInvalid')}</span
              >`
            : nothing
        }
      </label>
    `;
  };
  return html`
    <div class="filters" part="filters" role="search" aria-label=${t('activity.filters')}>
      ${o.ofOneMember ? nothing : textField('actor', 'activity.filter.actor')}
      <label class="field">
        <span>${t('activity.filter.action')}</span>
        <select
          part="input"
          name="action"
          @change=${(event: Event) =>
            o.onFilter({ action: (event.target as HTMLSelectElement).value })}
        >
          <option value="" ?selected=${o.query.action === ''}>${t('activity.filter.all')}</option>
          ${ACTIVITY_ACTIONS.map(
            (action) =>
              html`<option value=${action} ?selected=${o.query.action === action}>
                ${actionLabel(o.localize, action)}
              </option>`,
          )}
        </select>
      </label>
      ${o.ofOneMember ? nothing : textField('target', 'activity.filter.target')}
      ${dateField('from', 'activity.filter.from')} ${dateField('to', 'activity.filter.to')}
      ${o.exportButton}
    </div>
  `;
}
