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
import type { LocalizeController } from '../controllers/localize.ts';
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
  twoFa: '' | 'true' | 'false';
  ordering: Ordering | '';
  limit: number;
  offset: number;
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

export type TextFilter = 'id' | 'email' | 'name';

export interface FiltersOptions {
  query: UsersQueryState;
  /** What is typed in the text filters, ahead of the debounced query. */
  typed: Record<TextFilter, string>;
  /** Whether the typed ID is digits: the BFF refuses anything else. */
  idValid: boolean;
  localize: LocalizeController;
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
      <um-multi-select
        data-filter="role"
        exportparts="button, popup"
        .label=${o.localize.t('users.filter.roles')}
        .summary=${o.localize.t('users.filter.selected', {
          selected: q.role.length,
          total: roles.length,
        })}
        .options=${roles}
        .value=${q.role.map(String)}
        @change=${(event: Event) =>
          o.onFilter({
            role: (event.target as UmMultiSelect).value.map(Number) as IamRoleId[],
          })}
      ></um-multi-select>
      <um-multi-select
        data-filter="lang"
        exportparts="button, popup"
        .label=${o.localize.t('users.filter.language')}
        .summary=${o.localize.t('users.filter.selected', {
          selected: q.lang.length,
          total: langs.length,
        })}
        .options=${langs}
        .value=${q.lang}
        @change=${(event: Event) => o.onFilter({ lang: (event.target as UmMultiSelect).value })}
      ></um-multi-select>
      <label class="field">
        <span>${o.localize.t('users.filter.status')}</span>
        <select
          part="input"
          name="status"
          @change=${(event: Event) =>
            o.onFilter({
              status: (event.target as HTMLSelectElement).value as UserStatus | '',
            })}
        >
          <option value="" ?selected=${q.status === ''}>${o.localize.t('users.filter.all')}</option>
          ${USER_STATUSES.map(
            (status) =>
              html`<option value=${status} ?selected=${q.status === status}>
                ${o.localize.t(`status.${status}`)}
              </option>`,
          )}
        </select>
      </label>
      <label class="field">
        <span>${o.localize.t('users.filter.twoFa')}</span>
        <select
          part="input"
          name="two_fa"
          @change=${(event: Event) =>
            o.onFilter({
              twoFa: (event.target as HTMLSelectElement).value as UsersQueryState['twoFa'],
            })}
        >
          <option value="" ?selected=${q.twoFa === ''}>${o.localize.t('users.filter.all')}</option>
          <option value="true" ?selected=${q.twoFa === 'true'}>
            ${o.localize.t('twoFa.true')}
          </option>
          <option value="false" ?selected=${q.twoFa === 'false'}>
            ${o.localize.t('twoFa.false')}
          </option>
        </select>
      </label>
    </div>
  `;
}
