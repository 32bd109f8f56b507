import { expect, fixture, html, waitUntil } from '@open-wc/testing';
import { sendKeys } from '@web/test-runner-commands';
import { describeElement, focused, expectAccessible } from '../../test/widget/helpers.ts';
import './multi-select.ts';
import type { UmMultiSelect } from './multi-select.ts';

const OPTIONS = [
  { value: 'en', label: 'English' },
  { value: 'de', label: 'Deutsch' },
  { value: 'ru', label: 'Русский' },
];

function mount(value: string[] = []) {
  return fixture<UmMultiSelect>(html`
    <um-multi-select label="Language" summary="0/3" .options=${OPTIONS} .value=${value}>
    </um-multi-select>
  `);
}

function trigger(el: UmMultiSelect) {
  return el.shadowRoot!.querySelector<HTMLButtonElement>('.trigger')!;
}

function popup(el: UmMultiSelect) {
  return el.shadowRoot!.querySelector<HTMLFieldSetElement>('.popup')!;
}

function box(el: UmMultiSelect, value: string) {
  return [...el.shadowRoot!.querySelectorAll<HTMLInputElement>('input[type="checkbox"]')].find(
    (input) => input.value === value,
  )!;
}

async function open(el: UmMultiSelect) {
  trigger(el).click();
  await waitUntil(() => el.shadowRoot!.activeElement === box(el, 'en'), 'the popup did not open');
}

describe('um-multi-select', () => {
  it('opens on a click with focus on the first option, and is accessible closed and open', async () => {
    const el = await mount();
    expect(popup(el).hidden).to.equal(true);
    expect(trigger(el).getAttribute('aria-expanded')).to.equal('false');
    await expectAccessible(el);

    await open(el);
    expect(popup(el).hidden).to.equal(false);
    expect(trigger(el).getAttribute('aria-expanded')).to.equal('true');
    expect(trigger(el).getAttribute('aria-controls')).to.equal(popup(el).id);
    await expectAccessible(el);
  });

  it('opens with Enter on the button', async () => {
    const el = await mount();
    trigger(el).focus();
    await sendKeys({ press: 'Enter' });
    await waitUntil(() => el.shadowRoot!.activeElement === box(el, 'en'), 'Enter did not open');
  });

  it('shows the chosen values checked', async () => {
    const el = await mount(['de']);
    expect(OPTIONS.map((o) => box(el, o.value).checked)).to.deep.equal([false, true, false]);
  });

  it('fires change for every choice, with the value in the options’ order', async () => {
    const el = await mount();
    const seen: string[][] = [];
    el.addEventListener('change', () => seen.push(el.value));
    await open(el);

    box(el, 'ru').click();
    box(el, 'en').click();
    expect(seen).to.deep.equal([['ru'], ['en', 'ru']]);

    box(el, 'ru').click();
    expect(seen.at(-1)).to.deep.equal(['en']);
    expect(el.value).to.deep.equal(['en']);
  });

  it('moves between the options with the arrow keys, Home and End, wrapping around', async () => {
    const el = await mount();
    await open(el);
    const at = () => (el.shadowRoot!.activeElement as HTMLInputElement | null)?.value;
    await sendKeys({ press: 'ArrowDown' });
    expect(at()).to.equal('de');
    await sendKeys({ press: 'ArrowRight' });
    expect(at()).to.equal('ru');
    await sendKeys({ press: 'ArrowDown' });
    expect(at(), 'wraps to the first').to.equal('en');
    await sendKeys({ press: 'ArrowUp' });
    expect(at(), 'wraps to the last').to.equal('ru');
    await sendKeys({ press: 'Home' });
    expect(at()).to.equal('en');
    await sendKeys({ press: 'End' });
    expect(at()).to.equal('ru');
    await sendKeys({ press: 'Space' });
    expect(el.value).to.deep.equal(['ru']);
  });

  it('closes on Escape and gives focus back to the button', async () => {
    const el = await mount();
    await open(el);
    await sendKeys({ press: 'Escape' });
    await el.updateComplete;
    expect(popup(el).hidden).to.equal(true);
    expect(focused()).to.equal(describeElement(trigger(el)));
  });

  it('closes on a click elsewhere on the page', async () => {
    const el = await mount();
    await open(el);
    document.body.click();
    await el.updateComplete;
    expect(popup(el).hidden).to.equal(true);
    expect(trigger(el).getAttribute('aria-expanded')).to.equal('false');
  });
  it('keeps each checkbox whole where a long label wraps onto two lines', async () => {
    const options = [
      { value: 'short', label: 'Users' },
      { value: 'long', label: 'Purge and Prefetch only (API+Web) with a long label' },
    ];
    const el = await fixture<UmMultiSelect>(html`
      <um-multi-select label="Roles" summary="0/2" style="width: 140px" .options=${options}>
      </um-multi-select>
    `);
    trigger(el).click();
    await waitUntil(() => !popup(el).hidden, 'the popup did not open');
    const [short, long] = [box(el, 'short'), box(el, 'long')];
    const label = long.closest('label')!;
    expect(label.getBoundingClientRect().height, 'the long label wraps').to.be.greaterThan(
      short.closest('label')!.getBoundingClientRect().height * 1.5,
    );
    expect(long.getBoundingClientRect().width).to.equal(short.getBoundingClientRect().width);
    expect(long.getBoundingClientRect().width).to.be.greaterThan(10);
  });
});
