import { html, nothing } from 'lit';
import {
  IAM_ROLES,
  OFFERED_LANGUAGES,
  USER_STATUSES,
  type IamRoleId,
  type UserStatus,
} from '../../shared/roles.ts';
import '../components/multi-select.ts';
import type { MultiSelectOption, UmMultiSelect } from '../components/multi-select.ts';
import type { User, UsersPage } from '../../shared/users.ts';
import type { LocalizeController } from '../controllers/localize.ts';
import { linkedPage, type ListPage } from '../controllers/page-turn.ts';
import { lastPageCursor } from '../../shared/users-cursor.ts';
import type { MessageKey } from '../locales/index.ts';

/**
 * The Users panel's filters (ID, Email, Name, Roles, Language, Status, 2FA) and the query they
 * make. A function like the pager, so the fields render in the panel's shadow root with its
 * styles; the panel keeps the state and the debounce of the text fields.
 */

export type SortField = 'id' | 'email' | 'name';
export type Ordering = SortField | `-${SortField}`;

/** What the table currently asks the BFF; replaced (never mutated) so the task sees a change. */
export interface UsersQueryState {
  id: string;
  email: string;
  name: string;
  role: IamRoleId[];
  lang: string[];
  status: UserStatus | '';
  /** `noncompliant`: required by the account and not set up (`two_fa_compliant=false`). */
  twoFa: '' | 'true' | 'false' | 'noncompliant';
  ordering: Ordering | '';
  limit: number;
  offset: number;
  /** Where the page starts by keyset (from the answer's links; decision 028). */
  cursor?: string | undefined;
  /** Rows asked for when not `limit` (the last page, sought backwards from the list's end). */
  take?: number | undefined;
}

export const EMPTY_FILTERS = {
  id: '',
  email: '',
  name: '',
  role: [],
  lang: [],
  status: '',
  twoFa: '',
} satisfies Partial<UsersQueryState>;

/** Whether any filter narrows the list (then an empty table offers "Clear filters"). */
export function hasUsersFilters(q: UsersQueryState): boolean {
  return Boolean(
    q.id || q.email || q.name || q.role.length || q.lang.length || q.status || q.twoFa,
  );
}

/** The query parameters of `GET /iam/users` for the table's question. */
export function usersParams(query: UsersQueryState) {
  return {
    id: query.id || undefined,
    email: query.email || undefined,
    name: query.name || undefined,
    role: query.role.map(String),
    lang: query.lang,
    status: query.status || undefined,
    two_fa: query.twoFa === 'true' || query.twoFa === 'false' ? query.twoFa : undefined,
    two_fa_compliant: query.twoFa === 'noncompliant' ? ('false' as const) : undefined,
    ordering: query.ordering || undefined,
    limit: query.take ?? query.limit,
    offset: query.offset,
    cursor: query.cursor,
  };
}

/** The page the table shows of an answer, with the cursors Next, Previous and Last use. */
export function usersListPage(loaded: UsersPage, query: UsersQueryState): ListPage<User> {
  const page = linkedPage(loaded);
  return { ...page, cursors: { ...page.cursors, last: lastPageCursor(query.ordering) } };
}

const TWO_FA = ['true', 'false'] as const;
/** With an account that requires 2FA, the filter also finds those who have not set it up. */
const TWO_FA_REQUIRED = [...TWO_FA, 'noncompliant'] as const;

export type TextFilter = 'id' | 'email' | 'name';

export interface FiltersOptions {
  query: UsersQueryState;
  /** What is typed in the text filters, ahead of the debounced query. */
  typed: Record<TextFilter, string>;
  /** Whether the typed ID is digits: the BFF refuses anything else. */
  idValid: boolean;
  localize: LocalizeController;
  /** The account requires 2FA: the 2FA filter offers "Required, not set up". */
  twoFaRequired?: boolean;
  onType(name: TextFilter, value: string): void;
  onFilter(change: Partial<UsersQueryState>): void;
}

export function renderUsersFilters(o: FiltersOptions) {
  const q = o.query;
  const idInvalid = !o.idValid;
  const textField = (name: TextFilter, key: MessageKey, inputmode?: string) => html`
    <label class="field">
      <span>${o.localize.t(key)}</span>
      <input
        part="input"
        type="search"
        name=${name}
        inputmode=${inputmode ?? nothing}
        autocomplete="off"
        aria-invalid=${name === 'id' && idInvalid ? 'true' : 'false'}
        aria-describedby=${name === 'id' && idInvalid ? 'id-error' : nothing}
        .value=${o.typed[name]}
        @input=${(event: InputEvent) => o.onType(name, (event.target as HTMLInputElement).value)}
      />
      ${
        name === 'id' && idInvalid
          ? html`<span class="field-error" id="id-error"
              >${o.localize.t('users.filter.idInvalid')}</span
            >`
          : nothing
      }
    </label>
  `;
  const multiSelect = (
    name: 'role' | 'lang',
    key: MessageKey,
    options: MultiSelectOption[],
    value: string[],
    onChange: (value: string[]) => void,
  ) => html`
    <um-multi-select
      data-filter=${name}
      exportparts="button, popup"
      .label=${o.localize.t(key)}
      .summary=${o.localize.t('users.filter.selected', {
        selected: value.length,
        total: options.length,
      })}
      .options=${options}
      .value=${value}
      @change=${(event: Event) => onChange((event.target as UmMultiSelect).value)}
    ></um-multi-select>
  `;
  /** A single choice, "All" (the empty value) first. */
  const select = <V extends string>(
    name: string,
    key: MessageKey,
    current: V | '',
    values: readonly V[],
    label: (value: V) => string,
    onChange: (value: V | '') => void,
  ) => html`
    <label class="field">
      <span>${o.localize.t(key)}</span>
      <select
        part="input"
        name=${name}
        @change=${(event: Event) => onChange((event.target as HTMLSelectElement).value as V | '')}
      >
        <option value="" ?selected=${current === ''}>${o.localize.t('users.filter.all')}</option>
        ${values.map(
          (value) =>
            html`<option value=${value} ?selected=${current === value}>${label(value)}</option>`,
        )}
      </select>
    </label>
  `;
  const statusLabel = (status: UserStatus) => o.localize.t(`status.${status}`);
  // Whole keys rather than a template: the build's check of each chunk's English sees them
  // (test/e2e/package.test.ts), and the other twoFa.* texts stay out of the first paint.
  const twoFaLabel = (twoFa: (typeof TWO_FA_REQUIRED)[number]) =>
    o.localize.t(
      twoFa === 'noncompliant'
        ? 'users.filter.twoFaNoncompliant'
        : twoFa === 'true'
          ? 'twoFa.true'
          : 'twoFa.false',
    );
  const twoFaValues = o.twoFaRequired || q.twoFa === 'noncompliant' ? TWO_FA_REQUIRED : TWO_FA;
  const roles: MultiSelectOption[] = IAM_ROLES.map((role) => ({
    value: String(role.id),
    label: o.localize.t(`role.${role.id}`),
  }));
  const langs: MultiSelectOption[] = OFFERED_LANGUAGES.map((lang) => ({
    value: lang,
    label: o.localize.t(`lang.${lang}`),
  }));
  return html`
    <div class="filters" part="filters" role="search" aria-label=${o.localize.t('users.filters')}>
      ${textField('id', 'users.filter.id', 'numeric')} ${textField('email', 'users.filter.email')}
      ${textField('name', 'users.filter.name')}
      ${multiSelect('role', 'users.filter.roles', roles, q.role.map(String), (value) =>
        o.onFilter({ role: value.map(Number) as IamRoleId[] }),
      )}
      ${multiSelect('lang', 'users.filter.language', langs, q.lang, (lang) => o.onFilter({ lang }))}
      ${select('status', 'users.filter.status', q.status, USER_STATUSES, statusLabel, (status) =>
        o.onFilter({ status }),
      )}
      ${select('two_fa', 'users.filter.twoFa', q.twoFa, twoFaValues, twoFaLabel, (twoFa) =>
        o.onFilter({ twoFa }),
      )}
    </div>
  `;
}
