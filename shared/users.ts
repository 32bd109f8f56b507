import * as z from 'zod/mini';
import {
  booleanParam,
  currentPasswordField,
  described,
  emailField,
  iamRoleIdField,
  idParam,
  integerParam,
  languageField,
  listParam,
  maxChars,
  nameText,
} from './fields.ts';
import { iamRoleRef, passwordField } from './invitations.ts';
import { CLOUD_CLIENT_ROLES, CLOUD_PROJECT_ROLES, LANGUAGES, USER_STATUSES } from './roles.ts';
import { CURSOR_MAX_CHARS } from './users-cursor.ts';

/** The user object (Gcore's field names plus this product's `status`, `invitation_expires_at`, `cloud`). */

const roleRef = z.object({ id: z.int(), name: z.string() });

export const cloudAccess = z.object({
  /** Client scope: applies to every project of the account; null means no access at that scope. */
  client_role: z.nullable(z.enum(CLOUD_CLIENT_ROLES)),
  projects: z.array(
    z.object({
      project_id: z.int(),
      project_name: z.string(),
      role: z.enum(CLOUD_PROJECT_ROLES),
    }),
  ),
});

export const user = z.object({
  id: z.int(),
  email: z.string(),
  name: z.nullable(z.string()),
  phone: z.nullable(z.string()),
  company: described(z.string(), 'name of the account in scope'),
  lang: z.enum(LANGUAGES),
  client: described(z.int(), 'id of the account in scope'),
  deleted: z.boolean(),
  groups: described(z.array(roleRef), 'the IAM role in the account in scope'),
  activated: described(z.boolean(), 'the user has accepted the invitation to this account'),
  is_active: z.boolean(),
  sso_auth: z.boolean(),
  two_fa: z.boolean(),
  auth_types: z.array(z.string()),
  user_type: z.string(),
  client_and_roles: z.array(
    z.object({
      client_id: z.int(),
      client_company_name: z.string(),
      user_id: z.int(),
      user_roles: z.array(z.string()),
    }),
  ),
  status: z.enum(USER_STATUSES),
  shared_profile: z
    .boolean()
    .check(
      z.describe(
        'the user has joined and also belongs to another account: only they change their name, phone and language',
      ),
    ),
  invitation_expires_at: z.nullable(z.string()),
  cloud: cloudAccess,
});
export type User = z.infer<typeof user>;

export const USER_ORDERINGS = ['id', 'email', 'name', 'role', 'lang', 'status'] as const;
const orderings = USER_ORDERINGS.flatMap((field) => [field, `-${field}`] as const);

/** `GET /iam/users` filters; all of them run in SQL. */
export const usersQuery = z.object({
  id: described(
    z.optional(z.string().check(z.trim(), z.regex(/^\d{1,10}$/, 'Enter digits of a user ID.'))),
    'substring of the user ID',
  ),
  email: described(
    z.optional(z.string().check(z.trim(), maxChars(254))),
    'case-insensitive substring',
  ),
  name: described(
    z.optional(z.string().check(z.trim(), maxChars(254))),
    'case-insensitive substring',
  ),
  role: described(z.optional(listParam(iamRoleIdField)), 'IAM role ids; repeat or comma-separate'),
  lang: z.optional(listParam(languageField)),
  status: z.optional(
    listParam(z.enum(USER_STATUSES, { error: `Must be one of: ${USER_STATUSES.join(', ')}.` })),
  ),
  two_fa: z.optional(booleanParam),
  two_fa_compliant: described(
    z.optional(booleanParam),
    'an addition: false lists the joined members without 2FA while the account requires it; true the other joined members',
  ),
  ordering: z.optional(z.enum(orderings, { error: `Must be one of: ${orderings.join(', ')}.` })),
  limit: z.optional(integerParam(1, 1000)),
  offset: z.optional(integerParam(0)),
  cursor: described(
    z.optional(
      z
        .string()
        .check(
          maxChars(CURSOR_MAX_CHARS),
          z.regex(
            /^[A-Za-z0-9_-]+$/,
            'Invalid cursor: use the `next` link of a page with the same ordering.',
          ),
        ),
    ),
    'where the page starts (keyset); from the `next` or `previous` link of a page with the same ordering and filters',
  ),
});
export type UsersQuery = z.infer<typeof usersQuery>;
export type UsersQueryInput = z.input<typeof usersQuery>;

export const usersPage = z.object({
  count: z.int(),
  next: z.nullable(z.string()),
  previous: z.nullable(z.string()),
  results: z.array(user),
});
export type UsersPage = z.infer<typeof usersPage>;

export const userIdParams = z.object({ userId: idParam });

/** A phone number as people type it: digits, spaces and + - ( ) . */
const phoneField = z.nullable(
  z
    .string()
    .check(z.trim(), maxChars(32), z.regex(/^[+\d][\d ()\-.]*$/, 'Enter a valid phone number.')),
);

/**
 * `PATCH /iam/users/{userId}`. Strict: a field this request may not set (role, account, 2FA flags,
 * ids) is refused with 400, never silently ignored. `email` is accepted only to answer it clearly:
 * an email changes through `PUT /iam/users/{userId}/email`, by its owner, with their password.
 */
export const updateUserBody = z.strictObject({
  name: z.optional(z.nullable(nameText(255))),
  lang: z.optional(languageField),
  phone: z.optional(
    z.union([
      z.pipe(
        z.literal(''),
        z.transform((): null => null),
      ),
      phoneField,
    ]),
  ),
  /**
   * Never changed here (PUT …/email does that). Gcore's Go client always sends `email`, as `""`
   * when not set: an empty one means "not given".
   */
  email: z.optional(
    z.pipe(
      z.string(),
      z.transform((email) => (email.trim() === '' ? undefined : email)),
    ),
  ),
});
export type UpdateUserBody = z.input<typeof updateUserBody>;

export const changeEmailBody = z.strictObject({
  new_email: emailField,
  password: currentPasswordField,
});
export type ChangeEmailBody = z.input<typeof changeEmailBody>;

export const changePasswordBody = z
  .strictObject({
    old: currentPasswordField,
    new: passwordField,
    double: z.string({ error: 'This field is required.' }),
  })
  .check(
    z.refine((body) => body.new === body.double, {
      path: ['double'],
      error: 'The two passwords do not match.',
    }),
  );
export type ChangePasswordBody = z.input<typeof changePasswordBody>;

export const clientUserParams = z.object({ clientId: idParam, userId: idParam });

export const clientUserRole = z.strictObject({ user_role: iamRoleRef });
export type ClientUserRole = z.input<typeof clientUserRole>;
export const clientUserRoleAnswer = z.object({
  user_role: z.object({ id: z.int(), name: z.string() }),
});

export const memberRemoved = z.object({ status: z.literal('removed'), user_deleted: z.boolean() });

export const emailChangeRequested = z.object({
  status: z.literal('confirmation_sent'),
  new_email: z.string(),
});

export const confirmEmailBody = z.strictObject({
  token: z.string({ error: 'This field is required.' }).check(maxChars(128)),
});
export const emailChanged = z.object({ status: z.literal('changed'), email: z.string() });
