import type { MiddlewareHandler } from 'hono';
import { cors } from 'hono/cors';

/**
 * CORS for host pages on other origins, from exactly the origins of ALLOWED_ORIGINS: the API and
 * the widget's files (`/um/*`). The widget sends bearer tokens, never cookies, so credentials are
 * never allowed. A request from any other origin gets no CORS headers at all (its browser then
 * refuses the answer, and the widget says which setting is missing). Preflights are cached for
 * 10 minutes. `Vary: Origin` on every answer, so a cache never hands one origin's answer to another.
 */
export function allowedOrigins(origins: readonly string[]): MiddlewareHandler {
  const allowed = new Set(origins);
  const withCors = cors({
    origin: (origin) => origin,
    allowMethods: ['GET', 'POST', 'PUT', 'PATCH', 'DELETE'],
    allowHeaders: ['Authorization', 'Content-Type', 'Accept'],
    exposeHeaders: ['Retry-After', 'X-Request-Id', 'X-Count-Exact'],
    maxAge: 600,
    credentials: false,
  });
  return async (c, next) => {
    if (allowed.size) c.header('Vary', 'Origin', { append: true });
    const origin = c.req.header('Origin');
    if (origin && allowed.has(origin)) return withCors(c, next);
    await next();
  };
}
