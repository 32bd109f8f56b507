import type { MiddlewareHandler } from 'hono';

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
