import type { MiddlewareHandler } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import { AppError } from '../errors.ts';

/**
 * Request bodies of at most `maxSize` bytes; a larger one is refused with 413. A body that
 * declares its length (Content-Length, as the widget and every HTTP client send) is judged by that
 * header alone, before any of it is read: Hono's bodyLimit asks for `c.req.raw.body` first, and on
 * @hono/node-server that builds a web Request with an AbortController and a ReadableStream for
 * every request, even a GET (a sixth of the event loop's time in the sign-in flood's profile,
 * issue 13). Node's HTTP parser never delivers more than the declared length. A body of unknown
 * length (chunked) is counted as it is read, by Hono's bodyLimit.
 */
export function limitBodySize(maxSize: number): MiddlewareHandler {
  const tooLarge = (): never => {
    throw new AppError('payload_too_large', `Request body larger than ${maxSize} bytes.`);
  };
  const counting = bodyLimit({ maxSize, onError: tooLarge });
  return async (c, next) => {
    if (c.req.method === 'GET' || c.req.method === 'HEAD') return next(); // never a body here
    const declared = c.req.header('Content-Length');
    if (declared === undefined || c.req.header('Transfer-Encoding') !== undefined) {
      return counting(c, next);
    }
    if (Number(declared) > maxSize) tooLarge();
    await next();
  };
}
