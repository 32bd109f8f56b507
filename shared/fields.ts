import { z } from 'zod';
import { IAM_ROLE_IDS, LANGUAGES } from './roles.ts';

/** Field schemas reused by several requests, with the messages a user sees next to the field. */

export const emailField = z
  .string({ error: 'This field is required.' })
  .trim()
  .toLowerCase()
  .max(254, { error: 'Ensure this field has no more than 254 characters.' })
  .pipe(z.email({ error: 'Enter a valid email address.' }));

export const idParam = z.coerce
  .number({ error: 'A valid integer is required.' })
  .int({ error: 'A valid integer is required.' })
  .positive({ error: 'A valid integer is required.' })
  .max(2_147_483_647, { error: 'A valid integer is required.' });

export const languageField = z.enum(LANGUAGES, {
  error: `Must be one of: ${LANGUAGES.join(', ')}.`,
});

export const iamRoleIdField = z.coerce.number({ error: 'A valid integer is required.' }).pipe(
  z.union(
    IAM_ROLE_IDS.map((id) => z.literal(id)),
    {
      error: `Must be one of the role ids ${IAM_ROLE_IDS.join(', ')}.`,
    },
  ),
);

/**
 * A query parameter that may repeat (`?role=1&role=5`) or hold a comma-separated list (`?role=1,5`).
 * Hono hands a single value as a string and a repeated one as an array.
 */
export function listParam<T extends z.ZodType>(item: T) {
  return (
    z
      .union([z.string(), z.array(z.string())])
      .transform((value) =>
        (Array.isArray(value) ? value : [value])
          .flatMap((part) => part.split(','))
          .map((part) => part.trim())
          .filter((part) => part !== ''),
      )
      // the cast tells TypeScript that the items arrive as strings (the transform above)
      .pipe(z.array(item).max(20) as unknown as z.ZodType<z.output<T>[], string[]>)
  );
}
