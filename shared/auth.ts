import * as z from 'zod/mini';
import { currentPasswordField, maxChars } from './fields.ts';

/** Sign-in and token requests (Gcore's `/iam/auth/jwt/*`). */

export const loginBody = z.strictObject({
  // Gcore calls the email `username`; it is compared case-insensitively.
  username: z
    .string({ error: 'This field is required.' })
    .check(z.trim(), z.minLength(1, 'This field may not be blank.'), maxChars(254)),
  password: currentPasswordField,
  one_time_password: z.optional(z.string().check(z.trim(), maxChars(32))),
});
export type LoginBody = z.infer<typeof loginBody>;

export const refreshBody = z.strictObject({
  refresh: z
    .string({ error: 'This field is required.' })
    .check(z.minLength(1, 'This field may not be blank.'), maxChars(512)),
});

export const tokenPair = z.object({
  access: z.string().check(z.describe('ES256 JWT, valid one hour')),
  refresh: z.string().check(z.describe('opaque, single use, valid 24 hours')),
});
export type TokenPair = z.infer<typeof tokenPair>;
