import type { FieldType, Shape } from './reference.ts';

/** RFC 3339 date-time, as Gcore's clients parse `format: date-time`. */
const DATE_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})?$/;

function scalarProblem(value: unknown, type: string): string | undefined {
  const [base, nullable] = type.split(' | ');
  if (value === null) return nullable === 'null' ? undefined : `is null, not ${base}`;
  const ok =
    base === 'integer'
      ? Number.isInteger(value)
      : base === 'number'
        ? typeof value === 'number'
        : base === 'boolean'
          ? typeof value === 'boolean'
          : base === 'date-time'
            ? typeof value === 'string' && DATE_TIME.test(value) && !isNaN(Date.parse(value))
            : typeof value === 'string';
  return ok ? undefined : `is ${JSON.stringify(value)}, not ${base}`;
}

/**
 * What in `value` does not fit Gcore's documented `type`: every field Gcore requires present with
 * its type, optional ones typed when present. Fields Gcore does not document are allowed (this
 * product adds some). `notServed`: top-level fields known to be left out (reference.ts).
 */
export function problemsOf(
  value: unknown,
  type: FieldType,
  path = '$',
  notServed: readonly string[] = [],
): string[] {
  if (typeof type === 'string') {
    const problem = scalarProblem(value, type);
    return problem ? [`${path} ${problem}`] : [];
  }
  if (Array.isArray(type)) {
    if (!Array.isArray(value)) return [`${path} is not an array`];
    return value.flatMap((item, index) => problemsOf(item, type[0], `${path}[${index}]`));
  }
  if ('enum' in type && Array.isArray(type.enum)) {
    return type.enum.includes(value as string)
      ? []
      : [`${path} is ${JSON.stringify(value)}, not one of ${type.enum.join(', ')}`];
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value))
    return [`${path} is not an object`];
  const record = value as Record<string, unknown>;
  return Object.entries(type as Shape).flatMap(([key, fieldType]) => {
    const optional = key.endsWith('?');
    const name = optional ? key.slice(0, -1) : key;
    const at = `${path}.${name}`;
    if (notServed.includes(name)) {
      return name in record ? [`${at} is served now: take it off NOT_SERVED`] : [];
    }
    if (!(name in record)) return optional ? [] : [`${at} is missing`];
    return problemsOf(record[name], fieldType, at);
  });
}
