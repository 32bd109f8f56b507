import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, describe, it } from 'node:test';
import { english as en } from '../support/english.ts';
import { openDemo, signIn, type Demo } from '../support/demo.ts';

/**
 * A plain host page on another origin (docs/embedding.md, "Another origin"): the BFF runs at
 * http://localhost:<port>, the pages at http://127.0.0.1:<other port>. With the page's origin in
 * ALLOWED_ORIGINS, the page loads the widget from the BFF and works; a page of an origin the BFF
 * does not allow (the bundle copied over, so the script itself loads) is told why it cannot sign
 * in, and which setting to change.
 */

/**
 * A tiny host of its own: one page that embeds the widget, and (optionally) a copy of it: the
 * whole of dist/um/, since the script imports its chunks from beside itself.
 */
async function serveHost(page: (bff: string) => string): Promise<{ url: string; server: Server }> {
  let bffUrl = '';
  const server = createServer((request, response) => {
    const script = /^\/um\/([\w-]+\.js)$/.exec(request.url ?? '');
    if (script && existsSync(`dist/um/${script[1]}`)) {
      response.writeHead(200, { 'Content-Type': 'text/javascript' });
      response.end(readFileSync(`dist/um/${script[1]}`));
      return;
    }
    response.writeHead(200, { 'Content-Type': 'text/html' });
    response.end(page(bffUrl));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    url,
    server: Object.assign(server, { setBff: (bff: string) => (bffUrl = bff) }),
  };
}

const page = (script: (bff: string) => string) => (bff: string) => `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Another portal</title>
<script type="module" src="${script(bff)}"></script></head>
<body><main><user-management api="${bff}" panel="users"></user-management></main></body></html>`;

describe('the widget on a page of another origin', () => {
  let demo: Demo;
  let allowed: Awaited<ReturnType<typeof serveHost>>;
  let stranger: Awaited<ReturnType<typeof serveHost>>;

  before(async () => {
    allowed = await serveHost(page((bff) => `${bff}/um/user-management.js`));
    stranger = await serveHost(page(() => '/um/user-management.js'));
    demo = await openDemo({ ALLOWED_ORIGINS: allowed.url });
    const bff = demo.bff.url.replace('127.0.0.1', 'localhost');
    for (const host of [allowed, stranger]) {
      (host.server as unknown as { setBff(url: string): void }).setBff(bff);
    }
  });
  after(async () => {
    await demo?.close();
    allowed?.server.close();
    stranger?.server.close();
  });

  it('loads the widget from the BFF and works, on an origin of ALLOWED_ORIGINS', async () => {
    const tab = await demo.newPage();
    await tab.goto(`${allowed.url}/`);
    await signIn(tab, demo.bff.config.demoAdmin.email, demo.bff.config.demoAdmin.password);
    const rows = tab.locator('user-management tr[part~="row"]');
    await rows.first().waitFor();
    assert.ok((await rows.count()) > 0);
  });

  it('says that the BFF does not allow the page, and names the setting, on any other origin', async () => {
    const tab = await demo.newPage();
    await tab.goto(`${stranger.url}/`);
    await signIn(tab, demo.bff.config.demoAdmin.email, demo.bff.config.demoAdmin.password);
    const alert = tab.locator('form[part~="sign-in-form"] [role="alert"]');
    await alert.waitFor();
    assert.equal((await alert.textContent())?.trim(), en['error.origin_not_allowed']);
  });

  it('still says the server cannot be reached when a BFF on another origin does not answer', async () => {
    // A port that was free a moment ago: nothing answers there.
    const probe = createServer();
    await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
    const port = (probe.address() as AddressInfo).port;
    await new Promise((resolve) => probe.close(resolve));
    const nowhere = await serveHost(page(() => '/um/user-management.js'));
    (nowhere.server as unknown as { setBff(url: string): void }).setBff(`http://localhost:${port}`);
    try {
      const tab = await demo.newPage();
      await tab.goto(`${nowhere.url}/`);
      await signIn(tab, demo.bff.config.demoAdmin.email, demo.bff.config.demoAdmin.password);
      const alert = tab.locator('form[part~="sign-in-form"] [role="alert"]');
      await alert.waitFor();
      assert.equal((await alert.textContent())?.trim(), en['error.network_error']);
    } finally {
      nowhere.server.close();
    }
  });
});
