import { z } from 'zod';
import { iamRoleIdField, idParam } from './fields.ts';

/** API tokens (Gcore's `/iam/v2/clients/{clientId}/tokens`). */

/** Tokens an account may hold at once (deleted ones do not count). */
export const MAX_TOKENS_PER_ACCOUNT = 100;

export const tokenObject = z.object({
  id: z.number().int(),
  name: z.string(),
  description: z.string().nullable(),
  exp_date: z.string().nullable().describe('null: never expires'),
  expired: z.boolean(),
  deleted: z.boolean(),
  created: z.string(),
  last_usage: z.string().nullable(),
  client_user: z.object({
    user_id: z.number().int(),
    user_name: z.string().nullable(),
    user_email: z.string(),
    client_id: z.number().int(),
    role: z.object({ id: z.number().int(), name: z.string() }),
    /** The issuer has been deleted or removed from the account: shown crossed out. */
    deleted: z.boolean(),
  }),
});
export type Token = z.infer<typeof tokenObject>;

/** The answer to a create: the token itself, `<id>_<secret>`, shown this once. */
export const createdToken = tokenObject.extend({ token: z.string() });
export type CreatedToken = z.infer<typeof createdToken>;

export const createTokenBody = z.strictObject({
  name: z
    .string({ error: 'This field is required.' })
    .trim()
    .min(1, 'This field may not be blank.')
    .max(255, 'Ensure this field has no more than 255 characters.'),
  description: z
    .string()
    .trim()
    .max(1000, 'Ensure this field has no more than 1000 characters.')
    .nullish(),
  exp_date: z.iso
    .datetime({ offset: true, error: 'Enter a valid date and time, e.g. 2027-01-31T00:00:00Z.' })
    .nullable(),
  client_user: z.object(
    {
      role: z.object(
        { id: iamRoleIdField, name: z.string().max(255).optional() },
        { error: 'This field is required.' },
      ),
    },
    { error: 'This field is required.' },
  ),
});
export type CreateTokenBody = z.input<typeof createTokenBody>;

const booleanParam = z
  .enum(['true', 'false'], { error: 'Must be true or false.' })
  .transform((v) => v === 'true');

export const tokensQuery = z.object({
  role: iamRoleIdField.optional(),
  issued_by: idParam.optional(),
  not_issued_by: idParam.optional(),
  deleted: booleanParam
    .optional()
    .describe('true: only deleted tokens; false (default): only live ones'),
});

export const tokenParams = z.object({ clientId: idParam, tokenId: idParam });
export const tokensParams = z.object({ clientId: idParam });
