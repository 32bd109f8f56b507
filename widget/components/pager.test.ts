import { expect, fixture, html } from '@open-wc/testing';
import { renderPager, type PagerOptions } from './pager.ts';
import { expectAccessible } from '../../test/widget/helpers.ts';

/** The pager rendered alone into a div, with the page and size each callback was given. */
async function mount(options: Partial<PagerOptions> = {}) {
  const calls = { go: [] as number[], pageSize: [] as number[] };
  const el = await fixture<HTMLDivElement>(
    html`<div>
      ${renderPager({
        current: 1,
        pages: 1,
        limit: 10,
        summary: 'Showing 1 - 10 of 10 entries',
        perPageId: 'per-page',
        lang: 'en',
        onGo: (page) => calls.go.push(page),
        onPageSize: (size) => calls.pageSize.push(size),
        ...options,
      })}
    </div>`,
  );
  return { el, calls };
}

function buttons(el: HTMLElement) {
  return [...el.querySelectorAll<HTMLButtonElement>('button[part="page-button"]')];
}

function button(el: HTMLElement, page: string) {
  return el.querySelector<HTMLButtonElement>(`button[data-page="${page}"]`)!;
}

describe('renderPager', () => {
  it('offers the first and last page and two either side of the current one', async () => {
    const { el } = await mount({ current: 6, pages: 20 });
    const items = [...el.querySelectorAll('.pages li')].map((li) => li.textContent!.trim());
    expect(items).to.deep.equal(['‹', '1', '…', '4', '5', '6', '7', '8', '…', '20', '›']);
    expect(button(el, '6').getAttribute('aria-current')).to.equal('page');
    expect(buttons(el).filter((b) => b.hasAttribute('aria-current'))).to.have.length(1);
  });

  it('names every button and the navigation, in English when alone', async () => {
    const { el } = await mount({ current: 2, pages: 3 });
    expect(el.querySelector('nav')!.getAttribute('aria-label')).to.equal('Pages');
    expect(buttons(el).map((b) => b.getAttribute('aria-label'))).to.deep.equal([
      'Previous page',
      'Page 1',
      'Page 2',
      'Page 3',
      'Next page',
    ]);
    expect(el.querySelector('label[for="per-page"]')!.textContent).to.equal('Entries per page');
    await expectAccessible(el);
  });

  it('disables Previous on the first page and Next on the last', async () => {
    const first = (await mount({ current: 1, pages: 3 })).el;
    expect(button(first, 'next').disabled).to.equal(false);
    expect(buttons(first)[0].disabled).to.equal(true);
    const last = (await mount({ current: 3, pages: 3 })).el;
    expect(button(last, 'previous').disabled).to.equal(false);
    expect(buttons(last).at(-1)!.disabled).to.equal(true);
  });

  it('calls onGo with the page of the button pressed', async () => {
    const { el, calls } = await mount({ current: 5, pages: 9 });
    button(el, 'previous').click();
    button(el, '7').click();
    button(el, 'next').click();
    expect(calls.go).to.deep.equal([4, 7, 6]);
  });

  it('selects the current page size and calls onPageSize with the one chosen', async () => {
    const { el, calls } = await mount({ limit: 25 });
    const select = el.querySelector<HTMLSelectElement>('#per-page')!;
    expect([...select.options].map((o) => o.value)).to.deep.equal(['10', '25', '50', '100']);
    expect(select.value).to.equal('25');
    select.value = '50';
    select.dispatchEvent(new Event('change'));
    expect(calls.pageSize).to.deep.equal([50]);
  });

  it('shows the summary in a polite live region', async () => {
    const { el } = await mount({ summary: 'Showing 11 - 20 of 31 entries' });
    const summary = el.querySelector('[part="summary"]')!;
    expect(summary.textContent).to.equal('Showing 11 - 20 of 31 entries');
    expect(summary.getAttribute('aria-live')).to.equal('polite');
  });
});
