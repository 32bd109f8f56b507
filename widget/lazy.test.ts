/// <reference types="mocha" />
import { expect, fixture, html, waitUntil } from '@open-wc/testing';
import { render } from 'lit';
import { load, loaded, loadOnFirstUse } from './lazy.ts';

/**
 * What the widget loads on first use (widget/lazy.ts). This file imports none of those modules
 * (nor test/widget/helpers.ts, which loads them all up front), so each element here starts
 * unknown to the browser.
 */
describe('loading on first use', () => {
  it('loads the module of an element when it is first rendered, and the element upgrades', async () => {
    expect(customElements.get('um-confirm-dialog')).to.equal(undefined);
    const box = await fixture<HTMLDivElement>(
      html`<div><um-confirm-dialog ${loadOnFirstUse()}></um-confirm-dialog></div>`,
    );
    const dialog = box.querySelector('um-confirm-dialog')!;
    await waitUntil(() => customElements.get('um-confirm-dialog'), 'never loaded', {
      timeout: 8000,
    });
    await dialog.updateComplete;
    expect(dialog.shadowRoot!.querySelector('dialog')).to.not.equal(null);
    expect(typeof dialog.show).to.equal('function');
  });

  it('keeps what was set on an element before its module arrived', async () => {
    expect(customElements.get('um-invite-user-dialog')).to.equal(undefined);
    const box = await fixture<HTMLDivElement>(
      html`<div><um-invite-user-dialog .clientId=${42}></um-invite-user-dialog></div>`,
    );
    const dialog = await loaded(box, 'um-invite-user-dialog');
    expect(dialog).to.equal(box.querySelector('um-invite-user-dialog'));
    expect(typeof dialog!.show).to.equal('function');
    expect(dialog!.clientId).to.equal(42);
  });

  it('loads each module once', async () => {
    const first = load('um-disable-2fa-view');
    expect(load('um-disable-2fa-view')).to.equal(first);
    await first;
    expect(customElements.get('um-disable-2fa-view')).to.not.equal(undefined);
  });

  it('refuses an element that is not in the list', () => {
    const box = document.createElement('div');
    expect(() => render(html`<um-nothing ${loadOnFirstUse()}></um-nothing>`, box)).to.throw(
      /not in widget\/lazy.ts/,
    );
  });
});
