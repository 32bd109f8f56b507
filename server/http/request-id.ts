import type { MiddlewareHandler } from 'hono';
import type { AppEnv } from './env.ts';

/** The header of every answer that names the request, as the log and the audit rows do. */
export const REQUEST_ID_HEADER = 'X-Request-Id';

/** Our own id for a request, never the caller's: it ties audit rows and logs together. */
export const newRequestId = (): string => crypto.randomUUID();

/** Gives every request its id, in the context and in the answer's header. */
export const requestIds: MiddlewareHandler<AppEnv> = async (c, next) => {
  const id = newRequestId();
  c.set('requestId', id);
  c.header(REQUEST_ID_HEADER, id);
  await next();
};
