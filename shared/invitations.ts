import { z } from 'zod';
import { emailField, iamRoleIdField, idParam, languageField } from './fields.ts';
import { CLOUD_CLIENT_ROLES, CLOUD_PROJECT_ROLES } from './roles.ts';

/** Inviting people into an account, and accepting (API.md; PRODUCT.md "Invite user"). */

/** PRODUCT.md's password policy: 8 to 256 characters, no composition rules; common ones are refused by the BFF. */
export const PASSWORD_MIN_LENGTH = 8;
export const PASSWORD_MAX_LENGTH = 256;
export const passwordField = z
  .string({ error: 'This field is required.' })
  .min(PASSWORD_MIN_LENGTH, `Ensure this field has at least ${PASSWORD_MIN_LENGTH} characters.`)
  .max(
    PASSWORD_MAX_LENGTH,
    `Ensure this field has no more than ${PASSWORD_MAX_LENGTH} characters.`,
  );

/** Cloud access chosen in the invite (and later the edit) form. */
export const cloudAccessInput = z
  .object({
    /** Client scope: every project of the account. */
    client_role: z
      .enum(CLOUD_CLIENT_ROLES, { error: 'Must be ClientAdministrator or null.' })
      .nullable()
      .default(null),
    /** Project scope: one row per project. */
    projects: z
      .array(
        z.object({
          project_id: idParam,
          role: z.enum(CLOUD_PROJECT_ROLES, {
            error: `Must be one of: ${CLOUD_PROJECT_ROLES.join(', ')}.`,
          }),
        }),
      )
      .max(100, 'Ensure this field has no more than 100 elements.')
      .default([]),
  })
  .refine(
    (cloud) => new Set(cloud.projects.map((p) => p.project_id)).size === cloud.projects.length,
    {
      path: ['projects'],
      error: 'Each project may appear once.',
    },
  );
export type CloudAccessInput = z.input<typeof cloudAccessInput>;

export const inviteUserBody = z.object({
  client_id: idParam,
  email: emailField,
  // Gcore's clients send `{id, name}`; the id decides, the name is informative.
  user_role: z.object(
    { id: iamRoleIdField, name: z.string().max(255).optional() },
    { error: 'This field is required.' },
  ),
  name: z.string().trim().max(255, 'Ensure this field has no more than 255 characters.').optional(),
  lang: languageField.default('en'),
  cloud: cloudAccessInput.optional(),
});
export type InviteUserBody = z.input<typeof inviteUserBody>;

export const inviteUserResult = z.object({ status: z.literal('sent'), user_id: z.number().int() });

export const resendInviteParams = z.object({ clientId: idParam, userId: idParam });
export const resendInviteResult = z.object({ status: z.literal('sent') });

export const INVITATION_STATES = ['valid', 'expired', 'used', 'invalid'] as const;
export type InvitationStateName = (typeof INVITATION_STATES)[number];

/**
 * What the acceptance view learns from a link. Only a valid link tells the email; any link that
 * was once sent tells its account and the invitee's language, which the view is shown in.
 */
export const invitationState = z.object({
  state: z.enum(INVITATION_STATES),
  email: z.string().nullable(),
  company_name: z.string().nullable(),
  lang: languageField.nullable(),
  /** The person has no password yet: accepting sets one. */
  new_user: z.boolean().nullable(),
  expires_at: z.string().nullable(),
});
export type InvitationState = z.infer<typeof invitationState>;

/** The token in a link: 32 random bytes, base64url. Anything else is an invalid link. */
export const invitationTokenParams = z.object({ token: z.string().max(128) });

export const acceptInvitationBody = z.object({
  /** Required for a new person, refused for one who already has a password. */
  password: passwordField.optional(),
  name: z.string().trim().max(255, 'Ensure this field has no more than 255 characters.').optional(),
});
export type AcceptInvitationBody = z.input<typeof acceptInvitationBody>;

export const acceptInvitationResult = z.object({
  status: z.literal('accepted'),
  email: z.string(),
  client_id: z.number().int(),
});

export const project = z.object({
  id: z.number().int(),
  name: z.string(),
  client_id: z.number().int(),
});
export type Project = z.infer<typeof project>;
