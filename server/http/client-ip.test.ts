import assert from 'node:assert/strict';
import { it } from 'node:test';
import { Hono } from 'hono';
import { warnOfUntrustedProxy } from './client-ip.ts';

it('warns once when requests arrive with X-Forwarded-For while TRUST_PROXY is off', async () => {
  const warnings: string[] = [];
  const app = new Hono()
    .use(warnOfUntrustedProxy((message) => warnings.push(message)))
    .get('/', (c) => c.text('ok'));

  assert.equal((await app.request('/')).status, 200);
  assert.deepEqual(warnings, [], 'no proxy, no warning');
  for (const ip of ['203.0.113.1', '203.0.113.2']) {
    const response = await app.request('/', { headers: { 'X-Forwarded-For': ip } });
    assert.equal(response.status, 200);
  }
  assert.equal(warnings.length, 1, 'once, not on every request');
  assert.match(warnings[0], /TRUST_PROXY/);
});
