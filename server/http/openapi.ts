import { z } from 'zod';
import type { Route, RouteTypes } from '../../shared/routes.ts';

/**
 * Each route of shared/routes.ts (method, path, auth) is declared once as an `Operation` holding
 * the zod schemas that validate it; the route passes those very schemas to `validate`, and `/openapi.json` is generated from the same
 * objects, so the document cannot drift from what the BFF accepts. The shared schemas are
 * `zod/mini` ones and the server's own are classic; both are zod 4 core schemas, which is the
 * type taken here.
 */

type Schema = z.core.$ZodType;
type ObjectSchema = z.core.$ZodObject;

/** A route of shared/routes.ts with what the BFF adds: its schemas and words for the document. */
export interface Operation extends Route {
  summary: string;
  params?: ObjectSchema;
  query?: ObjectSchema;
  body?: Schema;
  /** Success answers; the shared error answers are added to every operation. */
  responses: Record<number, { description: string; schema?: Schema }>;
}

/**
 * The route's result type checks each success schema: what the BFF documents and answers is what
 * the widget's client expects.
 */
type Spec<T extends RouteTypes> = Omit<Operation, keyof Route> & {
  responses: Record<
    number,
    { description: string; schema?: z.core.$ZodType<T extends { result: infer R } ? R : unknown> }
  >;
};

export function operation<T extends RouteTypes, const S extends Spec<T>>(
  route: Route<T>,
  spec: S,
): Route<T> & S {
  return { ...route, ...spec };
}

const errorSchema = z.object({
  message: z.string(),
  code: z.string(),
  errors: z.record(z.string(), z.array(z.string())).optional(),
  request_id: z.string().optional(),
});

const errorResponses = (op: Operation) => ({
  ...(op.params || op.query || op.body ? { 400: 'Invalid input; `errors` names each field' } : {}),
  ...(op.auth ? { 401: 'Missing or invalid credentials', 403: 'Not allowed for this role' } : {}),
  ...(op.params ? { 404: 'Not found in the account in scope' } : {}),
  503: 'Database unavailable; retry after `Retry-After` seconds',
});

const toSchema = (schema: Schema, io: 'input' | 'output') =>
  z.toJSONSchema(schema, { io, unrepresentable: 'any', target: 'openapi-3.0' });

export function openApiDocument(
  operations: readonly Operation[],
  info: { title: string; version: string },
) {
  const paths: Record<string, Record<string, unknown>> = {};
  for (const op of operations) {
    const path = op.path.replace(/:(\w+)/g, '{$1}');
    const parameters = [
      ...Object.entries(op.params?._zod.def.shape ?? {}).map(([name, schema]) => ({
        name,
        in: 'path',
        required: true,
        schema: toSchema(schema, 'input'),
      })),
      ...Object.entries(op.query?._zod.def.shape ?? {}).map(([name, schema]) => ({
        name,
        in: 'query',
        required: !z.safeParse(schema, undefined).success,
        schema: toSchema(schema, 'input'),
      })),
    ];
    const responses: Record<string, unknown> = {};
    for (const [status, response] of Object.entries(op.responses)) {
      responses[status] = {
        description: response.description,
        ...(response.schema
          ? { content: { 'application/json': { schema: toSchema(response.schema, 'output') } } }
          : {}),
      };
    }
    for (const [status, description] of Object.entries(errorResponses(op))) {
      responses[status] = {
        description,
        content: { 'application/json': { schema: toSchema(errorSchema, 'output') } },
      };
    }
    (paths[path] ??= {})[op.method] = {
      summary: op.summary,
      security: op.auth ? [{ bearer: [] }, { apiKey: [] }] : [],
      ...(parameters.length ? { parameters } : {}),
      ...(op.body
        ? {
            requestBody: {
              required: true,
              content: { 'application/json': { schema: toSchema(op.body, 'input') } },
            },
          }
        : {}),
      responses,
    };
  }
  return {
    openapi: '3.0.3',
    info,
    paths,
    components: {
      securitySchemes: {
        bearer: { type: 'http', scheme: 'bearer', bearerFormat: 'JWT' },
        apiKey: {
          type: 'apiKey',
          in: 'header',
          name: 'Authorization',
          description: 'APIKey <id>_<secret>',
        },
      },
    },
  };
}
