import { expect, fixture, html, waitUntil } from '@open-wc/testing';
import { sendKeys } from '@web/test-runner-commands';
import { describeElement, focused, expectAccessible } from '../../test/widget/helpers.ts';
import './confirm-dialog.ts';
import type { ConfirmOptions, UmConfirmDialog } from './confirm-dialog.ts';

const DELETE: ConfirmOptions = {
  heading: 'Delete user',
  message: 'Delete jane@example.com from the account?',
  confirmLabel: 'Delete',
  danger: true,
};

/** The dialog beside the button that opens it, as a panel has them. */
async function mount() {
  const box = await fixture<HTMLDivElement>(html`
    <div>
      <button type="button" id="opener">Delete</button>
      <um-confirm-dialog></um-confirm-dialog>
    </div>
  `);
  const opener = box.querySelector<HTMLButtonElement>('#opener')!;
  const el = box.querySelector('um-confirm-dialog')!;
  opener.focus();
  return { el, opener };
}

function button(el: UmConfirmDialog, action: 'cancel' | 'confirm') {
  return el.shadowRoot!.querySelector<HTMLButtonElement>(`[data-action="${action}"]`)!;
}

async function closed(el: UmConfirmDialog, opener: HTMLElement) {
  await waitUntil(() => !el.open && document.activeElement === opener, 'focus did not return');
}

describe('um-confirm-dialog', () => {
  it('asks with focus on Cancel, in English when alone, and is accessible', async () => {
    const { el, opener } = await mount();
    void el.show(DELETE, opener);
    await el.updateComplete;
    expect(el.open).to.equal(true);
    const dialog = el.shadowRoot!.querySelector('dialog')!;
    expect(dialog.getAttribute('role')).to.equal('alertdialog');
    expect(el.shadowRoot!.querySelector('h2')!.textContent).to.equal('Delete user');
    expect(focused()).to.equal(describeElement(button(el, 'cancel')));
    expect(button(el, 'cancel').textContent!.trim()).to.equal('Cancel');
    expect(button(el, 'confirm').textContent!.trim()).to.equal('Delete');
    expect(button(el, 'confirm').className).to.equal('danger');
    await expectAccessible(el);
  });

  it('resolves true when confirmed, and focus goes back to the opener', async () => {
    const { el, opener } = await mount();
    const answer = el.show(DELETE, opener);
    await el.updateComplete;
    button(el, 'confirm').click();
    expect(await answer).to.equal(true);
    await closed(el, opener);
  });

  it('resolves false on Cancel, and focus goes back to the opener', async () => {
    const { el, opener } = await mount();
    const answer = el.show(DELETE, opener);
    await el.updateComplete;
    button(el, 'cancel').click();
    expect(await answer).to.equal(false);
    await closed(el, opener);
  });

  it('resolves false on Escape, and focus goes back to the opener', async () => {
    const { el, opener } = await mount();
    const answer = el.show(DELETE, opener);
    await el.updateComplete;
    await sendKeys({ press: 'Escape' });
    expect(await answer).to.equal(false);
    await closed(el, opener);
  });

  it('answers an earlier question false when asked again', async () => {
    const { el, opener } = await mount();
    const first = el.show(DELETE, opener);
    await el.updateComplete;
    const second = el.show({ ...DELETE, heading: 'Delete token', danger: false }, opener);
    expect(await first).to.equal(false);
    await el.updateComplete;
    expect(el.shadowRoot!.querySelector('h2')!.textContent).to.equal('Delete token');
    expect(button(el, 'confirm').className).to.equal('primary');
    button(el, 'confirm').click();
    expect(await second).to.equal(true);
  });
});
