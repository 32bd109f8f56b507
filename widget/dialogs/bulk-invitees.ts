import type { FieldErrors } from '../../shared/errors.ts';
import { inviteRow } from '../../shared/form-checks.ts';
import type { InviteRow } from '../../shared/invitations.ts';
import { IAM_ROLES, OFFERED_LANGUAGES, type IamRoleId } from '../../shared/roles.ts';
import { issuesToFieldErrors } from '../locales/errors.ts';

/**
 * The "Invite several" list, without the DOM: reading pasted addresses and CSV files into
 * people, and checking each against the BFF's own row schema. Pure functions, tested alone.
 */

/** One person as pasted or read from a file: every field as text; empty role or lang: the default. */
export interface Invitee {
  email: string;
  name: string;
  role: string;
  lang: string;
}

/** What applies to everyone unless the person's own row says otherwise. */
export interface InviteDefaults {
  roleId: IamRoleId;
  lang: string;
  cloud: InviteRow['cloud'];
}

const invitee = (email: string, name = '', role = '', lang = ''): Invitee => ({
  email,
  name,
  role,
  lang,
});

/**
 * Pasted addresses: one a line, or separated by commas or semicolons; `Jane Doe <jane@x.com>` or
 * `"Doe, Jane" <jane@x.com>` gives a name (a separator inside quotes or <> does not split).
 */
export function parseAddresses(text: string): Invitee[] {
  const pieces: string[] = [];
  let current = '';
  let quoted = false;
  let bracketed = false;
  for (const char of text) {
    if (char === '"' && !bracketed) quoted = !quoted;
    else if (char === '<' && !quoted) bracketed = true;
    else if (char === '>' && !quoted) bracketed = false;
    if (!quoted && !bracketed && /[\n\r,;]/.test(char)) {
      pieces.push(current);
      current = '';
    } else current += char;
  }
  pieces.push(current);
  return pieces
    .map((piece) => piece.trim())
    .filter(Boolean)
    .map((piece) => {
      const named = /^(.*?)\s*<([^<>]*)>$/s.exec(piece);
      if (!named) return invitee(piece);
      const name = named[1]
        .trim()
        .replace(/^"(.*)"$/s, '$1')
        .trim();
      return invitee(named[2].trim(), name);
    });
}

/** CSV text as rows of cells (RFC 4180: quotes, doubled quotes, line breaks inside quotes). */
function csvRows(text: string, delimiter: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let cell = '';
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const char = text[i];
    if (quoted) {
      if (char === '"' && text[i + 1] === '"') {
        cell += '"';
        i++;
      } else if (char === '"') quoted = false;
      else cell += char;
    } else if (char === '"') quoted = true;
    else if (char === delimiter) {
      row.push(cell);
      cell = '';
    } else if (char === '\n' || char === '\r') {
      if (char === '\r' && text[i + 1] === '\n') i++;
      rows.push([...row, cell]);
      row = [];
      cell = '';
    } else cell += char;
  }
  rows.push([...row, cell]);
  return rows.filter((cells) => cells.some((value) => value.trim() !== ''));
}

const COLUMNS = ['email', 'name', 'role', 'lang'] as const;
const HEADER_NAMES: Record<string, (typeof COLUMNS)[number]> = {
  email: 'email',
  'e-mail': 'email',
  name: 'name',
  role: 'role',
  iam_role: 'role',
  lang: 'lang',
  language: 'lang',
};

/**
 * A CSV file of `email,name,role,lang` (a spreadsheet's `;` works too). The header is optional:
 * a first row with a cell `email` (never an address) names the columns, in any order.
 */
export function parseCsv(text: string): Invitee[] {
  const body = text.replace(/^\uFEFF/, '');
  const firstLine = body.split(/\r?\n/, 1)[0];
  const delimiter = firstLine.includes(';') && !firstLine.includes(',') ? ';' : ',';
  const rows = csvRows(body, delimiter);
  let columns: ((typeof COLUMNS)[number] | undefined)[] = [...COLUMNS];
  const header = rows[0]?.map((cell) => HEADER_NAMES[cell.trim().toLowerCase()]);
  if (header?.includes('email')) {
    columns = header;
    rows.shift();
  }
  return rows.map((cells) => {
    const value = (column: (typeof COLUMNS)[number]) => {
      const at = columns.indexOf(column);
      return at < 0 ? '' : (cells[at] ?? '').trim();
    };
    return invitee(value('email'), value('name'), value('role'), value('lang'));
  });
}

/** An IAM role by id or name (`2`, `users`); undefined when the text names none. */
export function roleFrom(text: string): IamRoleId | undefined {
  const wanted = text.trim().toLowerCase();
  return IAM_ROLES.find((role) => String(role.id) === wanted || role.name.toLowerCase() === wanted)
    ?.id;
}

/** Message keys of the checks only the list makes (the role and language columns of a CSV). */
export const UNKNOWN_ROLE = 'bulk.unknownRole';
export const UNKNOWN_LANG = 'bulk.unknownLang';

/**
 * The row the BFF would be sent for a person, or why it would refuse it: the person's own role
 * and language, else the defaults, checked with the BFF's row schema's rules (shared/form-checks.ts, so a malformed email is
 * never sent). Field errors are the schema's messages, or one of the keys above.
 */
export function checkInvitee(
  person: Invitee,
  defaults: InviteDefaults,
): { row: InviteRow } | { errors: FieldErrors } {
  const errors: FieldErrors = {};
  const roleId = person.role ? roleFrom(person.role) : defaults.roleId;
  if (roleId === undefined) errors.user_role = [UNKNOWN_ROLE];
  const lang = person.lang ? person.lang.toLowerCase() : defaults.lang;
  if (!(OFFERED_LANGUAGES as readonly string[]).includes(lang)) errors.lang = [UNKNOWN_LANG];
  const name = person.name.trim();
  const row = {
    email: person.email,
    user_role: { id: roleId ?? 0 },
    ...(name ? { name } : {}),
    lang,
    ...(defaults.cloud ? { cloud: defaults.cloud } : {}),
  };
  // `lang` is any text typed in the file until the check has looked at it.
  const parsed = inviteRow(row as InviteRow);
  if (!parsed.success) {
    for (const [field, messages] of Object.entries(
      issuesToFieldErrors(parsed.error.issues, 'email'),
    ))
      errors[field.startsWith('user_role') ? 'user_role' : field] ??= messages;
  }
  return Object.keys(errors).length > 0 ? { errors } : { row: row as InviteRow };
}
