import { html, nothing } from 'lit';
import type { FieldErrors } from '../../shared/errors.ts';
import type { InviteRowResult, InviteRowStatus } from '../../shared/invitations.ts';
import { IAM_ROLES, OFFERED_LANGUAGES } from '../../shared/roles.ts';
import type { LocalizeController } from '../controllers/localize.ts';
import { isMessageKey } from '../locales/index.ts';
import { roleFrom, type InviteDefaults, type Invitee } from './bulk-invitees.ts';

/**
 * The two tables of "Invite several": the preview (each row editable, with why it would or would
 * not be invited) and the results (what sending did, with Resend). Functions, not elements, so
 * they render in `<um-bulk-invite>`'s shadow root with its styles.
 */

/** One person of the list and what is known about them. */
export interface BulkRow {
  person: Invitee;
  /** `checking`: the preview is asking the BFF; `unchecked`: it could not. */
  status: InviteRowStatus | 'checking' | 'unchecked';
  errors?: FieldErrors;
  /** The refusal's code (status `refused`). */
  code?: string;
  userId?: number;
  /** Resend of an invited row: under way, done, or the text of its failure. */
  resend?: { busy: boolean; done: boolean; failure?: string };
}

/** The rows with the BFF's answers put back in their places (`sent[i]` was asked as row i). */
export function withResults(
  rows: BulkRow[],
  sent: { index: number }[],
  results: InviteRowResult[],
): BulkRow[] {
  const merged = [...rows];
  results.forEach((result, i) => {
    const index = sent[i].index;
    merged[index] = {
      person: rows[index].person,
      status: result.status,
      errors: result.errors,
      code: result.code,
      userId: result.user_id,
    };
  });
  return merged;
}

const FIELD_LABELS = {
  email: 'bulk.column.email',
  name: 'bulk.column.name',
  user_role: 'bulk.column.role',
  lang: 'bulk.column.lang',
} as const;

/** A row's status in words: an invalid row says which field and why. */
export function statusText(row: BulkRow, localize: LocalizeController): string {
  const status = localize.t(`bulk.status.${row.status}`);
  if (row.status === 'refused' && row.code && isMessageKey(`error.${row.code}`))
    return `${status}: ${localize.t(`error.${row.code}` as 'error.forbidden')}`;
  if (row.status !== 'invalid' || !row.errors) return status;
  const reasons = Object.entries(row.errors).map(([field, messages]) => {
    const label = localize.t(
      field in FIELD_LABELS
        ? FIELD_LABELS[field as keyof typeof FIELD_LABELS]
        : 'bulk.column.cloud',
    );
    const texts = messages.map((m) => (isMessageKey(m) ? localize.t(m) : localize.fieldError(m)));
    return `${label}: ${texts.join(' ')}`;
  });
  return `${status}: ${reasons.join('; ')}`;
}

export interface PreviewHandlers {
  edit(index: number, change: Partial<Invitee>): void;
  drop(index: number): void;
}

export function previewTable(
  rows: BulkRow[],
  defaults: InviteDefaults,
  localize: LocalizeController,
  on: PreviewHandlers,
) {
  const t = localize.t.bind(localize);
  return html`
    <div class="table-wrap">
      <table part="table" class="bulk">
        <thead>
          <tr>
            <th scope="col">#</th>
            <th scope="col">${t('bulk.column.email')}</th>
            <th scope="col">${t('bulk.column.name')}</th>
            <th scope="col">${t('bulk.column.role')}</th>
            <th scope="col">${t('bulk.column.lang')}</th>
            <th scope="col">${t('bulk.column.status')}</th>
            <th scope="col"><span class="visually-hidden">${t('bulk.column.actions')}</span></th>
          </tr>
        </thead>
        <tbody>
          ${rows.map((row, i) => previewRow(row, i, defaults, localize, on))}
        </tbody>
      </table>
    </div>
  `;
}

function previewRow(
  row: BulkRow,
  i: number,
  defaults: InviteDefaults,
  localize: LocalizeController,
  on: PreviewHandlers,
) {
  const t = localize.t.bind(localize);
  const n = i + 1;
  const invalid = (field: string) => (row.errors?.[field] ? 'true' : 'false');
  const { person } = row;
  const roleId = person.role ? roleFrom(person.role) : defaults.roleId;
  const lang = (person.lang || defaults.lang).toLowerCase();
  const knownLang = (OFFERED_LANGUAGES as readonly string[]).includes(lang);
  return html`
    <tr data-row=${i} data-status=${row.status}>
      <td>${n}</td>
      <td>
        <input
          part="input"
          type="email"
          aria-label=${t('bulk.emailOfRow', { n })}
          aria-invalid=${invalid('email')}
          aria-describedby="bulk-status-${i}"
          .value=${person.email}
          @input=${(e: Event) => on.edit(i, { email: (e.target as HTMLInputElement).value })}
        />
      </td>
      <td>
        <input
          part="input"
          aria-label=${t('bulk.nameOfRow', { n })}
          aria-invalid=${invalid('name')}
          .value=${person.name}
          @input=${(e: Event) => on.edit(i, { name: (e.target as HTMLInputElement).value })}
        />
      </td>
      <td>
        <select
          part="input"
          aria-label=${t('bulk.roleOfRow', { n })}
          aria-invalid=${invalid('user_role')}
          @change=${(e: Event) => on.edit(i, { role: (e.target as HTMLSelectElement).value })}
        >
          ${
            roleId === undefined
              ? html`<option value=${person.role} selected>${person.role}</option>`
              : nothing
          }
          ${IAM_ROLES.map(
            (role) =>
              html`<option value=${role.id} ?selected=${role.id === roleId}>
                ${t(`role.${role.id}`)}
              </option>`,
          )}
        </select>
      </td>
      <td>
        <select
          part="input"
          aria-label=${t('bulk.langOfRow', { n })}
          aria-invalid=${invalid('lang')}
          @change=${(e: Event) => on.edit(i, { lang: (e.target as HTMLSelectElement).value })}
        >
          ${knownLang ? nothing : html`<option value=${lang} selected>${lang}</option>`}
          ${OFFERED_LANGUAGES.map(
            (code) =>
              html`<option value=${code} ?selected=${code === lang}>${t(`lang.${code}`)}</option>`,
          )}
        </select>
      </td>
      <td id="bulk-status-${i}" class="status ${row.status}">${statusText(row, localize)}</td>
      <td class="actions">
        <button
          type="button"
          part="button"
          class="icon"
          aria-label=${t('bulk.drop', { n })}
          @click=${() => on.drop(i)}
        >
          ×
        </button>
      </td>
    </tr>
  `;
}

export function resultsTable(
  rows: BulkRow[],
  localize: LocalizeController,
  resend: (index: number) => void,
) {
  const t = localize.t.bind(localize);
  return html`
    <div class="table-wrap">
      <table part="table" class="bulk">
        <thead>
          <tr>
            <th scope="col">#</th>
            <th scope="col">${t('bulk.column.email')}</th>
            <th scope="col">${t('bulk.column.name')}</th>
            <th scope="col">${t('bulk.column.status')}</th>
            <th scope="col"><span class="visually-hidden">${t('bulk.column.actions')}</span></th>
          </tr>
        </thead>
        <tbody>
          ${rows.map(
            (row, i) => html`
              <tr data-row=${i} data-status=${row.status}>
                <td>${i + 1}</td>
                <td>${row.person.email}</td>
                <td>${row.person.name}</td>
                <td class="status ${row.status}">${statusText(row, localize)}</td>
                <td class="actions">${resendCell(row, i, localize, resend)}</td>
              </tr>
            `,
          )}
        </tbody>
      </table>
    </div>
  `;
}

function resendCell(
  row: BulkRow,
  i: number,
  localize: LocalizeController,
  resend: (index: number) => void,
) {
  if (row.status !== 'invited' || row.userId === undefined) return nothing;
  const state = row.resend;
  return html`
    <button
      type="button"
      part="button"
      data-action="resend"
      aria-label=${localize.t('bulk.resendTo', { email: row.person.email })}
      ?disabled=${state?.busy}
      aria-busy=${state?.busy ? 'true' : 'false'}
      @click=${() => resend(i)}
    >
      ${localize.t(state?.busy ? 'bulk.resending' : 'bulk.resend')}
    </button>
    ${state?.done ? html`<span class="resent">${localize.t('bulk.resent')}</span>` : nothing}
    ${state?.failure ? html`<span class="field-error">${state.failure}</span>` : nothing}
  `;
}
