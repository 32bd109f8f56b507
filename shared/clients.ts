import * as z from 'zod/mini';
import { described, idParam, languageField, requiredNameText } from './fields.ts';
import { twoFaRequirement } from './security.ts';

/** Accounts ("clients" in Gcore's API). */

export const clientMe = z.object({
  id: z.int(),
  client_id: z.int(),
  companyName: z.string(),
  name: z.string(),
  currentUser: described(z.int(), 'id of the caller'),
  currentUserRole: z.object({ id: z.int(), name: z.string() }),
  currentUserLang: described(languageField, "the caller's language, which the widget follows"),
  users: described(
    z.array(z.object({ id: z.int(), email: z.string(), name: z.nullable(z.string()) })),
    "the account's Administrators (the full list is GET /iam/users)",
  ),
  clients: described(
    z.array(z.object({ id: z.int(), companyName: z.string() })),
    'every account the caller is an active member of, for switching',
  ),
  // Optional in the type only (this BFF always sends it): a widget must not break on a BFF
  // without it, and stubs of `me` in tests need not spell it out.
  two_fa_requirement: described(
    z.optional(twoFaRequirement),
    "an addition: whether the account requires 2FA and where the caller stands (the widget's banner and setup view)",
  ),
});
export type ClientMe = z.infer<typeof clientMe>;

export const createClientBody = z.strictObject({ company: requiredNameText(255) });

export const createdClient = z.object({ id: z.int(), company: z.string() });

export const clientIdParams = z.object({ clientId: idParam });
