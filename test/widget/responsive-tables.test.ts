/// <reference types="mocha" />
import { expect, fixture, html, waitUntil } from '@open-wc/testing';
import { sendKeys, sendMouse, setViewport } from '@web/test-runner-commands';
import type { TemplateResult } from 'lit';
import '../../widget/user-management.ts';
import type { UserManagement } from '../../widget/user-management.ts';
import { loadLanguage, t, type MessageKey } from '../../widget/locales/index.ts';
import { accountPanel, deepActiveElement, login, nextFrames, root } from './helpers.ts';
import { createToken, ownAccount } from './tokens.ts';

/**
 * The widget as a guest on a host page (issue 10): at every width from a phone up and in every
 * language, it never makes the page wider than the window, and every row's "⋯" menu button can be
 * seen and pressed; a cell is cut short only where its whole value is offered (its title, and
 * shown while focus is in its row).
 */

const WIDTHS = [320, 375, 768, 1280];
const LANGS = ['en', 'de', 'ru', 'zh'];
const HEIGHT = 800;

type PanelName = 'users' | 'api-tokens' | 'account';

const PANELS: { name: PanelName; heading: MessageKey; tag: string }[] = [
  { name: 'users', heading: 'users.heading', tag: 'um-users-panel' },
  { name: 'api-tokens', heading: 'tokens.heading', tag: 'um-api-tokens-panel' },
  { name: 'account', heading: 'logins.heading', tag: 'um-last-logins-section' },
];

let adminAccess: string;
let tokensAccess: string;

const accessFor = (name: PanelName) => (name === 'api-tokens' ? tokensAccess : adminAccess);

/** The shadow root that holds the panel's table. */
function tableRoot(el: UserManagement, name: PanelName): ShadowRoot | null {
  if (name === 'account') {
    return accountPanel(el).querySelector('um-last-logins-section')?.shadowRoot ?? null;
  }
  const tag = PANELS.find((p) => p.name === name)!.tag;
  return root(el).querySelector(tag)?.shadowRoot ?? null;
}

function settledTable(shadow: ShadowRoot | null): boolean {
  const table = shadow?.querySelector('table');
  return (
    table?.getAttribute('aria-busy') === 'false' &&
    !table.querySelector('tr.loading') &&
    table.querySelector('tbody tr[part="row"]') !== null
  );
}

async function render(
  name: PanelName,
  lang: string,
  access: string,
  /** Mounts the widget somewhere in a host page of the test's own; the tag itself by default. */
  host = (widget: TemplateResult): TemplateResult => widget,
): Promise<UserManagement> {
  await loadLanguage(lang);
  const mounted = await fixture<HTMLElement>(
    host(
      html`<user-management
        api="/bff"
        panel=${name}
        lang=${lang}
        .token=${access}
      ></user-management>`,
    ),
  );
  const el = (mounted.closest('user-management') ??
    mounted.querySelector('user-management')) as UserManagement;
  const heading = t(PANELS.find((p) => p.name === name)!.heading, undefined, lang);
  await waitUntil(
    () => {
      const shadow = tableRoot(el, name);
      const shown = shadow?.querySelector('h2, h3')?.textContent?.trim();
      // The row menus come once the caller's role is known, which may be after the rows.
      const menus = name === 'account' || shadow?.querySelector('um-row-menu');
      return shown === heading && settledTable(shadow) && menus;
    },
    `the ${name} table did not load in ${lang}`,
    { timeout: 8000 },
  );
  return el;
}

/**
 * A portal's layout, as the demo's: a 200 px navigation beside the main column, which holds the
 * widget in a padded card (about 970 px for the widget at 1280).
 */
function besideNavigation(widget: TemplateResult): TemplateResult {
  return html`<div style="display: flex">
    <nav style="flex: 0 0 200px">Portal</nav>
    <main style="flex: 1; padding: 24px"><div style="padding: 24px">${widget}</div></main>
  </div>`;
}

/** The element at a point, looking through shadow roots (document.elementFromPoint stops at hosts). */
function deepElementFromPoint(x: number, y: number): Element | null {
  let found = document.elementFromPoint(x, y);
  while (found?.shadowRoot) {
    const inner = found.shadowRoot.elementFromPoint(x, y);
    if (!inner || inner === found) break;
    found = inner;
  }
  return found;
}

function inside(inner: DOMRect, outer: DOMRect, slack = 0.5): boolean {
  return (
    inner.left >= outer.left - slack &&
    inner.right <= outer.right + slack &&
    inner.top >= outer.top - slack &&
    inner.bottom <= outer.bottom + slack
  );
}

/** Brings `element` into the window by scrolling the page up or down only (never sideways). */
function scrollPageTo(element: Element) {
  const rect = element.getBoundingClientRect();
  window.scrollTo(0, window.scrollY + rect.top - HEIGHT / 2);
}

/** What is wrong with each row's "⋯" button: hidden, cut, covered or too small to press. */
function rowMenuProblems(shadow: ShadowRoot): string[] {
  const problems: string[] = [];
  const menus = [...shadow.querySelectorAll('um-row-menu')];
  if (menus.length === 0) problems.push('no row menus');
  for (const menu of menus) {
    const button = menu.shadowRoot!.querySelector<HTMLButtonElement>('button[aria-haspopup]')!;
    const name = button.getAttribute('aria-label');
    scrollPageTo(button);
    const box = button.getBoundingClientRect();
    const viewport = new DOMRect(0, 0, document.documentElement.clientWidth, window.innerHeight);
    const scrollBox = menu.closest('.table-wrap')!.getBoundingClientRect();
    // WCAG 2.5.8: a target at least 24 × 24 CSS pixels.
    if (box.width < 24 || box.height < 24) {
      problems.push(`${name}: ${box.width.toFixed(1)} × ${box.height.toFixed(1)} px`);
    } else if (!inside(box, viewport)) {
      problems.push(`${name}: outside the window (${box.left.toFixed(0)}-${box.right.toFixed(0)})`);
    } else if (!inside(box, scrollBox)) {
      problems.push(`${name}: outside its scroll box's visible area`);
    } else {
      const hit = deepElementFromPoint(box.x + box.width / 2, box.y + box.height / 2);
      if (!hit || !(hit === button || button.contains(hit))) {
        problems.push(`${name}: covered by ${hit?.tagName ?? 'nothing'}.${hit?.className ?? ''}`);
      }
    }
  }
  return problems;
}

/** Cells whose text is cut although they offer no way to read the whole of it. */
function cutCells(shadow: ShadowRoot): string[] {
  return [...shadow.querySelectorAll<HTMLElement>('tbody tr[part="row"] td')]
    .filter((cell) => !cell.title && cell.scrollWidth > cell.clientWidth + 1)
    .map((cell) => `"${cell.textContent!.trim()}" (${cell.scrollWidth} > ${cell.clientWidth})`);
}

async function atWidth(width: number) {
  await setViewport({ width, height: HEIGHT });
  await nextFrames();
}

describe('Tables on a host page of any width, in every language', () => {
  before(async () => {
    adminAccess = (await login()).access;
    // API tokens in an account of their own, with long names and descriptions next to short ones.
    tokensAccess = (await ownAccount('responsive tables')).access;
    await createToken(tokensAccess, {
      name: 'Deployment pipeline of the production cluster in Frankfurt',
      description: 'Purges the CDN cache after each release of the storefront and the blog',
    });
    await createToken(tokensAccess, { name: 'CI', description: '' });
    await createToken(tokensAccess, {
      name: 'monitoring',
      exp_date: '2031-12-31T23:59:59Z',
      description: 'Grafana',
    });
  });

  after(async () => {
    window.scrollTo(0, 0);
    await setViewport({ width: 800, height: 600 });
  });

  for (const { name } of PANELS) {
    for (const lang of LANGS) {
      it(`${name} in ${lang}: the page stays within the window at ${WIDTHS.join(', ')} px, every ⋯ can be pressed, no cell is cut unseen`, async () => {
        const el = await render(name, lang, accessFor(name));
        const shadow = tableRoot(el, name)!;
        const problems: string[] = [];
        for (const width of WIDTHS) {
          await atWidth(width);
          const pageWidth = document.documentElement.scrollWidth;
          if (pageWidth > window.innerWidth) {
            problems.push(`${width} px: the page is ${pageWidth} px wide`);
          }
          if (name !== 'account') {
            for (const problem of rowMenuProblems(shadow)) problems.push(`${width} px: ${problem}`);
          }
          for (const cell of cutCells(shadow)) problems.push(`${width} px: cut ${cell}`);
          window.scrollTo(0, 0);
        }
        expect(problems, problems.join('\n')).to.deep.equal([]);
      });
    }
  }
  for (const name of ['users', 'api-tokens'] as const) {
    for (const lang of LANGS) {
      it(`${name} in ${lang} at 1280 px beside a 200 px navigation: every column and every ⋯ in view`, async () => {
        await atWidth(1280);
        const el = await render(name, lang, accessFor(name), besideNavigation);
        const shadow = tableRoot(el, name)!;
        const wrap = shadow.querySelector('.table-wrap')!;
        expect(document.documentElement.scrollWidth).to.be.at.most(window.innerWidth);
        expect(wrap.scrollWidth, 'the table fits its box').to.be.at.most(wrap.clientWidth);
        // The last column before the menus (Last usage, Two-factor authentication) is in view.
        const lastColumn = [...shadow.querySelectorAll('tbody tr[part="row"]')].map((row) =>
          row.querySelector('td:nth-last-child(2)')!,
        );
        for (const cell of lastColumn) {
          expect(inside(cell.getBoundingClientRect(), wrap.getBoundingClientRect())).to.equal(true);
          expect(cutCells(shadow)).to.deep.equal([]);
        }
        expect(rowMenuProblems(shadow)).to.deep.equal([]);
      });
    }
  }

  it('shows each row as a card on a phone: the ⋯ beside the email, the other columns labelled', async () => {
    await atWidth(375);
    const el = await render('users', 'de', adminAccess);
    const shadow = tableRoot(el, 'users')!;
    const table = shadow.querySelector('table')!;
    expect(table.getAttribute('role')).to.equal('table');
    const headers = [...table.querySelectorAll('thead th')].map((th) =>
      th.textContent!.replace(/[↑↓↕]/g, '').trim(),
    );
    expect(headers.slice(0, 3)).to.deep.equal(['ID', 'E-Mail', 'Name']);
    for (const row of shadow.querySelectorAll<HTMLElement>('tbody tr[part="row"]')) {
      expect(row.getAttribute('role')).to.equal('row');
      expect(getComputedStyle(row).display).to.equal('grid');
      const cells = [...row.querySelectorAll('td')];
      // Each cell is labelled with its column's header, in the widget's language.
      expect(cells.map((cell) => cell.dataset.label)).to.deep.equal(headers);
      expect(cells.every((cell) => cell.getAttribute('role') === 'cell')).to.equal(true);
      const lead = row.querySelector('td.lead')!.getBoundingClientRect();
      const menu = row.querySelector('um-row-menu');
      if (!menu) continue;
      const button = menu.shadowRoot!.querySelector('button')!.getBoundingClientRect();
      expect(button.left, 'the ⋯ is right of the email').to.be.at.least(lead.right);
      const middle = button.top + button.height / 2;
      expect(middle, 'the ⋯ is on the email’s line').to.be.within(lead.top, lead.bottom);
      expect(getComputedStyle(cells[0], '::before').content).to.include('ID');
    }
  });

  it('cuts a long value short where the table is wide, and shows it whole on hover and on focus', async () => {
    await atWidth(1280);
    const el = await render('api-tokens', 'en', tokensAccess, besideNavigation);
    const shadow = tableRoot(el, 'api-tokens')!;
    const cell = [...shadow.querySelectorAll<HTMLElement>('td.long[title]')].find((td) =>
      td.title.startsWith('Purges the CDN cache'),
    )!;
    expect(cell.scrollWidth, 'the description is cut').to.be.greaterThan(cell.clientWidth + 1);
    expect(cell.title).to.equal(cell.textContent!.trim());
    // Focus on the row's ⋯ (a keyboard user about to act on it) shows the row's values whole.
    const menu = cell.closest('tr')!.querySelector('um-row-menu')!;
    menu.shadowRoot!.querySelector('button')!.focus();
    expect(cell.scrollWidth, 'shown whole with focus in its row').to.be.at.most(
      cell.clientWidth + 1,
    );
    menu.shadowRoot!.querySelector('button')!.blur();
    expect(cell.scrollWidth).to.be.greaterThan(cell.clientWidth + 1);
    // So does keyboard focus on the table's scroll box (Shift+Tab from the first ⋯ lands there).
    shadow.querySelector('um-row-menu')!.shadowRoot!.querySelector('button')!.focus();
    await sendKeys({ press: 'Shift+Tab' });
    expect(deepActiveElement()).to.equal(shadow.querySelector('.table-wrap'));
    expect(cell.scrollWidth, 'shown whole with the scroll box focused').to.be.at.most(
      cell.clientWidth + 1,
    );
  });

  it('opens the row menu on a click without growing the row under the pointer', async () => {
    await atWidth(1280);
    const el = await render('api-tokens', 'en', tokensAccess, besideNavigation);
    const shadow = tableRoot(el, 'api-tokens')!;
    const cell = [...shadow.querySelectorAll<HTMLElement>('td.long[title]')].find((td) =>
      td.title.startsWith('Purges the CDN cache'),
    )!;
    const menu = cell.closest('tr')!.querySelector('um-row-menu')!;
    const button = menu.shadowRoot!.querySelector('button')!;
    const box = button.getBoundingClientRect();
    // A press that grew the row (the values shown whole on focus) would move the button away
    // before the release, and the click would land beside it.
    await sendMouse({
      type: 'click',
      position: [Math.round(box.x + box.width / 2), Math.round(box.y + box.height / 2)],
    });
    await waitUntil(() => button.getAttribute('aria-expanded') === 'true', 'the menu opens');
    expect(cell.scrollWidth, 'still cut').to.be.greaterThan(cell.clientWidth + 1);
    await sendKeys({ press: 'Escape' });
  });

  it('keeps the ⋯ column in place and shades its edge while more columns hide under it', async () => {
    await atWidth(768);
    const el = await render('api-tokens', 'ru', tokensAccess);
    const shadow = tableRoot(el, 'api-tokens')!;
    const wrap = shadow.querySelector<HTMLElement>('.table-wrap')!;
    expect(wrap.scrollWidth, 'the table scrolls sideways here').to.be.greaterThan(wrap.clientWidth);
    const actions = shadow.querySelector<HTMLElement>('tbody td.actions')!;
    const right = () => actions.getBoundingClientRect().right;
    const edge = wrap.getBoundingClientRect().right;
    expect(right()).to.be.closeTo(edge, 1);
    // The shade on the column's edge (a pseudo-element, faded in and out by the scroll).
    const casts = () => Number(getComputedStyle(actions, '::after').opacity) > 0.5;
    // It fades: on a loaded machine its first frames may not be there yet.
    await waitUntil(casts, 'the cue at the start');
    wrap.scrollLeft = wrap.scrollWidth;
    await nextFrames();
    expect(right(), 'still at the edge when scrolled').to.be.closeTo(edge, 1);
    await waitUntil(() => !casts(), 'no cue at the end');
    await atWidth(1280);
    expect(wrap.scrollWidth, 'the table fits at 1280 px').to.be.at.most(wrap.clientWidth);
    expect(casts(), 'no cue where nothing hides').to.equal(false);
  });

  it('shows the entries-per-page select whole on a phone, in every language', async () => {
    const widths: Record<string, number> = {};
    for (const lang of LANGS) {
      const el = await render('users', lang, adminAccess);
      const select = tableRoot(el, 'users')!.querySelector('.per-page select')!;
      for (const width of [1280, 320]) {
        await atWidth(width);
        widths[`${lang} ${width}`] = Math.round(select.getBoundingClientRect().width);
      }
      expect(widths[`${lang} 320`], JSON.stringify(widths)).to.equal(widths[`${lang} 1280`]);
    }
  });
});
