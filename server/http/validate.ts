import { zValidator } from '@hono/zod-validator';
import type { ValidationTargets } from 'hono';
import { z } from 'zod';
import type { FieldErrors } from '../../shared/errors.ts';
import { AppError } from '../errors.ts';

// English messages for checks without one of their own ("Too big: expected string to have <=32
// characters"). Classic zod sets them on import anyway; the shared schemas are `zod/mini`, which
// alone would answer "Invalid input", so say it here where the answers are made.
z.config(z.locales.en());

/**
 * Validate one part of the request with a shared zod schema. A failure becomes one 400 answer
 * naming each field at fault, in Gcore's shape: `{"errors": {"limit": ["…"]}}`.
 */
export function validate<Target extends keyof ValidationTargets, Schema extends z.core.$ZodType>(
  target: Target,
  schema: Schema,
) {
  const validator = zValidator(target, schema, (result) => {
    if (!result.success) {
      throw new AppError(
        'validation_failed',
        'Invalid input.',
        fieldErrors(result.error.issues, result.data),
      );
    }
    const nulls = fieldsWithNul(result.data);
    if (nulls.length > 0) {
      const errors = Object.fromEntries(
        nulls.map((field) => [field, ['Null characters are not allowed.']]),
      );
      throw new AppError('validation_failed', 'Invalid input.', errors);
    }
  });
  if (target !== 'json') return validator;
  const jsonOnly: typeof validator = async (c, next) => {
    // Hono reads any other body as `{}`: a form, text or untyped body would pass as empty.
    const type = c.req.header('Content-Type');
    const json = type !== undefined && /^application\/(.+\+)?json\s*(;|$)/i.test(type);
    if (!json && (type !== undefined || (await c.req.text()) !== '')) {
      throw new AppError(
        'unsupported_media_type',
        'Send the request body as JSON, with Content-Type: application/json.',
      );
    }
    return validator(c, next);
  };
  return jsonOnly;
}

/**
 * Fields holding a NUL character. PostgreSQL cannot store one in text, so without this check it
 * would surface as a database error instead of a 400 naming the field.
 */
function fieldsWithNul(value: unknown, path = ''): string[] {
  if (typeof value === 'string') return value.includes('\0') ? [path || 'non_field_errors'] : [];
  if (value === null || typeof value !== 'object') return [];
  return Object.entries(value).flatMap(([key, item]) =>
    fieldsWithNul(item, Array.isArray(value) ? path : path ? `${path}.${key}` : key),
  );
}

export function fieldErrors(issues: readonly z.core.$ZodIssue[], input: unknown): FieldErrors {
  const errors: FieldErrors = {};
  for (const issue of issues) {
    // `role.0` (an item of a repeated query parameter) is reported as the parameter, `role`.
    const path = issue.path.map(String);
    while (path.length > 1 && /^\d+$/.test(path[path.length - 1])) path.pop();
    const field = path.length > 0 ? path.join('.') : 'non_field_errors';
    const missing = issue.path.length > 0 && valueAt(input, issue.path) === undefined;
    const message =
      issue.code === 'unrecognized_keys'
        ? `Unknown field(s): ${issue.keys.join(', ')}.`
        : missing
          ? 'This field is required.'
          : issue.message;
    (errors[field] ??= []).push(message);
  }
  return errors;
}

/** The value at `path`, or undefined when a key on the way is absent (a scalar ends the walk). */
function valueAt(input: unknown, path: readonly PropertyKey[]): unknown {
  let value = input;
  for (const key of path) {
    if (value === null || typeof value !== 'object') return value;
    value = (value as Record<PropertyKey, unknown>)[key];
  }
  return value;
}

/**
 * One value checked as `validate` checks a request part, for input judged piece by piece (a bulk
 * invitation's rows): the parsed data, or the field errors a 400 would carry. (NUL characters
 * are the request's check: `validate` has already looked at the whole body.)
 */
export function checkValue<Schema extends z.core.$ZodType>(
  schema: Schema,
  value: unknown,
): { data: z.output<Schema> } | { errors: FieldErrors } {
  const result = z.safeParse(schema, value);
  return result.success
    ? { data: result.data }
    : { errors: fieldErrors(result.error.issues, value) };
}
