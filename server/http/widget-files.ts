import { createHash } from 'node:crypto';
import { readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import type { MiddlewareHandler } from 'hono';

/**
 * The widget's files (`/um/*`, from dist/um/), compressed and cached (decision 024):
 * - the build writes `x.js.br` and `x.js.gz` beside each `x.js` (vite.config.ts), and this picks
 *   one by `Accept-Encoding` (brotli first, then gzip, else the file itself), with
 *   `Vary: Accept-Encoding` on every answer so a shared cache keeps the variants apart;
 * - a hashed file (`core-1a2B3c4D.js`) never changes under its name: a year, `immutable`;
 * - the entry, `user-management.js`, keeps its name across releases: `no-cache`, so the browser
 *   asks each time and gets `304 Not Modified` (no body) while its ETag still matches.
 * Each file and its variants are read once and kept in memory until the file changes on disk (a
 * new build while the BFF runs).
 */

const IMMUTABLE = 'public, max-age=31536000, immutable';
const REVALIDATE = 'no-cache';
/** What the build's `[name]-[hash].js` leaves at the end of a chunk's name. */
const HASHED = /-[\w-]{8}\.js$/;
const FILE_NAME = /^[\w-][\w.-]*\.js$/;

type Coding = 'br' | 'gzip';
const SUFFIX: Record<Coding, string> = { br: '.br', gzip: '.gz' };

interface Variant {
  body: Uint8Array;
  etag: string;
}

interface CachedFile {
  mtimeMs: number;
  size: number;
  lastModified: string;
  identity: Variant;
  encoded: Partial<Record<Coding, Variant>>;
}

function variant(body: Uint8Array): Variant {
  const digest = createHash('sha256').update(body).digest('base64url').slice(0, 22);
  return { body, etag: `"${digest}"` };
}

async function readIfPresent(path: string): Promise<Uint8Array | undefined> {
  try {
    return await readFile(path);
  } catch {
    return undefined;
  }
}

/**
 * The codings of `Accept-Encoding` this server has, best first: `q=0` refuses one, `*` stands
 * for those not named, equal weights prefer brotli (smaller).
 */
export function acceptedCodings(header: string | undefined): Coding[] {
  const weights = new Map<string, number>();
  for (const part of (header ?? '').split(',')) {
    const [name, ...params] = part.trim().toLowerCase().split(';');
    if (!name) continue;
    const q = params.map((p) => /^\s*q=([\d.]+)\s*$/.exec(p)).find(Boolean);
    weights.set(name, q ? Number(q[1]) : 1);
  }
  const weight = (coding: Coding) => weights.get(coding) ?? weights.get('*') ?? 0;
  return (['br', 'gzip'] as const)
    .filter((coding) => weight(coding) > 0)
    .sort((a, b) => weight(b) - weight(a));
}

function matches(ifNoneMatch: string | undefined, etag: string): boolean {
  if (!ifNoneMatch) return false;
  if (ifNoneMatch.trim() === '*') return true;
  return ifNoneMatch.split(',').some((tag) => tag.trim().replace(/^W\//, '') === etag);
}

/** Serves `GET /um/<name>.js` from `dir`; other files and methods go on to the next handler. */
export function widgetFiles(dir: string): MiddlewareHandler {
  const cache = new Map<string, CachedFile>();

  async function load(name: string): Promise<CachedFile | undefined> {
    const path = join(dir, name);
    const info = await stat(path).catch(() => undefined);
    if (!info?.isFile()) return undefined;
    const cached = cache.get(name);
    if (cached && cached.mtimeMs === info.mtimeMs && cached.size === info.size) return cached;
    const [identity, br, gzip] = await Promise.all([
      readFile(path),
      readIfPresent(path + SUFFIX.br),
      readIfPresent(path + SUFFIX.gzip),
    ]);
    const file: CachedFile = {
      mtimeMs: info.mtimeMs,
      size: info.size,
      lastModified: info.mtime.toUTCString(),
      identity: variant(identity),
      encoded: { ...(br && { br: variant(br) }), ...(gzip && { gzip: variant(gzip) }) },
    };
    cache.set(name, file);
    return file;
  }

  return async (c, next) => {
    if (c.req.method !== 'GET' && c.req.method !== 'HEAD') return next();
    const name = c.req.path.slice(c.req.path.lastIndexOf('/') + 1);
    // The .br and .gz files are served only in place of their script, never by their own name.
    if (/\.(br|gz)$/.test(name)) return c.notFound();
    // The manifest and the type declarations beside the scripts: as any other static file.
    if (c.req.path !== `/um/${name}` || !FILE_NAME.test(name)) return next();
    const file = await load(name);
    if (!file) return c.notFound();

    const coding = acceptedCodings(c.req.header('Accept-Encoding')).find((x) => file.encoded[x]);
    const chosen = (coding && file.encoded[coding]) || file.identity;
    c.header('Vary', 'Accept-Encoding', { append: true });
    c.header('Cache-Control', HASHED.test(name) ? IMMUTABLE : REVALIDATE);
    c.header('ETag', chosen.etag);
    c.header('Last-Modified', file.lastModified);
    if (matches(c.req.header('If-None-Match'), chosen.etag)) return c.body(null, 304);
    c.header('Content-Type', 'text/javascript; charset=utf-8');
    if (coding) c.header('Content-Encoding', coding);
    c.header('Content-Length', String(chosen.body.byteLength));
    if (c.req.method === 'HEAD') return c.body(null, 200);
    return c.body(chosen.body as Uint8Array<ArrayBuffer>, 200);
  };
}
