import { z } from 'zod';
import { idParam } from './fields.ts';

/** Two-factor authentication (TOTP) and the sign-in history. */

export const twoFaSetup = z.object({
  secret: z.string().describe('base32, for typing into an authenticator app'),
  otpauth_url: z.string().describe('otpauth://totp/… for the QR code'),
});
export type TwoFaSetup = z.infer<typeof twoFaSetup>;

const codeField = z
  .string({ error: 'This field is required.' })
  .trim()
  .regex(/^\d{6}$/, 'Enter the 6-digit code from your authenticator app.');

export const twoFaCodeBody = z.strictObject({ code: codeField });

/** Turning 2FA on also asks for the password: a session left open must not be enough. */
export const twoFaEnableBody = z.strictObject({
  code: codeField,
  password: z
    .string({ error: 'This field is required.' })
    .min(1, 'This field may not be blank.')
    .max(1024),
});

export const backupCodes = z.object({ backup_codes: z.array(z.string()) });
export type BackupCodes = z.infer<typeof backupCodes>;

export const twoFaDisableConfirmBody = z.strictObject({
  token: z.string({ error: 'This field is required.' }).max(128),
});

export const loginEvent = z.object({
  id: z.number().int(),
  user_id: z.number().int().nullable(),
  email: z.string().nullable(),
  date: z.string(),
  ip: z.string().nullable(),
  user_agent: z.string().nullable(),
  success: z.boolean(),
  method: z.enum(['password', 'totp', 'backup_code', 'identity_provider']),
});
export type LoginEvent = z.infer<typeof loginEvent>;

export const loginsQuery = z.object({
  limit: z.coerce
    .number({ error: 'A valid integer is required.' })
    .int({ error: 'A valid integer is required.' })
    .min(1, 'Ensure this value is greater than or equal to 1.')
    .max(100, 'Ensure this value is less than or equal to 100.')
    .default(10),
  offset: z.coerce
    .number({ error: 'A valid integer is required.' })
    .int({ error: 'A valid integer is required.' })
    .min(0, 'Ensure this value is greater than or equal to 0.')
    .default(0),
  user_id: idParam
    .optional()
    .describe("Administrators: one member's sign-ins; others: only their own"),
});

export const loginsPage = z.object({
  count: z.number().int(),
  results: z.array(loginEvent),
});
export type LoginsPage = z.infer<typeof loginsPage>;
