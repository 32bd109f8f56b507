import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { Page } from 'playwright-core';
import { build } from 'vite';
import { DEMO_MEMBER_PASSWORD } from '../../server/demo/seed.ts';
import { english as en } from '../support/english.ts';
import { openDemo, type Demo } from '../support/demo.ts';
import { serveHost, type HostServer } from '../support/host-server.ts';

/**
 * The built widget in a React 19 page and a Vue 3 page (test/e2e/hosts/, built here once), each on
 * a host of its own port that proxies the BFF: the host signs in itself and sets `token` as a
 * property, listens to the widget's events with the framework's own syntax, and switches panels
 * through its own state.
 */
describe('the widget in React 19 and Vue 3 pages', () => {
  let demo: Demo;
  let host: HostServer;
  const pages = mkdtempSync(join(tmpdir(), 'um-hosts-'));

  before(async () => {
    const [opened] = await Promise.all([
      openDemo(),
      build({ configFile: 'test/e2e/hosts/vite.config.ts', build: { outDir: pages } }),
    ]);
    demo = opened;
    host = await serveHost({ bffUrl: demo.bff.url, root: pages });
  });
  after(async () => {
    await host?.close();
    await demo?.close();
    rmSync(pages, { recursive: true, force: true });
  });

  /** The host's own sign-in: the BFF's login API, as a portal's identity provider would answer. */
  const accessToken = async (username: string, password: string) => {
    const response = await fetch(`${demo.bff.url}/iam/auth/jwt/login`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ username, password }),
    });
    assert.equal(response.status, 200);
    return ((await response.json()) as { access: string }).access;
  };

  const openHost = async (page: string, token: string): Promise<Page> => {
    const tab = await demo.newPage();
    await tab.addInitScript((jwt) => sessionStorage.setItem('host-token', jwt), token);
    await tab.goto(`${host.url}/${page}.html`);
    return tab;
  };

  /** The host's navigation switches panels; each shows its heading, with no sign-in view. */
  const walkPanels = async (tab: Page) => {
    for (const [panel, heading] of [
      ['account', en['account.heading']],
      ['api-tokens', en['tokens.heading']],
      ['users', en['users.heading']],
    ]) {
      await tab.getByRole('button', { name: panel, exact: true }).click();
      await tab.getByRole('heading', { name: heading, exact: true }).waitFor();
      assert.equal(await tab.locator('user-management').getAttribute('panel'), panel);
    }
    assert.equal(await tab.locator('form[part~="sign-in-form"]').count(), 0);
  };

  const events = (tab: Page) => tab.getByRole('list', { name: 'Events' }).getByRole('listitem');

  it('React 19: token as a property, `onum-user-invited`, panels from React state', async () => {
    const admin = demo.bff.config.demoAdmin;
    const tab = await openHost('react', await accessToken(admin.email, admin.password));

    await tab.getByText(/Showing 1 - 10 of \d+ entries/).waitFor();
    await tab.getByRole('cell', { name: admin.email, exact: true }).waitFor();
    const widget = tab.locator('user-management');
    assert.equal(await widget.getAttribute('token'), null, 'a property, never an attribute');
    assert.equal(await tab.getByRole('button', { name: en['app.signOut'] }).count(), 0);

    const email = `react-${Date.now()}@newcomer.test`;
    await tab.getByRole('button', { name: 'Invite user' }).click();
    const dialog = tab.getByRole('dialog');
    await dialog.getByLabel('Email').fill(email);
    await dialog.getByRole('radio', { name: /^Engineers/ }).check();
    await dialog.getByRole('button', { name: 'Invite user' }).click();
    await tab.getByText(`Invitation sent to ${email}`).waitFor();
    assert.deepEqual(await events(tab).allInnerTexts(), [`invited ${email}`]);

    await walkPanels(tab);
  });

  it('Vue 3: `:token.prop`, `@um-account-switched`, panels from Vue state', async () => {
    const tab = await openHost(
      'vue',
      await accessToken('sam.shared@example.test', DEMO_MEMBER_PASSWORD),
    );

    await tab.getByRole('heading', { name: en['users.heading'], exact: true }).waitFor();
    assert.equal(await tab.locator('user-management').getAttribute('token'), null);
    const switcher = tab.getByLabel(en['app.switchAccount']);
    const [before, other] = await switcher
      .locator('option')
      .evaluateAll((options) =>
        (options as HTMLOptionElement[]).map((o) => ({
          id: o.value,
          name: o.text.trim(),
          on: o.selected,
        })),
      )
      .then((options) => [options.find((o) => o.on)!, options.find((o) => !o.on)!]);
    assert.ok(before && other, 'a member of two accounts');
    await switcher.selectOption(other.id);
    await tab.getByText(`switched to ${other.id}`).waitFor();
    assert.equal(await switcher.inputValue(), other.id);
    assert.deepEqual(await events(tab).allInnerTexts(), [`switched to ${other.id}`]);

    await walkPanels(tab);
  });
});
