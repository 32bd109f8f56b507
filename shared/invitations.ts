import * as z from 'zod/mini';
import {
  emailField,
  iamRoleIdField,
  idParam,
  languageField,
  maxChars,
  nameText,
} from './fields.ts';
import { CLOUD_CLIENT_ROLES, CLOUD_PROJECT_ROLES } from './roles.ts';
// The bounds live with the widget's zod-free form checks, which the widget imports them from.
import { INVITE_BATCH_MAX, PASSWORD_MAX_LENGTH, PASSWORD_MIN_LENGTH } from './form-checks.ts';

/** Inviting people into an account, and accepting (API.md; PRODUCT.md "Invite user"). */

/** PRODUCT.md's password policy: 8 to 256 characters, no composition rules; common ones are refused by the BFF. */
export { PASSWORD_MIN_LENGTH, PASSWORD_MAX_LENGTH };
export const passwordField = z
  .string({ error: 'This field is required.' })
  .check(
    z.minLength(
      PASSWORD_MIN_LENGTH,
      `Ensure this field has at least ${PASSWORD_MIN_LENGTH} characters.`,
    ),
    maxChars(PASSWORD_MAX_LENGTH),
  );

/** An IAM role as Gcore's clients send it, `{id, name}`: the id decides, the name is informative. */
export const iamRoleRef = z.strictObject(
  { id: iamRoleIdField, name: z.optional(z.string().check(maxChars(255))) },
  { error: 'This field is required.' },
);

/** Cloud access chosen in the invite (and later the edit) form. */
export const cloudAccessInput = z
  .strictObject({
    /** Client scope: every project of the account. */
    client_role: z._default(
      z.nullable(z.enum(CLOUD_CLIENT_ROLES, { error: 'Must be ClientAdministrator or null.' })),
      null,
    ),
    /** Project scope: one row per project. */
    projects: z._default(
      z
        .array(
          z.strictObject({
            project_id: idParam,
            role: z.enum(CLOUD_PROJECT_ROLES, {
              error: `Must be one of: ${CLOUD_PROJECT_ROLES.join(', ')}.`,
            }),
          }),
        )
        .check(z.maxLength(100, 'Ensure this field has no more than 100 elements.')),
      [],
    ),
  })
  .check(
    z.refine(
      (cloud) => new Set(cloud.projects.map((p) => p.project_id)).size === cloud.projects.length,
      { path: ['projects'], error: 'Each project may appear once.' },
    ),
  );

/** Strict: exactly what Gcore's SDK sends (types/iam/user_invite_params.py), and our `cloud`. */
export const inviteUserBody = z.strictObject({
  client_id: idParam,
  email: emailField,
  user_role: iamRoleRef,
  name: z.optional(nameText(255)),
  lang: z._default(languageField, 'en'),
  cloud: z.optional(cloudAccessInput),
});
export type InviteUserBody = z.input<typeof inviteUserBody>;

export const inviteUserResult = z.object({ status: z.literal('sent'), user_id: z.int() });

/** The most people one bulk invitation takes (docs/decisions/025). */
export { INVITE_BATCH_MAX };
const batchSize = [
  z.minLength(1, 'Ensure this field has at least 1 element.'),
  z.maxLength(INVITE_BATCH_MAX, `Ensure this field has no more than ${INVITE_BATCH_MAX} elements.`),
] as const;

/** One person of a bulk invitation: invite_user's body without the account, which is the batch's. */
export const inviteRow = z.omit(inviteUserBody, { client_id: true });
export type InviteRow = z.input<typeof inviteRow>;

/**
 * `POST /iam/clients/invite_users` (an addition to API.md): up to 100 people, each invited as
 * invite_user would. `dry_run` answers what sending would do and changes nothing (the preview).
 */
export const inviteUsersBody = z.strictObject({
  client_id: idParam,
  users: z.array(inviteRow).check(...batchSize),
  dry_run: z._default(z.boolean(), false),
});
export type InviteUsersBody = z.input<typeof inviteUsersBody>;

/**
 * What the BFF validates the request with: the same envelope, but each row is checked on its own,
 * so that a bad row is answered in its place instead of refusing the whole batch.
 */
export const inviteUsersEnvelope = z.strictObject({
  client_id: idParam,
  users: z.array(z.unknown()).check(...batchSize),
  dry_run: z._default(z.boolean(), false),
});

export const INVITE_ROW_STATUSES = [
  /** Invited now: a pending membership and an email on its way. */
  'invited',
  /** Dry run only: this row would be invited. */
  'valid',
  /** A field is wrong; `errors` names it. */
  'invalid',
  /** The same email appears earlier in the batch. */
  'duplicate',
  /** Already invited into the account and not yet joined: no second email. */
  'already_invited',
  /** Already a member of the account. */
  'already_member',
  /** The administrator's invitations for the day are used up (`message` says until when). */
  'over_allowance',
  /** Any other refusal of this row (`code`, `message`), e.g. the caller lost the role mid-batch. */
  'refused',
] as const;
export type InviteRowStatus = (typeof INVITE_ROW_STATUSES)[number];

export const inviteRowResult = z.object({
  /** The row's position in the request (from 0); results come in the request's order. */
  index: z.int(),
  /** The email as the BFF reads it (trimmed, lower case); null when it is not a valid one. */
  email: z.nullable(z.string()),
  status: z.enum(INVITE_ROW_STATUSES),
  user_id: z.optional(z.int()),
  code: z.optional(z.string()),
  message: z.optional(z.string()),
  errors: z.optional(z.record(z.string(), z.array(z.string()))),
});
export type InviteRowResult = z.infer<typeof inviteRowResult>;

export const inviteUsersResult = z.object({ results: z.array(inviteRowResult) });
export type InviteUsersResult = z.infer<typeof inviteUsersResult>;

export const resendInviteParams = z.object({ clientId: idParam, userId: idParam });
export const resendInviteResult = z.object({ status: z.literal('sent') });

export const INVITATION_STATES = ['valid', 'expired', 'used', 'invalid'] as const;
export type InvitationStateName = (typeof INVITATION_STATES)[number];

/**
 * What the acceptance view learns from a link. Only a valid link tells the email and the invitee's
 * language (the view is shown in it); a link once sent still tells its account.
 */
export const invitationState = z.object({
  state: z.enum(INVITATION_STATES),
  email: z.nullable(z.string()),
  company_name: z.nullable(z.string()),
  /** The name the administrator typed, to start the invitee's optional Name with (valid links). */
  name: z.nullable(z.string()),
  /** The invitation's language: the view speaks it (also for a used or expired link). */
  lang: z.nullable(languageField),
  /** The person has no password yet: accepting sets one. */
  new_user: z.nullable(z.boolean()),
  expires_at: z.nullable(z.string()),
});
export type InvitationState = z.infer<typeof invitationState>;

/** The token in a link: 32 random bytes, base64url. Anything else is an invalid link. */
export const invitationTokenParams = z.object({ token: z.string().check(maxChars(128)) });

export const acceptInvitationBody = z.strictObject({
  /** Required for a new person, refused for one who already has a password. */
  password: z.optional(passwordField),
  name: z.optional(nameText(255)),
});
export type AcceptInvitationBody = z.input<typeof acceptInvitationBody>;

export const acceptInvitationResult = z.object({
  status: z.literal('accepted'),
  email: z.string(),
  client_id: z.int(),
});

/** A project as `/cloud/v1/projects` answers it (Gcore's shape), where cloud access names one. */
export { project, type Project } from './cloud.ts';
