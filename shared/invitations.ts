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
import { PASSWORD_MAX_LENGTH, PASSWORD_MIN_LENGTH } from './form-checks.ts';

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
