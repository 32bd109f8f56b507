/// <reference types="mocha" />
import { expect, fixture, html, waitUntil } from '@open-wc/testing';
import { setViewport } from '@web/test-runner-commands';
import '../user-management.ts';
import type { UserManagement } from '../user-management.ts';
import { describeUserAgent } from './last-logins-section.ts';
import {
  accountPanel,
  describeElement,
  focused,
  login,
  newMember,
  requestsTo,
  select,
  typeInto,
  type Member,
  expectAccessible,
} from '../../test/widget/helpers.ts';
import { tryLogin } from '../../test/widget/totp.ts';

let adminAccess: string;

/** The machine is shared and slow: a request after a debounce can take more than a second. */
function wait(predicate: () => unknown, message: string) {
  return waitUntil(predicate, message, { timeout: 5000 });
}

function section(el: UserManagement): ShadowRoot | null {
  return accountPanel(el).querySelector('um-last-logins-section')?.shadowRoot ?? null;
}

function rows(el: UserManagement): string[][] {
  return [...section(el)!.querySelectorAll('tbody tr')].map((row) =>
    [...row.querySelectorAll('td')].map((cell) => cell.textContent!.replace(/\s+/g, ' ').trim()),
  );
}

function summary(el: UserManagement): string {
  return section(el)?.querySelector('[part="summary"]')?.textContent?.trim() ?? '';
}

function pageButton(el: UserManagement, name: 'previous' | 'next'): HTMLButtonElement {
  return section(el)!.querySelector<HTMLButtonElement>(`[data-page="${name}"]`)!;
}

async function render(member: Member, lang = 'en'): Promise<UserManagement> {
  const el = await fixture<UserManagement>(
    html`<user-management
      api="/bff"
      panel="account"
      lang=${lang}
      .token=${member.access}
    ></user-management>`,
  );
  await waitUntil(
    () => section(el)?.querySelector('tbody tr:is([part="row"], [part="empty"])'),
    'the last logins did not load',
  );
  return el;
}

describe('Last logins section', () => {
  before(async () => {
    adminAccess = (await login()).access;
  });

  it('lists successful and failed sign-ins, newest first, with a short browser name', async () => {
    const member = await newMember(adminAccess, 'logins');
    expect(await tryLogin({ username: member.email, password: 'not-the-password' })).to.deep.equal({
      status: 400,
      code: 'invalid_credentials',
    });
    const el = await render(member);
    const headers = [...section(el)!.querySelectorAll('th')].map((th) => th.textContent!.trim());
    expect(headers).to.deep.equal(['Date', 'IP', 'Browser', 'Result', 'Method']);
    expect(summary(el)).to.equal('Showing 1 - 2 of 2 entries');
    const [failed, succeeded] = rows(el);
    expect([failed[3], failed[4]]).to.deep.equal(['Failed: Wrong password', 'Password']);
    expect([succeeded[3], succeeded[4]]).to.deep.equal(['Success', 'Password']);
    const { browser, os } = describeUserAgent(navigator.userAgent);
    expect(succeeded[2]).to.equal(`${browser} on ${os}`);
    const browserCell = section(el)!.querySelectorAll('tbody tr')[1].querySelectorAll('td')[2];
    expect(browserCell.getAttribute('title')).to.equal(navigator.userAgent);
    expect(succeeded[1]).to.match(/^[\d.:a-f]+$/);
    const time = section(el)!.querySelector('tbody time')!;
    expect(Date.parse(time.getAttribute('datetime')!)).to.be.closeTo(Date.now(), 60_000);
    expect(pageButton(el, 'previous').disabled).to.equal(true);
    expect(pageButton(el, 'next').disabled).to.equal(true);
    await expectAccessible(el);
  });

  it('shows each sign-in as a card on a phone, with nothing to scroll sideways', async () => {
    const member = await newMember(adminAccess, 'logins-narrow');
    await setViewport({ width: 375, height: 800 });
    try {
      const el = await render(member);
      const wrap = section(el)!.querySelector<HTMLElement>('.table-wrap')!;
      expect(wrap.scrollWidth, 'the table fits its box').to.be.at.most(wrap.clientWidth);
      const row = section(el)!.querySelector('tbody tr[part="row"]')!;
      expect(getComputedStyle(row).display).to.equal('grid');
      // Still focusable: where a table is wider than its box, a keyboard scrolls it.
      expect(wrap.tabIndex).to.equal(0);
      await expect(el).to.be.accessible();
    } finally {
      await setViewport({ width: 800, height: 600 });
    }
  });

  it('pages through ten at a time', async () => {
    const member = await newMember(adminAccess, 'logins-pages');
    for (let i = 0; i < 11; i++) {
      await tryLogin({ username: member.email, password: member.password });
    }
    const el = await render(member);
    expect(summary(el)).to.equal('Showing 1 - 10 of 12 entries');
    expect(rows(el)).to.have.length(10);
    pageButton(el, 'next').focus();
    pageButton(el, 'next').click();
    await waitUntil(() => summary(el) === 'Showing 11 - 12 of 12 entries', 'no second page');
    expect(rows(el)).to.have.length(2);
    expect(pageButton(el, 'next').disabled).to.equal(true);
    // Next went disabled under focus: the pager keeps focus, on the current page's number.
    const current = section(el)!.querySelector<HTMLButtonElement>('[aria-current="page"]')!;
    expect(current.textContent!.trim()).to.equal('2');
    expect(focused()).to.equal(describeElement(current));
    pageButton(el, 'previous').click();
    await waitUntil(() => summary(el) === 'Showing 1 - 10 of 12 entries', 'not back');
  });

  it('says why each sign-in failed, in the interface language', async () => {
    const member = await newMember(adminAccess, 'logins-reasons');
    await tryLogin({ username: member.email, password: 'not-the-password' });
    const el = await render(member, 'de');
    expect(rows(el).map((row) => row[3])).to.deep.equal([
      'Fehlgeschlagen: Falsches Passwort',
      'Erfolgreich',
    ]);
  });

  it('filters by result and IP, and offers to clear filters that hide every sign-in', async () => {
    const member = await newMember(adminAccess, 'logins-filters');
    await tryLogin({ username: member.email, password: 'not-the-password' });
    await tryLogin({ username: member.email, password: 'not-it-either' });
    const el = await render(member);
    expect(summary(el)).to.equal('Showing 1 - 3 of 3 entries');
    const field = <T extends Element>(name: string) =>
      section(el)!.querySelector<T>(`[name="${name}"]`)!;
    expect(section(el)!.querySelector('[role="search"]')!.getAttribute('aria-label')).to.equal(
      'Filter sign-ins',
    );

    select(field<HTMLSelectElement>('success'), 'false');
    await wait(() => summary(el) === 'Showing 1 - 2 of 2 entries', 'not filtered by result');
    expect(rows(el).map((row) => row[3])).to.deep.equal([
      'Failed: Wrong password',
      'Failed: Wrong password',
    ]);
    expect(requestsTo('success=false').length).to.be.greaterThan(0);

    // Half an address is not asked: the field says why and the table stays.
    const asked = requestsTo('ip=').length;
    typeInto(field<HTMLInputElement>('ip'), '10.0');
    await wait(() => section(el)!.querySelector('#ip-error'), 'no IP error');
    expect(section(el)!.querySelector('#ip-error')!.textContent).to.equal(
      'Enter a full IPv4 or IPv6 address.',
    );
    expect(field<HTMLInputElement>('ip').getAttribute('aria-invalid')).to.equal('true');
    await new Promise((resolve) => setTimeout(resolve, 500));
    expect(requestsTo('ip=').length).to.equal(asked);
    expect(rows(el)).to.have.length(2);

    typeInto(field<HTMLInputElement>('ip'), '192.0.2.123');
    await wait(
      () => section(el)!.querySelector('[part="empty"]')?.textContent?.includes('match'),
      'not filtered by IP',
    );
    expect(requestsTo('ip=192.0.2.123').length).to.be.greaterThan(0);
    const empty = section(el)!.querySelector('[part="empty"]')!;
    expect(empty.querySelector('p')!.textContent).to.equal('No sign-ins match these filters');
    await expect(el).to.be.accessible();
    empty.querySelector('button')!.click();
    await wait(() => summary(el) === 'Showing 1 - 3 of 3 entries', 'filters not cleared');
    expect(field<HTMLInputElement>('ip').value).to.equal('');
    expect(field<HTMLSelectElement>('success').value).to.equal('');
  });

  it("filters by a date range of the user's own days, and refuses an end before the start", async () => {
    const member = await newMember(adminAccess, 'logins-dates');
    const el = await render(member);
    const field = (name: string) =>
      section(el)!.querySelector<HTMLInputElement>(`[name="${name}"]`)!;
    const day = (offset: number) => {
      const date = new Date();
      date.setDate(date.getDate() + offset);
      const pad = (n: number) => String(n).padStart(2, '0');
      return `${date.getFullYear()}-${pad(date.getMonth() + 1)}-${pad(date.getDate())}`;
    };
    const pick = (name: string, value: string) => {
      field(name).value = value;
      field(name).dispatchEvent(new Event('change'));
    };
    pick('from', day(1));
    await wait(() => section(el)!.querySelector('[part="empty"]'), 'tomorrow has sign-ins');
    const from = new Date();
    from.setHours(0, 0, 0, 0);
    from.setDate(from.getDate() + 1);
    expect(requestsTo(`from=${encodeURIComponent(from.toISOString())}`).length).to.be.greaterThan(
      0,
    );

    pick('to', day(0));
    await wait(() => section(el)!.querySelector('#range-error'), 'no range error');
    expect(field('to').getAttribute('aria-invalid')).to.equal('true');
    expect(requestsTo('to=').length).to.equal(0);

    pick('from', day(0));
    await wait(() => summary(el) === 'Showing 1 - 1 of 1 entries', 'today not shown');
    expect(section(el)!.querySelector('#range-error')).to.equal(null);
  });

  it('names common browsers from their user agents', () => {
    expect(
      describeUserAgent(
        'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/148.0.0.0 Safari/537.36',
      ),
    ).to.deep.equal({ browser: 'Chrome 148', os: 'Windows' });
    expect(
      describeUserAgent(
        'Mozilla/5.0 (Macintosh; Intel Mac OS X 14_5) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.5 Safari/605.1.15',
      ),
    ).to.deep.equal({ browser: 'Safari 17', os: 'macOS' });
    expect(
      describeUserAgent('Mozilla/5.0 (X11; Linux x86_64; rv:128.0) Gecko/20100101 Firefox/128.0'),
    ).to.deep.equal({ browser: 'Firefox 128', os: 'Linux' });
    expect(
      describeUserAgent(
        'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0.0.0 Safari/537.36 Edg/120.0.0.0',
      ),
    ).to.deep.equal({ browser: 'Edge 120', os: 'Windows' });
    expect(
      describeUserAgent(
        'Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.5 Mobile/15E148 Safari/604.1',
      ),
    ).to.deep.equal({ browser: 'Safari 17', os: 'iOS' });
    expect(describeUserAgent('')).to.deep.equal({ browser: undefined, os: undefined });
  });
});
