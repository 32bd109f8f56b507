import * as z from 'zod/mini';
import { currentPasswordField, described, idParam, integerParam, maxChars } from './fields.ts';

/** Two-factor authentication (TOTP) and the sign-in history. */

export const twoFaSetup = z.object({
  secret: described(z.string(), 'base32, for typing into an authenticator app'),
  otpauth_url: described(z.string(), 'otpauth://totp/… for the QR code'),
});
export type TwoFaSetup = z.infer<typeof twoFaSetup>;

const codeField = z
  .string({ error: 'This field is required.' })
  .check(z.trim(), z.regex(/^\d{6}$/, 'Enter the 6-digit code from your authenticator app.'));

export const twoFaCodeBody = z.strictObject({ code: codeField });

/** Turning 2FA on also asks for the password: a session left open must not be enough. */
export const twoFaEnableBody = z.strictObject({ code: codeField, password: currentPasswordField });

export const backupCodes = z.object({ backup_codes: z.array(z.string()) });
export type BackupCodes = z.infer<typeof backupCodes>;

export const twoFaDisableRequested = z.object({ status: z.literal('sent') });

export const twoFaDisableConfirmBody = z.strictObject({
  token: z.string({ error: 'This field is required.' }).check(maxChars(128)),
});
export const twoFaDisabled = z.object({ status: z.literal('disabled') });

export const loginEvent = z.object({
  id: z.int(),
  user_id: z.nullable(z.int()),
  email: z.nullable(z.string()),
  date: z.string(),
  ip: z.nullable(z.string()),
  user_agent: z.nullable(z.string()),
  success: z.boolean(),
  method: z.enum(['password', 'totp', 'backup_code', 'identity_provider']),
});
export type LoginEvent = z.infer<typeof loginEvent>;

export const loginsQuery = z.object({
  limit: z._default(integerParam(1, 100), 10),
  offset: z._default(integerParam(0), 0),
  user_id: described(
    z.optional(idParam),
    "Administrators: one member's sign-ins; others: only their own",
  ),
});

export const loginsPage = z.object({
  count: z.int(),
  results: z.array(loginEvent),
});
export type LoginsPage = z.infer<typeof loginsPage>;
