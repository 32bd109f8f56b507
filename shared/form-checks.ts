import type { AcceptInvitationBody, InviteRow, InviteUserBody } from './invitations.ts';
import {
  CLOUD_PROJECT_ROLES,
  IAM_ROLE_IDS,
  LANGUAGES,
  type CloudRole,
  type IamRoleId,
} from './roles.ts';
import type { SecuritySettingsBody } from './security.ts';
import type { CreateTokenBody } from './tokens.ts';
import type { ChangeEmailBody, ChangePasswordBody, UpdateUserBody } from './users.ts';

/**
 * The checks the widget runs on its forms before sending them, without zod (decision 024): the
 * same rules, messages, issue paths and output (trimmed, lower-cased, defaults) as the shared zod
 * schemas the BFF validates with, for the values a form can hold (TypeScript rules out the
 * wrong types). zod/mini was 32.6 KB of the widget (minified); these are about 5 KB (2 KB gzipped).
 *
 * They are checked against the schemas, not generated from them: shared/form-checks.test.ts runs
 * both on good and bad inputs and requires the same answer, so a change to a schema's rule or
 * message that is not made here too fails the tests. One function per schema, named after it.
 */

export const PASSWORD_MIN_LENGTH = 8;
export const PASSWORD_MAX_LENGTH = 256;
/** The most people one bulk invitation takes (docs/decisions/025); shared/invitations.ts re-exports it. */
export const INVITE_BATCH_MAX = 100;
/** The longest grace period an account may give its members to set 2FA up (decision 026). */
export const MAX_GRACE_PERIOD_DAYS = 30;

export interface Issue {
  path: (string | number)[];
  message: string;
}

/** What zod's `safeParse` answers, so the widget reads both alike. */
export type Checked<T> =
  { success: true; data: T } | { success: false; error: { issues: Issue[] } };

const BLANK = 'This field may not be blank.';
const INVALID_INTEGER = 'A valid integer is required.';
const tooLong = (max: number) => `Ensure this field has no more than ${max} characters.`;
const oneOf = (values: readonly string[]) => `Must be one of: ${values.join(', ')}.`;
/** shared/fields.ts: one line of printable text. */
const CONTROL_CHARACTERS = /[\p{Cc}\u2028\u2029]/u;
/** zod 4's email pattern (zod/v4/core/regexes.js `email`). */
const EMAIL =
  /^(?:[A-Za-z0-9_'+-]+\.)*[A-Za-z0-9_'+-]*[A-Za-z0-9_+-]@(?:[A-Za-z0-9][A-Za-z0-9-]*\.)+[A-Za-z]{2,}$/;
/** zod 4's `iso.datetime({ offset: true })`: a real date, seconds, `Z` or an offset. */
const DATETIME =
  /^(?:(?:\d\d[2468][048]|\d\d[13579][26]|\d\d0[48]|[02468][048]00|[13579][26]00)-02-29|\d{4}-(?:(?:0[13578]|1[02])-(?:0[1-9]|[12]\d|3[01])|(?:0[469]|11)-(?:0[1-9]|[12]\d|30)|(?:02)-(?:0[1-9]|1\d|2[0-8])))T(?:(?:[01]\d|2[0-3]):[0-5]\d:[0-5]\d(?:\.\d+)?(?:Z|([+-](?:[01]\d|2[0-3]):[0-5]\d)))$/;

/**
 * The issues of one check, in zod's order. `abort` marks those after which zod runs no further
 * check of the enclosing object (a wrong type, a value not in a list); a failed length or pattern
 * check lets the object's own checks (two passwords alike) still run.
 */
class Issues {
  readonly list: Issue[] = [];
  aborted = false;

  add(path: (string | number)[], message: string, abort = false) {
    this.list.push({ path, message });
    if (abort) this.aborted = true;
  }

  /** A text: trimmed first where the schema trims, then each rule in the schema's order. */
  text(
    path: (string | number)[],
    value: string,
    rules: {
      trim?: boolean;
      min?: [number, string];
      max?: number;
      pattern?: [RegExp, string];
      oneLine?: boolean;
    },
  ): string {
    const text = rules.trim ? value.trim() : value;
    if (rules.min && text.length < rules.min[0]) this.add(path, rules.min[1]);
    if (rules.max !== undefined && text.length > rules.max) this.add(path, tooLong(rules.max));
    if (rules.pattern && !rules.pattern[0].test(text)) this.add(path, rules.pattern[1]);
    if (rules.oneLine && CONTROL_CHARACTERS.test(text)) {
      this.add(path, 'Enter one line of text, without control characters.');
    }
    return text;
  }

  /** `nameText(255)`: a person's name. */
  name(path: (string | number)[], value: string): string {
    return this.text(path, value, { trim: true, max: 255, oneLine: true });
  }

  /** `currentPasswordField`: present, not blank, not absurdly long. */
  currentPassword(path: (string | number)[], value: string): string {
    return this.text(path, value, { min: [1, BLANK], max: 1024 });
  }

  /** `passwordField`: 8 to 256 characters. */
  password(path: (string | number)[], value: string): string {
    const min = `Ensure this field has at least ${PASSWORD_MIN_LENGTH} characters.`;
    return this.text(path, value, { min: [PASSWORD_MIN_LENGTH, min], max: PASSWORD_MAX_LENGTH });
  }

  /** `emailField`: trimmed, lower-cased, at most 254 characters, then an email address. */
  email(path: (string | number)[], value: string): string {
    const before = this.list.length;
    const email = this.text(path, value.toLowerCase(), { trim: true, max: 254 });
    if (this.list.length === before && !EMAIL.test(email)) {
      this.add(path, 'Enter a valid email address.');
    }
    return email;
  }

  /** `idParam`: a positive 32-bit integer (a number, or digits). */
  id(path: (string | number)[], value: unknown): number {
    const id = Number(value);
    if (!Number.isSafeInteger(id)) this.add(path, INVALID_INTEGER, true);
    else {
      if (id <= 0) this.add(path, INVALID_INTEGER);
      if (id > 2_147_483_647) this.add(path, INVALID_INTEGER);
    }
    return id;
  }

  /** `iamRoleRef`: `{id, name?}` with the id of an IAM role. */
  roleRef(path: (string | number)[], role: { id: unknown; name?: string | undefined }) {
    const id = Number(role.id);
    if (!Number.isFinite(id)) this.add([...path, 'id'], INVALID_INTEGER, true);
    else if (!IAM_ROLE_IDS.includes(id as IamRoleId)) {
      this.add([...path, 'id'], `Must be one of the role ids ${IAM_ROLE_IDS.join(', ')}.`, true);
    }
    if (role.name !== undefined) this.text([...path, 'name'], role.name, { max: 255 });
    return { id: id as IamRoleId, ...(role.name !== undefined && { name: role.name }) };
  }

  language(path: (string | number)[], value: string) {
    if (!(LANGUAGES as readonly string[]).includes(value)) this.add(path, oneOf(LANGUAGES), true);
    return value as (typeof LANGUAGES)[number];
  }

  answer<T>(data: T): Checked<T> {
    return this.list.length
      ? { success: false, error: { issues: this.list } }
      : { success: true, data };
  }
}

/** `changePasswordBody`: the current password, the new one twice. */
export function changePasswordBody(body: ChangePasswordBody): Checked<ChangePasswordBody> {
  const issues = new Issues();
  const data = {
    old: issues.currentPassword(['old'], body.old),
    new: issues.password(['new'], body.new),
    double: body.double,
  };
  if (!issues.aborted && data.new !== data.double) {
    issues.add(['double'], 'The two passwords do not match.');
  }
  return issues.answer(data);
}

/** `updateUserBody`: a profile's name, language and phone, each only when given. */
export function updateUserBody(body: UpdateUserBody): Checked<UpdateUserBody> {
  const issues = new Issues();
  const data: UpdateUserBody = {};
  if (body.name !== undefined)
    data.name = body.name === null ? null : issues.name(['name'], body.name);
  if (body.lang !== undefined) data.lang = issues.language(['lang'], body.lang);
  if (body.phone !== undefined) {
    data.phone =
      body.phone === null || body.phone === ''
        ? null
        : issues.text(['phone'], body.phone, {
            trim: true,
            max: 32,
            pattern: [/^[+\d][\d ()\-.]*$/, 'Enter a valid phone number.'],
          });
  }
  if (body.email !== undefined) data.email = body.email;
  return issues.answer(data);
}

/** `changeEmailBody`: the new email, and the password that allows it. */
export function changeEmailBody(body: ChangeEmailBody): Checked<ChangeEmailBody> {
  const issues = new Issues();
  const data = {
    new_email: issues.email(['new_email'], body.new_email),
    password: issues.currentPassword(['password'], body.password),
  };
  return issues.answer(data);
}

/** `acceptInvitationBody`: a new person's password and name. */
export function acceptInvitationBody(body: AcceptInvitationBody): Checked<AcceptInvitationBody> {
  const issues = new Issues();
  const data: AcceptInvitationBody = {};
  if (body.password !== undefined) data.password = issues.password(['password'], body.password);
  if (body.name !== undefined) data.name = issues.name(['name'], body.name);
  return issues.answer(data);
}

/** `twoFaCodeBody`: six digits from an authenticator app. */
export function twoFaCodeBody(body: { code: string }): Checked<{ code: string }> {
  const issues = new Issues();
  const pattern: [RegExp, string] = [
    /^\d{6}$/,
    'Enter the 6-digit code from your authenticator app.',
  ];
  return issues.answer({ code: issues.text(['code'], body.code, { trim: true, pattern }) });
}

/** `createTokenBody`: a token's name, description, expiry and role. */
export function createTokenBody(body: CreateTokenBody): Checked<CreateTokenBody> {
  const issues = new Issues();
  const name = issues.text(['name'], body.name, { trim: true, min: [1, BLANK], max: 255 });
  const description =
    typeof body.description === 'string'
      ? issues.text(['description'], body.description, { trim: true, max: 1000 })
      : body.description;
  if (body.exp_date !== null && !DATETIME.test(body.exp_date)) {
    issues.add(['exp_date'], 'Enter a valid date and time, e.g. 2027-01-31T00:00:00Z.');
  }
  const role = issues.roleRef(['client_user', 'role'], body.client_user.role);
  return issues.answer({
    name,
    ...(description !== undefined && { description }),
    exp_date: body.exp_date,
    client_user: { role },
  });
}

/** `clientUserRole`: a member's new IAM role. */
export function clientUserRole(body: {
  user_role: { id: number; name?: string };
}): Checked<{ user_role: { id: IamRoleId; name?: string } }> {
  const issues = new Issues();
  return issues.answer({ user_role: issues.roleRef(['user_role'], body.user_role) });
}

interface CloudInput {
  client_role?: 'ClientAdministrator' | null | undefined;
  projects?: { project_id: unknown; role: string }[] | undefined;
}
interface CloudOutput {
  client_role: 'ClientAdministrator' | null;
  projects: { project_id: number; role: Exclude<CloudRole, 'ClientAdministrator'> }[];
}

function cloud(issues: Issues, path: (string | number)[], body: CloudInput): CloudOutput {
  const role = body.client_role ?? null;
  if (role !== null && role !== 'ClientAdministrator') {
    issues.add([...path, 'client_role'], 'Must be ClientAdministrator or null.', true);
  }
  const rows = body.projects ?? [];
  // The list's own length check runs unless one of its rows stopped zod; the uniqueness check
  // of the whole Cloud access unless anything in it did (its role included).
  const before = issues.aborted;
  issues.aborted = false;
  const projects = rows.map((row, index) => {
    const at = [...path, 'projects', index];
    const project_id = issues.id([...at, 'project_id'], row.project_id);
    if (!(CLOUD_PROJECT_ROLES as readonly string[]).includes(row.role)) {
      issues.add([...at, 'role'], oneOf(CLOUD_PROJECT_ROLES), true);
    }
    return { project_id, role: row.role as CloudOutput['projects'][number]['role'] };
  });
  if (!issues.aborted && projects.length > 100) {
    // zod checks no more of the Cloud access after this one (not even that projects are unique).
    issues.add([...path, 'projects'], 'Ensure this field has no more than 100 elements.', true);
  }
  issues.aborted ||= before;
  if (!issues.aborted && new Set(projects.map((p) => p.project_id)).size !== projects.length) {
    issues.add([...path, 'projects'], 'Each project may appear once.');
  }
  return { client_role: role, projects };
}

/** `cloudAccessInput`: the Cloud access of the Invite and Edit user forms. */
export function cloudAccessInput(body: CloudInput): Checked<CloudOutput> {
  const issues = new Issues();
  return issues.answer(cloud(issues, [], body));
}

/** What an invitation says of the person, in the order the schema checks it. */
function invitee(issues: Issues, body: InviteRow): InviteRow {
  const data: InviteRow = {
    email: issues.email(['email'], body.email),
    user_role: issues.roleRef(['user_role'], body.user_role),
  };
  if (body.name !== undefined) data.name = issues.name(['name'], body.name);
  data.lang = issues.language(['lang'], body.lang ?? 'en');
  // The Cloud part's own checks look at its issues only.
  if (body.cloud !== undefined) {
    const inner = new Issues();
    data.cloud = cloud(inner, ['cloud'], body.cloud);
    issues.list.push(...inner.list);
  }
  return data;
}

/** `inviteUserBody`: whom to invite, with which role, language and Cloud access. */
export function inviteUserBody(body: InviteUserBody): Checked<InviteUserBody> {
  const issues = new Issues();
  const client_id = issues.id(['client_id'], body.client_id);
  return issues.answer({ client_id, ...invitee(issues, body) });
}

/** `inviteRow`: one person of a bulk invitation (inviteUserBody without the account). */
export function inviteRow(body: InviteRow): Checked<InviteRow> {
  const issues = new Issues();
  return issues.answer(invitee(issues, body));
}

/** `securitySettingsBody`: whether the account requires 2FA, and the days of grace. */
export function securitySettingsBody(body: SecuritySettingsBody): Checked<SecuritySettingsBody> {
  const issues = new Issues();
  const days = body.grace_period_days;
  const at = ['grace_period_days'];
  // zod's `int()` stops at a fraction; an integer past 2^53 fails it but still meets the bounds.
  if (days !== undefined && !Number.isInteger(days)) issues.add(at, INVALID_INTEGER);
  else if (days !== undefined) {
    if (!Number.isSafeInteger(days)) issues.add(at, INVALID_INTEGER);
    if (days < 0) issues.add(at, 'Ensure this value is greater than or equal to 0.');
    if (days > MAX_GRACE_PERIOD_DAYS) {
      issues.add(at, `Ensure this value is less than or equal to ${MAX_GRACE_PERIOD_DAYS}.`);
    }
  }
  return issues.answer({
    require_2fa: body.require_2fa,
    ...(days !== undefined && { grace_period_days: days }),
  });
}

/** zod 4's `ipv4` pattern (zod/v4/core/regexes.js). */
const IPV4 =
  /^(?:(?:25[0-5]|2[0-4][0-9]|1[0-9][0-9]|[1-9][0-9]|[0-9])\.){3}(?:25[0-5]|2[0-4][0-9]|1[0-9][0-9]|[1-9][0-9]|[0-9])$/;

/**
 * `ipAddress`: an IPv4 or IPv6 address. zod 4 accepts as IPv6 what has only hex digits, colons
 * and dots and parses as a URL's `[host]` (zod/v4/core/schemas.js `isValidIPv6`).
 */
export function ipAddress(value: string): Checked<string> {
  const issues = new Issues();
  if (!IPV4.test(value) && !(/^[0-9a-fA-F:.]+$/.test(value) && parsesAsUrl(`http://[${value}]`))) {
    issues.add([], 'Enter a valid IPv4 or IPv6 address.');
  }
  return issues.answer(value);
}

/** `URL.canParse`, which Safari has only since 17. */
function parsesAsUrl(url: string): boolean {
  try {
    new URL(url);
    return true;
  } catch {
    return false;
  }
}
