/// <reference types="mocha" />
import { expect, fixture, html, waitUntil } from '@open-wc/testing';
import '../../widget/user-management.ts';
import type { UserManagement } from '../../widget/user-management.ts';
import { inviteDialog, login, panel, settled } from './helpers.ts';

/**
 * Radios and checkboxes are drawn by the browser: they take the theme's accent colour
 * (`--um-color-accent`) and the host page's `color-scheme`, so a dark portal does not get light
 * form controls inside the widget.
 */
describe('Form controls in a dark theme', () => {
  it('draws radios and checkboxes in the accent colour and the host page’s dark scheme', async () => {
    const { access } = await login();
    const host = await fixture<HTMLDivElement>(html`
      <div style="color-scheme: dark; --um-color-accent: rgb(37, 99, 235)">
        <user-management api="/bff" .token=${access}></user-management>
      </div>
    `);
    const el = host.querySelector<UserManagement>('user-management')!;
    await settled(el);

    const roles = panel(el).querySelector('um-multi-select')!.shadowRoot!;
    const checkbox = roles.querySelector<HTMLInputElement>('input[type="checkbox"]')!;
    expect(getComputedStyle(checkbox).accentColor).to.equal('rgb(37, 99, 235)');
    expect(getComputedStyle(checkbox).colorScheme).to.equal('dark');

    await waitUntil(() => panel(el).querySelector('[data-action="invite"]'), 'no Invite button');
    panel(el).querySelector<HTMLButtonElement>('[data-action="invite"]')!.click();
    await waitUntil(
      () => inviteDialog(el).querySelector('input[type="radio"]'),
      'the invite dialog has no radios',
    );
    const radio = inviteDialog(el).querySelector<HTMLInputElement>('input[type="radio"]')!;
    expect(getComputedStyle(radio).accentColor).to.equal('rgb(37, 99, 235)');
    expect(getComputedStyle(radio).colorScheme).to.equal('dark');
  });
});
