import { expect, fixture, html, oneEvent, waitUntil } from '@open-wc/testing';
import { sendKeys } from '@web/test-runner-commands';
import { UmMenuSelectEvent } from '../events.ts';
import './row-menu.ts';
import type { UmRowMenu } from './row-menu.ts';
import { expectAccessible } from '../../test/widget/helpers.ts';

const ITEMS = [
  { id: 'edit', label: 'Edit' },
  { id: 'resend-invite', label: 'Resend invite' },
  { id: 'delete', label: 'Delete', danger: true },
];

function mount() {
  return fixture<UmRowMenu>(html`
    <um-row-menu label="Actions for jane@example.com" .items=${ITEMS}></um-row-menu>
  `);
}

function trigger(el: UmRowMenu) {
  return el.shadowRoot!.querySelector<HTMLButtonElement>('.trigger')!;
}

function menu(el: UmRowMenu) {
  return el.shadowRoot!.querySelector<HTMLElement>('[role="menu"]')!;
}

/** The `data-action` of the focused item, or `trigger` for the button. */
function focusedItem(el: UmRowMenu): string | undefined {
  const active = el.shadowRoot!.activeElement as HTMLElement | null;
  if (active === trigger(el)) return 'trigger';
  return active?.dataset.action;
}

async function openWith(el: UmRowMenu, open: () => unknown, first: string) {
  await open();
  await waitUntil(() => focusedItem(el) === first, `the menu did not open on ${first}`);
  expect(menu(el).matches(':popover-open')).to.equal(true);
  expect(trigger(el).getAttribute('aria-expanded')).to.equal('true');
}

describe('um-row-menu', () => {
  it('opens on a click with focus on the first item, and is accessible closed and open', async () => {
    const el = await mount();
    expect(trigger(el).getAttribute('aria-haspopup')).to.equal('menu');
    expect(trigger(el).getAttribute('aria-expanded')).to.equal('false');
    expect(menu(el).matches(':popover-open')).to.equal(false);
    await expectAccessible(el);

    const open = () => openWith(el, () => trigger(el).click(), 'edit');
    await open();
    await expectAccessible(el, open);
  });

  it('opens from the keyboard: ArrowDown on the first item, ArrowUp on the last', async () => {
    const el = await mount();
    trigger(el).focus();
    await openWith(el, () => sendKeys({ press: 'ArrowDown' }), 'edit');
    await sendKeys({ press: 'Escape' });
    await openWith(el, () => sendKeys({ press: 'ArrowUp' }), 'delete');
  });

  it('moves with the arrow keys (wrapping), Home and End', async () => {
    const el = await mount();
    await openWith(el, () => trigger(el).click(), 'edit');
    const steps: string[] = [];
    for (const key of ['ArrowDown', 'ArrowDown', 'ArrowDown', 'ArrowUp', 'End', 'Home']) {
      await sendKeys({ press: key });
      steps.push(focusedItem(el) ?? 'nothing');
    }
    expect(steps).to.deep.equal(['resend-invite', 'delete', 'edit', 'delete', 'delete', 'edit']);
  });

  it('fires menu-select with the chosen item, closes and gives focus back to the button', async () => {
    const el = await mount();
    await openWith(el, () => trigger(el).click(), 'edit');
    await sendKeys({ press: 'End' });
    const chosen = oneEvent(el, 'menu-select');
    await sendKeys({ press: 'Enter' });
    const event = await chosen;
    expect(event).to.be.instanceOf(UmMenuSelectEvent);
    expect(event.detail).to.deep.equal({ id: 'delete' });
    // Internal: it does not leave the shadow root of the panel that renders the menu.
    expect(event.composed).to.equal(false);
    await el.updateComplete;
    expect(menu(el).matches(':popover-open')).to.equal(false);
    expect(focusedItem(el)).to.equal('trigger');
  });

  it('closes on Escape and gives focus back to the button', async () => {
    const el = await mount();
    await openWith(el, () => trigger(el).click(), 'edit');
    await sendKeys({ press: 'Escape' });
    await el.updateComplete;
    expect(menu(el).matches(':popover-open')).to.equal(false);
    expect(trigger(el).getAttribute('aria-expanded')).to.equal('false');
    expect(focusedItem(el)).to.equal('trigger');
  });

  it('closes on a click elsewhere, firing nothing', async () => {
    const el = await mount();
    let fired = false;
    el.addEventListener('menu-select', () => (fired = true));
    await openWith(el, () => trigger(el).click(), 'edit');
    document.body.click();
    await el.updateComplete;
    expect(menu(el).matches(':popover-open')).to.equal(false);
    expect(trigger(el).getAttribute('aria-expanded')).to.equal('false');
    expect(fired).to.equal(false);
  });
});
