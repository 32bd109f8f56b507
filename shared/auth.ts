import * as z from 'zod/mini';
import { currentPasswordField, described, maxChars } from './fields.ts';

/** Sign-in and token requests (Gcore's `/iam/auth/jwt/*`). */

export const loginBody = z.strictObject({
  // Gcore calls the email `username`; it is compared case-insensitively.
  username: z
    .string({ error: 'This field is required.' })
    .check(z.trim(), z.minLength(1, 'This field may not be blank.'), maxChars(254)),
  password: currentPasswordField,
  one_time_password: z.optional(z.string().check(z.trim(), maxChars(32))),
  // This product's addition: the `device_token` of an earlier sign-in answer, so that guesses
  // from elsewhere do not slow this client down (docs/decisions/012-sign-in-throttling.md).
  device_token: z.optional(z.string().check(maxChars(128))),
});
export type LoginBody = z.infer<typeof loginBody>;

export const refreshBody = z.strictObject({
  refresh: z
    .string({ error: 'This field is required.' })
    .check(z.minLength(1, 'This field may not be blank.'), maxChars(512)),
});

export const tokenPair = z.object({
  access: described(z.string(), 'ES256 JWT, valid one hour'),
  refresh: described(z.string(), 'opaque, single use, valid 24 hours'),
});
export type TokenPair = z.infer<typeof tokenPair>;

export const loginAnswer = z.extend(tokenPair, {
  device_token: z
    .string()
    .check(z.describe('keep it, and send it with the next sign-in from this client')),
});
export type LoginAnswer = z.infer<typeof loginAnswer>;
