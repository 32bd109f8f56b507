import * as z from 'zod/mini';
import {
  booleanParam,
  described,
  iamRoleIdField,
  idParam,
  requiredText,
  trimmedText,
} from './fields.ts';
import { iamRoleRef } from './invitations.ts';

/** API tokens (Gcore's `/iam/v2/clients/{clientId}/tokens`). */

/** Tokens an account may hold at once (deleted ones do not count). */
export const MAX_TOKENS_PER_ACCOUNT = 100;
/** Tokens one member may hold at once in an account: no one, whatever their role, fills its quota. */
export const MAX_TOKENS_PER_MEMBER = 20;

export const tokenObject = z.object({
  id: z.int(),
  name: z.string(),
  description: z.nullable(z.string()),
  exp_date: described(z.nullable(z.string()), 'null: never expires'),
  expired: z.boolean(),
  deleted: z.boolean(),
  created: z.string(),
  last_usage: z.nullable(z.string()),
  client_user: z.object({
    user_id: z.int(),
    user_name: z.nullable(z.string()),
    user_email: z.string(),
    client_id: z.int(),
    role: z.object({ id: z.int(), name: z.string() }),
    /** The issuer has been deleted or removed from the account: shown crossed out. */
    deleted: z.boolean(),
  }),
});
export type Token = z.infer<typeof tokenObject>;

/** The answer to a create: the token itself, `<id>_<secret>`, shown this once. */
export const createdToken = z.extend(tokenObject, { token: z.string() });
export type CreatedToken = z.infer<typeof createdToken>;

export const createTokenBody = z.strictObject({
  name: requiredText(255),
  description: z.nullish(trimmedText(1000)),
  exp_date: z.nullable(
    z.iso.datetime({
      offset: true,
      error: 'Enter a valid date and time, e.g. 2027-01-31T00:00:00Z.',
    }),
  ),
  client_user: z.strictObject({ role: iamRoleRef }, { error: 'This field is required.' }),
});
export type CreateTokenBody = z.input<typeof createTokenBody>;

export const tokensQuery = z.object({
  role: z.optional(iamRoleIdField),
  issued_by: z.optional(idParam),
  not_issued_by: z.optional(idParam),
  deleted: described(
    z.optional(booleanParam),
    'true: only deleted tokens; false (default): only live ones',
  ),
});

export const tokenParams = z.object({ clientId: idParam, tokenId: idParam });
export const tokensParams = z.object({ clientId: idParam });
