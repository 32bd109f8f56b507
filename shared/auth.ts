import { z } from 'zod';

/** Sign-in and token requests (Gcore's `/iam/auth/jwt/*`). */

export const loginBody = z.object({
  // Gcore calls the email `username`; it is compared case-insensitively.
  username: z
    .string({ error: 'This field is required.' })
    .trim()
    .min(1, 'This field may not be blank.')
    .max(254),
  password: z
    .string({ error: 'This field is required.' })
    .min(1, 'This field may not be blank.')
    .max(1024),
  one_time_password: z.string().trim().max(32).optional(),
});
export type LoginBody = z.infer<typeof loginBody>;

export const refreshBody = z.object({
  refresh: z
    .string({ error: 'This field is required.' })
    .min(1, 'This field may not be blank.')
    .max(512),
});
export type RefreshBody = z.infer<typeof refreshBody>;

export const tokenPair = z.object({
  access: z.string().describe('ES256 JWT, valid one hour'),
  refresh: z.string().describe('opaque, single use, valid 24 hours'),
});
export type TokenPair = z.infer<typeof tokenPair>;
