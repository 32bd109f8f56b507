import * as z from 'zod/mini';
import {
  booleanParam,
  currentPasswordField,
  described,
  idParam,
  integerParam,
  maxChars,
} from './fields.ts';

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

/**
 * Why a sign-in failed, as far as the BFF can tell (an addition to Gcore's shape). Never
 * "unknown email": an address without a person is in nobody's history, so a reason cannot tell
 * anyone whether an address has an account.
 */
export const LOGIN_FAILURE_REASONS = [
  /** The password was wrong. */
  'wrong_password',
  /** Refused unchecked: too many failed passwords at this address, device or IP (a wait). */
  'too_many_attempts',
  /** The password was right, but the person is an active member of no account. */
  'no_access',
  /** The authenticator or backup code was wrong. */
  'wrong_code',
  /** The code was right once, but it had been used already (each code works once). */
  'used_code',
  /** An authenticator code of a few minutes ago: too old (or the device's clock is behind). */
  'expired_code',
  /** Refused unchecked: too many wrong codes for this person in 15 minutes. */
  'too_many_codes',
  /** The password changed (or the person was deleted) while this sign-in ran. */
  'credentials_changed',
  /** The attempt never finished (the database stopped answering, say), or is still running. */
  'in_progress',
] as const;
export type LoginFailureReason = (typeof LOGIN_FAILURE_REASONS)[number];

export const loginEvent = z.object({
  id: z.int(),
  user_id: z.nullable(z.int()),
  email: z.nullable(z.string()),
  date: z.string(),
  ip: z.nullable(z.string()),
  user_agent: z.nullable(z.string()),
  success: z.boolean(),
  method: z.enum(['password', 'totp', 'backup_code', 'identity_provider']),
  failure_reason: described(
    z.nullable(z.enum(LOGIN_FAILURE_REASONS)),
    'why a failed attempt failed; null for a success',
  ),
});
export type LoginEvent = z.infer<typeof loginEvent>;

const DAY_FORMAT = /^\d{4}-\d{2}-\d{2}$/;

/**
 * `?from=` and `?to=`: a date (`2026-12-06`, a UTC day) or a date and time with its offset
 * (`2026-12-06T08:00:00+01:00`). A day alone starts at its first moment in `from` and ends at its
 * last in `to`, so `from=D&to=D` is the whole day D.
 */
const instantParam = /* @__NO_SIDE_EFFECTS__ */ (end: 'start' | 'end') =>
  z.pipe(
    z.union([z.iso.date(), z.iso.datetime({ offset: true })], {
      error: 'Enter a date (YYYY-MM-DD) or a date and time with its offset (ISO 8601).',
    }),
    z.transform((value) =>
      DAY_FORMAT.test(value)
        ? new Date(`${value}T${end === 'start' ? '00:00:00.000' : '23:59:59.999'}Z`)
        : new Date(value),
    ),
  );

/** An IPv4 or IPv6 address (the IP filter; the widget checks what is typed with it too). */
export const ipAddress = z.union([z.ipv4(), z.ipv6()], {
  error: 'Enter a valid IPv4 or IPv6 address.',
});

export const loginsQuery = z
  .object({
    limit: z._default(integerParam(1, 100), 10),
    offset: z._default(integerParam(0), 0),
    user_id: described(
      z.optional(idParam),
      "Administrators: one member's sign-ins (docs/decisions/018); others: only their own",
    ),
    from: described(z.optional(instantParam('start')), 'attempts at or after this date or time'),
    to: described(z.optional(instantParam('end')), 'attempts at or before this date or time'),
    ip: described(
      z.optional(z.pipe(z.string().check(z.trim()), ipAddress)),
      'attempts from this IP address (an IPv4 address also matches its IPv4-mapped IPv6 form)',
    ),
    success: described(
      z.optional(booleanParam),
      'true: successful sign-ins only; false: failed attempts only',
    ),
  })
  .check(
    z.refine((query) => !query.from || !query.to || query.from <= query.to, {
      path: ['to'],
      error: 'Must not be before the start of the range.',
    }),
  );
export type LoginsQuery = z.infer<typeof loginsQuery>;

export const loginsPage = z.object({
  count: z.int(),
  results: z.array(loginEvent),
});
export type LoginsPage = z.infer<typeof loginsPage>;
