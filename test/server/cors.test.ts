import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { loadConfig } from '../../server/config.ts';
import { startBff, type RunningBff } from '../../server/start.ts';

/**
 * A host page on another origin (docs/embedding.md, "Another origin"): CORS from exactly the
 * origins of ALLOWED_ORIGINS, for the API and for the widget's files, and nothing for any other.
 */
const HOST = 'https://portal.example.test';
const STRANGER = 'https://evil.example.test';

function corsHeaders(response: Response): string[] {
  return [...response.headers.keys()].filter((name) => name.startsWith('access-control-'));
}

describe('CORS for host pages on other origins', () => {
  let bff: RunningBff;
  let plain: RunningBff;
  let files: string;

  before(async () => {
    files = mkdtempSync(join(tmpdir(), 'um-cors-'));
    mkdirSync(join(files, 'um'));
    writeFileSync(join(files, 'um', 'user-management.js'), 'export {};\n');
    const env = { PORT: '0', DATA_DIR: 'memory://', DEMO_SEED: 'true' };
    bff = await startBff(
      { ...env, ALLOWED_ORIGINS: `${HOST}, http://127.0.0.1:5173` },
      undefined,
      files,
    );
    plain = await startBff(env, undefined, files);
  });
  after(async () => {
    await bff.close();
    await plain.close();
    rmSync(files, { recursive: true, force: true });
  });

  it('answers the preflight of an allowed origin, without credentials, cached', async () => {
    const response = await fetch(`${bff.url}/iam/auth/jwt/login`, {
      method: 'OPTIONS',
      headers: {
        Origin: HOST,
        'Access-Control-Request-Method': 'POST',
        'Access-Control-Request-Headers': 'content-type, authorization',
      },
    });
    assert.equal(response.status, 204);
    assert.equal(response.headers.get('access-control-allow-origin'), HOST);
    assert.match(response.headers.get('access-control-allow-methods')!, /\bPOST\b/);
    assert.match(response.headers.get('access-control-allow-headers')!, /Authorization/i);
    assert.equal(response.headers.get('access-control-max-age'), '600');
    assert.equal(response.headers.get('access-control-allow-credentials'), null);
  });

  it('lets an allowed origin sign in, read with its token and load the widget', async () => {
    const login = await fetch(`${bff.url}/iam/auth/jwt/login`, {
      method: 'POST',
      headers: { Origin: HOST, 'Content-Type': 'application/json' },
      body: JSON.stringify({
        username: bff.config.demoAdmin.email,
        password: bff.config.demoAdmin.password,
      }),
    });
    assert.equal(login.status, 200);
    assert.equal(login.headers.get('access-control-allow-origin'), HOST);
    const { access } = (await login.json()) as { access: string };
    const me = await fetch(`${bff.url}/iam/clients/me`, {
      headers: { Origin: HOST, Authorization: `Bearer ${access}` },
    });
    assert.equal(me.status, 200);
    assert.equal(me.headers.get('access-control-allow-origin'), HOST);
    assert.match(me.headers.get('access-control-expose-headers')!, /Retry-After/i);
    const script = await fetch(`${bff.url}/um/user-management.js`, { headers: { Origin: HOST } });
    assert.equal(script.status, 200);
    assert.equal(script.headers.get('access-control-allow-origin'), HOST);
    assert.match(script.headers.get('vary')!, /Origin/);
  });

  it('gives any other origin no CORS headers at all, on the API, the preflight and the files', async () => {
    const preflight = await fetch(`${bff.url}/iam/auth/jwt/login`, {
      method: 'OPTIONS',
      headers: { Origin: STRANGER, 'Access-Control-Request-Method': 'POST' },
    });
    assert.deepEqual(corsHeaders(preflight), []);
    const health = await fetch(`${bff.url}/health`, { headers: { Origin: STRANGER } });
    assert.deepEqual(corsHeaders(health), []);
    const script = await fetch(`${bff.url}/um/user-management.js`, {
      headers: { Origin: STRANGER },
    });
    assert.deepEqual(corsHeaders(script), []);
  });

  it('allows no other origin by default', async () => {
    const health = await fetch(`${plain.url}/health`, { headers: { Origin: HOST } });
    assert.equal(health.status, 200);
    assert.deepEqual(corsHeaders(health), []);
  });

  it('refuses a setting that is not a list of origins, naming it', () => {
    assert.throws(
      () => loadConfig({ ALLOWED_ORIGINS: 'https://portal.example.test/app' }),
      /ALLOWED_ORIGINS/,
    );
    assert.throws(() => loadConfig({ ALLOWED_ORIGINS: 'portal.example.test' }), /ALLOWED_ORIGINS/);
  });
});
