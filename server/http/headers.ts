import type { MiddlewareHandler } from 'hono';
import { secureHeaders } from 'hono/secure-headers';
import { allowedOrigins } from './cors.ts';

/**
 * The policy of the HTML pages the BFF serves (the demo host page and the mailbox, built by Vite
 * into dist/ with every script and style in a file of its own): nothing inline, nothing from
 * elsewhere, and no page may frame them (clickjacking). The widget itself needs no more: its
 * styles are constructed style sheets, its QR code an inline SVG.
 */
export const HTML_CONTENT_SECURITY_POLICY = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' data:",
  "connect-src 'self'",
  "object-src 'none'",
  "base-uri 'none'",
  "form-action 'self'",
  "frame-ancestors 'none'",
].join('; ');

/**
 * Headers decided by what an answer is, in one place: JSON answers hold personal data or tokens
 * and must never be kept by a browser or a shared cache (`no-store`), unless the route chose its
 * own caching (the public JWKS); HTML pages get the policy above.
 */
export function answerHeaders(): MiddlewareHandler {
  return async (c, next) => {
    await next();
    const type = c.res.headers.get('Content-Type') ?? '';
    if (/^application\/(.+\+)?json/.test(type) && !c.res.headers.has('Cache-Control')) {
      c.res.headers.set('Cache-Control', 'no-store');
    }
    if (type.startsWith('text/html')) {
      c.res.headers.set('Content-Security-Policy', HTML_CONTENT_SECURITY_POLICY);
    }
  };
}

/**
 * What every answer of the API carries, whatever its route and status: CORS for the host pages of
 * ALLOWED_ORIGINS, the security headers, and the headers above. The app runs these on every
 * request; the early refusal of a sign-in (server/auth/early-refusal.ts) renders its answer
 * through them too, so both answer alike.
 */
export function everyAnswer(origins: readonly string[]): MiddlewareHandler[] {
  return [
    allowedOrigins(origins),
    secureHeaders({ crossOriginResourcePolicy: false }),
    answerHeaders(),
  ];
}
