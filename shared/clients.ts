import * as z from 'zod/mini';
import { idParam, languageField, requiredNameText } from './fields.ts';

/** Accounts ("clients" in Gcore's API). */

export const clientMe = z.object({
  id: z.int(),
  client_id: z.int(),
  companyName: z.string(),
  name: z.string(),
  currentUser: z.int().check(z.describe('id of the caller')),
  currentUserRole: z.object({ id: z.int(), name: z.string() }),
  currentUserLang: languageField.check(
    z.describe("the caller's language, which the widget follows"),
  ),
  users: z
    .array(z.object({ id: z.int(), email: z.string(), name: z.nullable(z.string()) }))
    .check(z.describe("the account's Administrators (the full list is GET /iam/users)")),
  clients: z
    .array(z.object({ id: z.int(), companyName: z.string() }))
    .check(z.describe('every account the caller is an active member of, for switching')),
});
export type ClientMe = z.infer<typeof clientMe>;

export const createClientBody = z.strictObject({ company: requiredNameText(255) });

export const createdClient = z.object({ id: z.int(), company: z.string() });

export const clientIdParams = z.object({ clientId: idParam });
