import { z } from 'zod';
import { idParam, languageField } from './fields.ts';

/** Accounts ("clients" in Gcore's API). */

export const clientMe = z.object({
  id: z.number().int(),
  client_id: z.number().int(),
  companyName: z.string(),
  name: z.string(),
  currentUser: z.number().int().describe('id of the caller'),
  currentUserRole: z.object({ id: z.number().int(), name: z.string() }),
  currentUserLang: languageField.describe("the caller's language, which the widget follows"),
  users: z
    .array(z.object({ id: z.number().int(), email: z.string(), name: z.string().nullable() }))
    .describe("the account's Administrators (the full list is GET /iam/users)"),
  clients: z
    .array(z.object({ id: z.number().int(), companyName: z.string() }))
    .describe('every account the caller is an active member of, for switching'),
});
export type ClientMe = z.infer<typeof clientMe>;

export const createClientBody = z.object({
  company: z
    .string({ error: 'This field is required.' })
    .trim()
    .min(1, 'This field may not be blank.')
    .max(255, 'Ensure this field has no more than 255 characters.'),
});

export const createdClient = z.object({ id: z.number().int(), company: z.string() });

export const clientIdParams = z.object({ clientId: idParam });
