import * as z from 'zod/mini';
import { IAM_ROLE_IDS, LANGUAGES } from './roles.ts';

/**
 * Field schemas reused by several requests, with the messages a user sees next to the field.
 *
 * Everything in shared/ is written with `zod/mini`, the tree-shakable form of zod 4: these schemas
 * ship inside the widget too (it validates forms with them), and the classic API would add about
 * 20 KB gzipped to it (docs/decisions/010-zod-mini-in-shared.md).
 *
 * The helpers below are marked `@__NO_SIDE_EFFECTS__`: a bundler cannot tell that a call of them
 * (or a `.check()`) has none, and would keep the schemas the widget never uses (query and path
 * parameters, answers) in its bundle.
 */

const INVALID_INTEGER = { error: 'A valid integer is required.' };

/** A description of a field in /openapi.json. */
export const described = /* @__NO_SIDE_EFFECTS__ */ <T extends z.ZodMiniType>(
  schema: T,
  description: string,
) => schema.check(z.describe(description));

/** The length check of a text field, with its message (every length limit has one). */
export const maxChars = /* @__NO_SIDE_EFFECTS__ */ (max: number) =>
  z.maxLength(max, `Ensure this field has no more than ${max} characters.`);

/** A string, trimmed, at most `max` characters. */
export const trimmedText = /* @__NO_SIDE_EFFECTS__ */ (max: number) =>
  z
    .string()
    .check(z.trim(), z.maxLength(max, `Ensure this field has no more than ${max} characters.`));

/**
 * Control characters (C0, DEL, C1) and the Unicode line and paragraph separators. A name is one
 * line of printable text: it goes into emails to strangers, where a line break would let it pose
 * as a paragraph of the product's own ("SECURITY NOTICE: sign in at …").
 */
const CONTROL_CHARACTERS = /[\p{Cc}\u2028\u2029]/u;
const oneLine = z.refine<string>((value) => !CONTROL_CHARACTERS.test(value), {
  error: 'Enter one line of text, without control characters.',
});

/** A person's or a company's name: trimmed, at most `max` characters, one line. */
export const nameText = (max: number) => trimmedText(max).check(oneLine);

/** A required name that may not be blank once trimmed: at most `max` characters, one line. */
export const requiredNameText = (max: number) => requiredText(max).check(oneLine);

/** A required string that may not be blank once trimmed, at most `max` characters. */
export const requiredText = /* @__NO_SIDE_EFFECTS__ */ (max: number) =>
  z
    .string({ error: 'This field is required.' })
    .check(z.trim(), z.minLength(1, 'This field may not be blank.'), maxChars(max));

/** A password being checked (not set): present, not blank, not absurdly long. */
export const currentPasswordField = z
  .string({ error: 'This field is required.' })
  .check(z.minLength(1, 'This field may not be blank.'), maxChars(1024));

/** An integer query parameter between `min` and `max` (`?limit=10`). */
export const integerParam = /* @__NO_SIDE_EFFECTS__ */ (min: number, max?: number) =>
  z.coerce
    .number(INVALID_INTEGER)
    .check(
      z.int(INVALID_INTEGER),
      z.gte(min, `Ensure this value is greater than or equal to ${min}.`),
      ...(max === undefined
        ? []
        : [z.lte(max, `Ensure this value is less than or equal to ${max}.`)]),
    );

export const emailField = z.pipe(
  z.string({ error: 'This field is required.' }).check(z.trim(), z.toLowerCase(), maxChars(254)),
  z.email({ error: 'Enter a valid email address.' }),
);

export const idParam = z.coerce
  .number(INVALID_INTEGER)
  .check(
    z.int(INVALID_INTEGER),
    z.positive(INVALID_INTEGER),
    z.lte(2_147_483_647, INVALID_INTEGER),
  );

export const languageField = z.enum(LANGUAGES, {
  error: `Must be one of: ${LANGUAGES.join(', ')}.`,
});

export const iamRoleIdField = z.pipe(
  z.coerce.number(INVALID_INTEGER),
  z.union(
    IAM_ROLE_IDS.map((id) => z.literal(id)),
    { error: `Must be one of the role ids ${IAM_ROLE_IDS.join(', ')}.` },
  ),
);

/** `?two_fa=true`: the strings true and false, as a boolean. */
export const booleanParam = z.pipe(
  z.enum(['true', 'false'], { error: 'Must be true or false.' }),
  z.transform((value) => value === 'true'),
);

/**
 * A query parameter that may repeat (`?role=1&role=5`) or hold a comma-separated list (`?role=1,5`).
 * Hono hands a single value as a string and a repeated one as an array.
 */
/* @__NO_SIDE_EFFECTS__ */
export function listParam<T extends z.ZodMiniType>(item: T) {
  return z.pipe(
    z.pipe(
      z.union([z.string(), z.array(z.string())]),
      z.transform((value) =>
        (Array.isArray(value) ? value : [value])
          .flatMap((part) => part.split(','))
          .map((part) => part.trim())
          .filter((part) => part !== ''),
      ),
    ),
    // the cast tells TypeScript that the items arrive as strings (the transform above)
    z
      .array(item)
      .check(
        z.maxLength(20, 'Ensure this field has no more than 20 elements.'),
      ) as unknown as z.ZodMiniType<z.output<T>[], string[]>,
  );
}
