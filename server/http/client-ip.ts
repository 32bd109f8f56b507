import { getConnInfo } from '@hono/node-server/conninfo';
import type { Context, MiddlewareHandler } from 'hono';
import { log } from '../log.ts';

/**
 * The caller's IP for the login history and sign-in limits. Behind a trusted proxy, the proxy
 * appends the address it saw to X-Forwarded-For: the rightmost entry. Entries to its left come
 * from the client and prove nothing.
 */
export function clientIp(c: Context, trustProxy: boolean): string | null {
  if (trustProxy) {
    const forwarded = c.req.header('X-Forwarded-For')?.split(',').at(-1)?.trim();
    if (forwarded) return forwarded;
  }
  try {
    return getConnInfo(c).remote.address ?? null;
  } catch {
    return null; // app.request() in tests has no socket
  }
}

/**
 * Behind a reverse proxy with TRUST_PROXY off, every client has the proxy's IP: the login history
 * shows it for everyone, and the per-IP sign-in limit counts everyone's failures together (only
 * devices that signed in before are exempt). Say so once, on the first request that carries
 * X-Forwarded-For, so that the operator turns TRUST_PROXY on.
 */
export function warnOfUntrustedProxy(
  warn: (message: string) => void = (message) => log.warn(message),
): MiddlewareHandler {
  let warned = false;
  return async (c, next) => {
    if (!warned && c.req.header('X-Forwarded-For') !== undefined) {
      warned = true;
      warn(
        'requests arrive with X-Forwarded-For but TRUST_PROXY is off: every client behind the ' +
          'proxy has its IP, in the login history and in the per-IP sign-in limit. Set ' +
          'TRUST_PROXY=true when a proxy you run sets that header.',
      );
    }
    await next();
  };
}
