import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { brotliCompressSync, brotliDecompressSync, gunzipSync, gzipSync } from 'node:zlib';
import { acceptedCodings } from '../../server/http/widget-files.ts';
import { startBff, type RunningBff } from '../../server/start.ts';

/**
 * The widget's files as served (decision 024): brotli or gzip by Accept-Encoding, the hashed
 * chunks cached for a year, the entry revalidated (ETag, 304), CORS for ALLOWED_ORIGINS as before.
 */
const HOST = 'https://portal.example.test';
const ENTRY = `export * from './core-AbC_12-z.js';\n`.repeat(20);
const CHUNK = `export const answer = ${JSON.stringify('forty-two '.repeat(200))};\n`;
const PLAIN = 'export const plain = 1;\n';

interface Answer {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: Buffer;
}

/** A raw GET (fetch would decompress the body and choose Accept-Encoding itself). */
function get(url: string, headers: Record<string, string> = {}, method = 'GET'): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const req = request(url, { method, headers }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('end', () =>
        resolve({ status: res.statusCode!, headers: res.headers, body: Buffer.concat(chunks) }),
      );
    });
    req.on('error', reject);
    req.end();
  });
}

function varyOf(answer: Answer): string[] {
  return String(answer.headers.vary ?? '')
    .split(',')
    .map((part) => part.trim().toLowerCase());
}

describe('the widget files, compressed and cached', () => {
  let bff: RunningBff;
  let files: string;
  const um = () => join(files, 'um');

  before(async () => {
    files = mkdtempSync(join(tmpdir(), 'um-files-'));
    mkdirSync(um());
    for (const [name, text] of [
      ['user-management.js', ENTRY],
      ['core-AbC_12-z.js', CHUNK],
    ] as const) {
      writeFileSync(join(um(), name), text);
      writeFileSync(join(um(), `${name}.br`), brotliCompressSync(text));
      writeFileSync(join(um(), `${name}.gz`), gzipSync(text, { level: 9 }));
    }
    // Built without its compressed variants: served as it is.
    writeFileSync(join(um(), 'plain-Zz9_Yy8x.js'), PLAIN);
    writeFileSync(join(um(), 'custom-elements.json'), '{"schemaVersion":"1.0.0"}');
    bff = await startBff(
      { PORT: '0', DATA_DIR: 'memory://', ALLOWED_ORIGINS: HOST },
      undefined,
      files,
    );
  });
  after(async () => {
    await bff.close();
    rmSync(files, { recursive: true, force: true });
  });

  it('sends brotli to a browser that takes it, gzip to one that takes only gzip', async () => {
    const br = await get(`${bff.url}/um/core-AbC_12-z.js`, {
      'Accept-Encoding': 'gzip, deflate, br, zstd',
    });
    assert.equal(br.status, 200);
    assert.equal(br.headers['content-encoding'], 'br');
    assert.match(String(br.headers['content-type']), /^text\/javascript/);
    assert.equal(brotliDecompressSync(br.body).toString(), CHUNK);
    assert.ok(br.body.length < CHUNK.length / 10);
    assert.ok(varyOf(br).includes('accept-encoding'));

    const gzip = await get(`${bff.url}/um/core-AbC_12-z.js`, { 'Accept-Encoding': 'gzip' });
    assert.equal(gzip.headers['content-encoding'], 'gzip');
    assert.equal(gunzipSync(gzip.body).toString(), CHUNK);
    assert.equal(Number(gzip.headers['content-length']), gzip.body.length);

    const refusedBr = await get(`${bff.url}/um/core-AbC_12-z.js`, {
      'Accept-Encoding': 'br;q=0, gzip;q=0.5',
    });
    assert.equal(refusedBr.headers['content-encoding'], 'gzip');
  });

  it('sends the file itself without Accept-Encoding, still varying on it', async () => {
    const plain = await get(`${bff.url}/um/user-management.js`);
    assert.equal(plain.status, 200);
    assert.equal(plain.headers['content-encoding'], undefined);
    assert.equal(plain.body.toString(), ENTRY);
    assert.ok(varyOf(plain).includes('accept-encoding'));

    const uncompressed = await get(`${bff.url}/um/plain-Zz9_Yy8x.js`, { 'Accept-Encoding': 'br' });
    assert.equal(uncompressed.headers['content-encoding'], undefined);
    assert.equal(uncompressed.body.toString(), PLAIN);
  });

  it('caches a hashed chunk for a year, and has the entry revalidated', async () => {
    const chunk = await get(`${bff.url}/um/core-AbC_12-z.js`, { 'Accept-Encoding': 'br' });
    assert.equal(chunk.headers['cache-control'], 'public, max-age=31536000, immutable');
    const entry = await get(`${bff.url}/um/user-management.js`, { 'Accept-Encoding': 'br' });
    assert.equal(entry.headers['cache-control'], 'no-cache');
    assert.match(String(entry.headers.etag), /^"[\w-]+"$/);
    assert.ok(entry.headers['last-modified']);
  });

  it('answers 304 without a body while the ETag matches, 200 once it does not', async () => {
    const url = `${bff.url}/um/user-management.js`;
    const first = await get(url, { 'Accept-Encoding': 'br' });
    const etag = String(first.headers.etag);
    const again = await get(url, { 'Accept-Encoding': 'br', 'If-None-Match': etag });
    assert.equal(again.status, 304);
    assert.equal(again.body.length, 0);
    assert.equal(again.headers.etag, etag);
    assert.equal(again.headers['cache-control'], 'no-cache');
    assert.ok(varyOf(again).includes('accept-encoding'));

    // Each encoding is a representation of its own, with its own ETag.
    const gzip = await get(url, { 'Accept-Encoding': 'gzip', 'If-None-Match': etag });
    assert.equal(gzip.status, 200);
    assert.notEqual(gzip.headers.etag, etag);
    assert.equal((await get(url, { 'If-None-Match': '"stale"' })).status, 200);

    // A new build under the same name: a new ETag, and the new content.
    const changed = `${ENTRY}// next release\n`;
    writeFileSync(join(um(), 'user-management.js'), changed);
    rmSync(join(um(), 'user-management.js.br'));
    const later = new Date(Date.now() + 5000);
    utimesSync(join(um(), 'user-management.js'), later, later);
    const fresh = await get(url, { 'Accept-Encoding': 'br', 'If-None-Match': etag });
    assert.equal(fresh.status, 200);
    assert.equal(fresh.body.toString(), changed);
    assert.notEqual(fresh.headers.etag, etag);
  });

  it('answers HEAD with the headers only', async () => {
    const head = await get(`${bff.url}/um/core-AbC_12-z.js`, { 'Accept-Encoding': 'gzip' }, 'HEAD');
    assert.equal(head.status, 200);
    assert.equal(head.headers['content-encoding'], 'gzip');
    assert.equal(head.body.length, 0);
  });

  it('keeps CORS for an allowed host page, on 200 and 304 alike', async () => {
    const url = `${bff.url}/um/user-management.js`;
    const first = await get(url, { Origin: HOST, 'Accept-Encoding': 'br' });
    assert.equal(first.headers['access-control-allow-origin'], HOST);
    assert.ok(varyOf(first).includes('origin'));
    assert.ok(varyOf(first).includes('accept-encoding'));
    const again = await get(url, {
      Origin: HOST,
      'Accept-Encoding': 'br',
      'If-None-Match': String(first.headers.etag),
    });
    assert.equal(again.status, 304);
    assert.equal(again.headers['access-control-allow-origin'], HOST);
  });

  it('serves the manifest beside the scripts as before', async () => {
    const manifest = await get(`${bff.url}/um/custom-elements.json`);
    assert.equal(manifest.status, 200);
    assert.equal(manifest.body.toString(), '{"schemaVersion":"1.0.0"}');
  });

  it('serves no compressed file by its own name, and nothing that is not there', async () => {
    for (const path of [
      '/um/missing-AbCdEf12.js',
      '/um/core-AbC_12-z.js.br',
      '/um/user-management.js.gz',
      '/um/%2e%2e/x.js',
      '/um/sub/core-AbC_12-z.js',
    ]) {
      const answer = await get(`${bff.url}${path}`, { 'Accept-Encoding': 'br' });
      assert.equal(answer.status, 404, path);
    }
  });
});

describe('Accept-Encoding', () => {
  it('prefers brotli, honours q-values, refuses q=0 and reads *', () => {
    assert.deepEqual(acceptedCodings('gzip, deflate, br'), ['br', 'gzip']);
    assert.deepEqual(acceptedCodings('gzip;q=1, br;q=0.5'), ['gzip', 'br']);
    assert.deepEqual(acceptedCodings('br;q=0, gzip'), ['gzip']);
    assert.deepEqual(acceptedCodings('*'), ['br', 'gzip']);
    assert.deepEqual(acceptedCodings('*, br;q=0'), ['gzip']);
    assert.deepEqual(acceptedCodings('identity'), []);
    assert.deepEqual(acceptedCodings(undefined), []);
  });
});
