import { z } from 'zod';
import { emailField, idParam, iamRoleIdField, languageField, listParam } from './fields.ts';
import { passwordField } from './invitations.ts';
import { CLOUD_CLIENT_ROLES, CLOUD_PROJECT_ROLES, LANGUAGES, USER_STATUSES } from './roles.ts';

/** The user object (Gcore's field names plus this product's `status`, `invitation_expires_at`, `cloud`). */

const roleRef = z.object({ id: z.number().int(), name: z.string() });

export const cloudAccess = z.object({
  /** Client scope: applies to every project of the account; null means no access at that scope. */
  client_role: z.enum(CLOUD_CLIENT_ROLES).nullable(),
  projects: z.array(
    z.object({
      project_id: z.number().int(),
      project_name: z.string(),
      role: z.enum(CLOUD_PROJECT_ROLES),
    }),
  ),
});

export const user = z.object({
  id: z.number().int(),
  email: z.string(),
  name: z.string().nullable(),
  phone: z.string().nullable(),
  company: z.string().describe('name of the account in scope'),
  lang: z.enum(LANGUAGES),
  client: z.number().int().describe('id of the account in scope'),
  deleted: z.boolean(),
  groups: z.array(roleRef).describe('the IAM role in the account in scope'),
  activated: z.boolean().describe('the user has accepted the invitation to this account'),
  is_active: z.boolean(),
  sso_auth: z.boolean(),
  two_fa: z.boolean(),
  auth_types: z.array(z.string()),
  user_type: z.string(),
  client_and_roles: z.array(
    z.object({
      client_id: z.number().int(),
      client_company_name: z.string(),
      user_id: z.number().int(),
      user_roles: z.array(z.string()),
    }),
  ),
  status: z.enum(USER_STATUSES),
  invitation_expires_at: z.string().nullable(),
  cloud: cloudAccess,
});
export type User = z.infer<typeof user>;

export const USER_ORDERINGS = ['id', 'email', 'name', 'role', 'lang', 'status'] as const;
const orderings = USER_ORDERINGS.flatMap((field) => [field, `-${field}`] as const);

/** `GET /iam/users` filters; all of them run in SQL. */
export const usersQuery = z.object({
  id: z
    .string()
    .trim()
    .regex(/^\d{1,10}$/, 'Enter digits of a user ID.')
    .optional()
    .describe('substring of the user ID'),
  email: z.string().trim().max(254).optional().describe('case-insensitive substring'),
  name: z.string().trim().max(254).optional().describe('case-insensitive substring'),
  role: listParam(iamRoleIdField).optional().describe('IAM role ids; repeat or comma-separate'),
  lang: listParam(languageField).optional(),
  status: listParam(
    z.enum(USER_STATUSES, { error: `Must be one of: ${USER_STATUSES.join(', ')}.` }),
  ).optional(),
  two_fa: z
    .enum(['true', 'false'], { error: 'Must be true or false.' })
    .transform((v) => v === 'true')
    .optional(),
  ordering: z.enum(orderings, { error: `Must be one of: ${orderings.join(', ')}.` }).optional(),
  limit: z.coerce
    .number({ error: 'A valid integer is required.' })
    .int({ error: 'A valid integer is required.' })
    .min(1, 'Ensure this value is greater than or equal to 1.')
    .max(1000, 'Ensure this value is less than or equal to 1000.')
    .optional(),
  offset: z.coerce
    .number({ error: 'A valid integer is required.' })
    .int({ error: 'A valid integer is required.' })
    .min(0, 'Ensure this value is greater than or equal to 0.')
    .optional(),
});
export type UsersQuery = z.infer<typeof usersQuery>;
export type UsersQueryInput = z.input<typeof usersQuery>;

export const usersPage = z.object({
  count: z.number().int(),
  next: z.string().nullable(),
  previous: z.string().nullable(),
  results: z.array(user),
});
export type UsersPage = z.infer<typeof usersPage>;

export const userIdParams = z.object({ userId: idParam });

/** A phone number as people type it: digits, spaces and + - ( ) . */
const phoneField = z
  .string()
  .trim()
  .max(32, 'Ensure this field has no more than 32 characters.')
  .regex(/^[+\d][\d ()\-.]*$/, 'Enter a valid phone number.')
  .nullable();

/**
 * `PATCH /iam/users/{userId}`. Strict: a field this request may not set (role, account, 2FA flags,
 * ids) is refused with 400, never silently ignored. `email` is accepted only to answer it clearly:
 * an email changes through `PUT /iam/users/{userId}/email`, by its owner, with their password.
 */
export const updateUserBody = z.strictObject({
  name: z
    .string()
    .trim()
    .max(255, 'Ensure this field has no more than 255 characters.')
    .nullable()
    .optional(),
  lang: languageField.optional(),
  phone: z.union([z.literal('').transform(() => null), phoneField]).optional(),
  email: z.string().optional(),
});
export type UpdateUserBody = z.input<typeof updateUserBody>;

export const changeEmailBody = z.strictObject({
  new_email: emailField,
  password: z
    .string({ error: 'This field is required.' })
    .min(1, 'This field may not be blank.')
    .max(1024),
});
export type ChangeEmailBody = z.input<typeof changeEmailBody>;

export const changePasswordBody = z
  .strictObject({
    old: z
      .string({ error: 'This field is required.' })
      .min(1, 'This field may not be blank.')
      .max(1024),
    new: passwordField,
    double: z.string({ error: 'This field is required.' }),
  })
  .refine((body) => body.new === body.double, {
    path: ['double'],
    error: 'The two passwords do not match.',
  });
export type ChangePasswordBody = z.input<typeof changePasswordBody>;

export const clientUserParams = z.object({ clientId: idParam, userId: idParam });

export const clientUserRole = z.strictObject({
  user_role: z.object(
    { id: iamRoleIdField, name: z.string().max(255).optional() },
    { error: 'This field is required.' },
  ),
});
export type ClientUserRole = z.input<typeof clientUserRole>;
export const clientUserRoleAnswer = z.object({
  user_role: z.object({ id: z.number().int(), name: z.string() }),
});

export const emailChangeRequested = z.object({
  status: z.literal('confirmation_sent'),
  new_email: z.string(),
});

export const confirmEmailBody = z.strictObject({
  token: z.string({ error: 'This field is required.' }).max(128),
});
export const emailChanged = z.object({ status: z.literal('changed'), email: z.string() });
