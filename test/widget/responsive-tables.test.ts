/// <reference types="mocha" />
import { expect, fixture, html, waitUntil } from '@open-wc/testing';
import { setViewport } from '@web/test-runner-commands';
import '../../widget/user-management.ts';
import type { UserManagement } from '../../widget/user-management.ts';
import { loadLanguage, t, type MessageKey } from '../../widget/locales/index.ts';
import { accountPanel, login, root } from './helpers.ts';
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

async function render(name: PanelName, lang: string, access: string): Promise<UserManagement> {
  await loadLanguage(lang);
  const el = await fixture<UserManagement>(
    html`<user-management
      api="/bff"
      panel=${name}
      lang=${lang}
      .token=${access}
    ></user-management>`,
  );
  const heading = t(PANELS.find((p) => p.name === name)!.heading, undefined, lang);
  await waitUntil(
    () => {
      const shadow = tableRoot(el, name);
      const shown = shadow?.querySelector('h2, h3')?.textContent?.trim();
      return shown === heading && settledTable(shadow);
    },
    `the ${name} table did not load in ${lang}`,
    { timeout: 8000 },
  );
  return el;
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
  // Two frames: the layout at the new size, then anything that follows from it.
  await new Promise((resolve) => requestAnimationFrame(() => requestAnimationFrame(resolve)));
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
        const el = await render(name, lang, name === 'api-tokens' ? tokensAccess : adminAccess);
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
});
