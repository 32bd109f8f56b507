/// <reference types="mocha" />
import { expect, fixture, html, waitUntil } from '@open-wc/testing';
import type { ActivityEntry, ActivityPage } from '../../shared/activity.ts';
import type { ClientMe } from '../../shared/clients.ts';
import { ROLE } from '../../shared/roles.ts';
import { select, typeInto, expectAccessible } from '../../test/widget/helpers.ts';
import { recordingClient } from '../../test/widget/stub-client.ts';
import type { ApiClient } from '../api/client.ts';
import { loadLanguage } from '../locales/index.ts';
import './activity-panel.ts';
import type { UmActivityPanel } from './activity-panel.ts';

const ADMIN_ME: ClientMe = {
  id: 7,
  client_id: 7,
  companyName: 'Acme Cloud',
  name: 'Acme Cloud',
  currentUser: 1,
  currentUserRole: { id: ROLE.administrators, name: 'Administrators' },
  currentUserLang: 'en',
  users: [{ id: 1, email: 'admin@acme.test', name: 'Ada Admin' }],
  clients: [{ id: 7, companyName: 'Acme Cloud' }],
};

const ROLE_CHANGE: ActivityEntry = {
  id: 31,
  date: '2026-12-01T09:30:00.000Z',
  action: 'user.role_changed',
  actor: { id: 1, name: 'Ada Admin', email: 'admin@acme.test' },
  via: 'api_token',
  token: { id: 5, name: 'CI deploy' },
  target: { type: 'user', id: '42', name: 'Jane Doe', email: 'jane@acme.test' },
  ip: '203.0.113.7',
  request_id: 'r-1',
  details: {},
};
const INVITE: ActivityEntry = {
  ...ROLE_CHANGE,
  id: 30,
  date: '2026-11-30T08:00:00.000Z',
  action: 'user.invited',
  via: 'session',
  token: null,
  ip: null,
};
const FUTURE: ActivityEntry = { ...INVITE, id: 29, action: 'widget.frobnicated', target: null };

const LINK = 'http://bff.test/iam/activity_log/actions';
/** A first page as the BFF answers it: a `next` link where more rows follow. */
const page = (results: ActivityEntry[], count = results.length): ActivityPage => ({
  count,
  next: count > results.length ? `${LINK}?offset=10&limit=10&cursor=after-0` : null,
  previous: null,
  results,
});

async function mount(methods: Partial<ApiClient> = {}, me: ClientMe = ADMIN_ME) {
  const { client, calls } = recordingClient({
    activity: async () => page([ROLE_CHANGE, INVITE, FUTURE], 23),
    ...methods,
  });
  const el = await fixture<UmActivityPanel>(
    html`<um-activity-panel .client=${client} .me=${me}></um-activity-panel>`,
  );
  await settled(el);
  return { el, calls };
}

async function settled(el: UmActivityPanel) {
  await waitUntil(
    () => el.shadowRoot!.querySelector('tbody tr:is([part="row"], [part="empty"])'),
    'the activity did not load',
  );
}

function rows(el: UmActivityPanel): string[][] {
  return [...el.shadowRoot!.querySelectorAll('tbody tr')].map((row) =>
    [...row.querySelectorAll('td')].map((cell) => cell.textContent!.replace(/\s+/g, ' ').trim()),
  );
}

function field<T extends Element = HTMLInputElement>(el: UmActivityPanel, selector: string): T {
  return el.shadowRoot!.querySelector<T>(selector)!;
}

/** The query of the last `activity` call. */
function lastQuery(calls: unknown[][]): Record<string, unknown> {
  const last = calls.filter(([method]) => method === 'activity').at(-1);
  return last![1] as Record<string, unknown>;
}

describe('um-activity-panel', () => {
  it('shows who did what to whom, when, from where and how, newest first, and is accessible', async () => {
    const { el, calls } = await mount();
    expect(lastQuery(calls)).to.include({ limit: 10, offset: 0 });
    const headers = [...el.shadowRoot!.querySelectorAll('th')].map((th) => th.textContent!.trim());
    expect(headers).to.deep.equal(['Date', 'Actor', 'Action', 'Target', 'IP', 'Through']);
    const [changed, invited, unknown] = rows(el);
    expect(changed!.slice(1)).to.deep.equal([
      'Ada Admin',
      'Changed a role',
      'Jane Doe',
      '203.0.113.7',
      'API token CI deploy',
    ]);
    expect(invited!.slice(1)).to.deep.equal([
      'Ada Admin',
      'Invited a user',
      'Jane Doe',
      '—',
      'Session',
    ]);
    // An action this widget does not know yet is shown as the log names it.
    expect(unknown![2]).to.equal('widget.frobnicated');
    expect(field(el, 'tbody time').getAttribute('datetime')).to.equal(ROLE_CHANGE.date);
    expect(field(el, '[part="summary"]').textContent!.trim()).to.equal(
      'Showing 1 - 3 of 23 entries',
    );
    await expectAccessible(el);
  });

  it('speaks German, action names included', async () => {
    await loadLanguage('de');
    const { el } = await mount();
    el.lang = 'de'; // not a reactive property: ask for the render
    el.requestUpdate();
    await waitUntil(() => rows(el)[0]?.[2] === 'Rolle geändert', 'no German action name');
    expect(rows(el)[0]![5]).to.equal('API-Token CI deploy');
  });

  it('turns pages by the answer\'s keyset links, and says "more than 1000" past the count\'s bound', async () => {
    // The BFF's answers: 1,001 means more than 1,000 (decision 038); each page links both ways.
    const { el, calls } = await mount({
      activity: async (query) => {
        const offset = Number(query.offset ?? 0);
        return {
          count: 1001,
          next: `${LINK}?offset=${offset + 10}&limit=10&cursor=after-${offset}`,
          previous:
            offset > 0 ? `${LINK}?offset=${offset - 10}&limit=10&cursor=before-${offset}` : null,
          results: [ROLE_CHANGE, INVITE, FUTURE],
        };
      },
    });
    const summary = () => field(el, '[part="summary"]').textContent!.trim();
    expect(summary()).to.equal('Showing 1 - 3 of more than 1000 entries');
    const next = () => field<HTMLButtonElement>(el, '[data-page="next"]');
    next().click();
    await waitUntil(() => lastQuery(calls).offset === 10, 'page 2 was not asked for');
    expect(lastQuery(calls)).to.include({ offset: 10, cursor: 'after-0' });
    await waitUntil(() => summary() === 'Showing 11 - 13 of more than 1000 entries');
    next().click();
    await waitUntil(() => lastQuery(calls).offset === 20, 'page 3 was not asked for');
    expect(lastQuery(calls)).to.include({ cursor: 'after-10' });
    await waitUntil(() => !el.shadowRoot!.querySelector('table[aria-busy="true"]'));
    field<HTMLButtonElement>(el, '[data-page="previous"]').click();
    await waitUntil(() => lastQuery(calls).offset === 10, 'page 2 was not asked for again');
    expect(lastQuery(calls)).to.include({ cursor: 'before-20' });
    // A filter starts again from page 1, by offset.
    await waitUntil(() => !el.shadowRoot!.querySelector('table[aria-busy="true"]'));
    select(field<HTMLSelectElement>(el, 'select[name="action"]'), 'user.invited');
    await waitUntil(() => (lastQuery(calls).action as string[])?.[0] === 'user.invited');
    expect(lastQuery(calls)).to.include({ offset: 0, cursor: undefined });
  });

  it('shows the last page past the bound, with its exact total, and stays there', async () => {
    // 1,005 matches: the BFF says 1,001; the page at offset 1000 is the last (no `next`).
    const { el, calls } = await mount({
      activity: async (query) => {
        const offset = Number(query.offset ?? 0);
        const last = offset >= 1000;
        return {
          count: 1001,
          next: last ? null : `${LINK}?offset=${offset + 10}&limit=10&cursor=after-${offset}`,
          previous: offset > 0 ? `${LINK}?offset=${offset - 10}&limit=10&cursor=b-${offset}` : null,
          results: last ? [ROLE_CHANGE, INVITE] : [ROLE_CHANGE, INVITE, FUTURE],
        };
      },
    });
    const summary = () => field(el, '[part="summary"]').textContent!.trim();
    field<HTMLButtonElement>(el, '[data-page="100"]').click();
    await waitUntil(() => summary() === 'Showing 991 - 993 of more than 1000 entries');
    field<HTMLButtonElement>(el, '[data-page="next"]').click();
    await waitUntil(() => summary() === 'Showing 1001 - 1002 of 1002 entries', summary());
    const asked = calls.length;
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(calls.length, 'it went back a page').to.equal(asked);
    expect(lastQuery(calls)).to.include({ offset: 1000, cursor: 'after-990' });
  });

  it('asks the BFF with each filter, from page 1', async () => {
    const { el, calls } = await mount();
    field<HTMLButtonElement>(el, '[data-page="2"]').click();
    await waitUntil(() => lastQuery(calls).offset === 10, 'page 2 was not asked for');

    select(field<HTMLSelectElement>(el, 'select[name="action"]'), 'user.invited');
    await waitUntil(() => (lastQuery(calls).action as string[])?.[0] === 'user.invited');
    expect(lastQuery(calls).offset).to.equal(0);

    typeInto(field(el, 'input[name="actor"]'), ' ada ');
    typeInto(field(el, 'input[name="target"]'), 'jane@');
    await waitUntil(() => lastQuery(calls).target === 'jane@', 'the text filters were not sent');
    expect(lastQuery(calls).actor).to.equal('ada');

    const from = field(el, 'input[name="from"]');
    from.value = '2026-12-01';
    from.dispatchEvent(new Event('change'));
    const to = field(el, 'input[name="to"]');
    to.value = '2026-12-02';
    to.dispatchEvent(new Event('change'));
    await waitUntil(() => lastQuery(calls).date_to !== undefined, 'the range was not sent');
    // The viewer's own days: from their midnight to the midnight after the last day.
    expect(lastQuery(calls).date_from).to.equal(new Date(2026, 11, 1).toISOString());
    expect(lastQuery(calls).date_to).to.equal(new Date(2026, 11, 3).toISOString());
  });

  it('holds back a reversed date range, saying why, until it is put right', async () => {
    const { el, calls } = await mount();
    const from = field(el, 'input[name="from"]');
    from.value = '2026-12-05';
    from.dispatchEvent(new Event('change'));
    await waitUntil(() => lastQuery(calls).date_from !== undefined);
    const asked = calls.length;
    const to = field(el, 'input[name="to"]');
    to.value = '2026-12-01';
    to.dispatchEvent(new Event('change'));
    await el.updateComplete;
    expect(to.getAttribute('aria-invalid')).to.equal('true');
    expect(field(el, '#range-error').textContent!.trim()).to.equal(
      'Choose a date on or after From.',
    );
    expect(field<HTMLButtonElement>(el, '[data-action="export"]').disabled).to.equal(true);
    expect(calls.length).to.equal(asked);
    to.value = '2026-12-06';
    to.dispatchEvent(new Event('change'));
    await waitUntil(() => calls.length > asked, 'the corrected range was not sent');
    expect(to.getAttribute('aria-invalid')).to.equal('false');
  });

  it("downloads the BFF's CSV of the filtered rows through a Blob URL", async () => {
    const csv = new Blob(['\uFEFFdate,action\r\n'], { type: 'text/csv' });
    const { el, calls } = await mount({ activityCsv: async () => csv });
    select(field<HTMLSelectElement>(el, 'select[name="action"]'), 'user.invited');
    await waitUntil(() => (lastQuery(calls).action as string[])?.[0] === 'user.invited');

    const downloads: { href: string; download: string }[] = [];
    const created: Blob[] = [];
    const realCreate = URL.createObjectURL;
    URL.createObjectURL = (blob: Blob) => {
      created.push(blob);
      return realCreate.call(URL, blob);
    };
    el.shadowRoot!.addEventListener(
      'click',
      (event) => {
        const link = event.target as HTMLAnchorElement;
        if (link.tagName !== 'A') return;
        event.preventDefault(); // no real download in the test browser
        downloads.push({ href: link.href, download: link.download });
      },
      { capture: true },
    );
    try {
      field<HTMLButtonElement>(el, '[data-action="export"]').click();
      await waitUntil(() => downloads.length === 1, 'nothing was downloaded');
    } finally {
      URL.createObjectURL = realCreate;
    }
    const exported = calls.find(([method]) => method === 'activityCsv')!;
    expect(exported[1]).to.include({ offset: 0 });
    expect((exported[1] as { action: string[] }).action).to.deep.equal(['user.invited']);
    expect(created).to.deep.equal([csv]);
    expect(downloads[0]!.href).to.match(/^blob:/);
    expect(downloads[0]!.download).to.match(/^activity-\d{4}-\d{2}-\d{2}\.csv$/);
    await waitUntil(
      () => field(el, '[part="status"]').textContent === 'The CSV file was downloaded.',
    );
  });

  it('tells a member who is not an Administrator, and asks nothing', async () => {
    const member = { ...ADMIN_ME, currentUserRole: { id: ROLE.users, name: 'Users' } };
    const { client, calls } = recordingClient({ activity: async () => page([]) });
    const el = await fixture<UmActivityPanel>(
      html`<um-activity-panel .client=${client} .me=${member}></um-activity-panel>`,
    );
    await el.updateComplete;
    expect(field(el, '.notice').textContent!.trim()).to.equal(
      'Only Administrators of this account see its activity.',
    );
    expect(el.shadowRoot!.querySelector('table')).to.equal(null);
    expect(calls).to.deep.equal([]);
  });

  it("is one member's History with `userId`: their rows only, no actor or target field", async () => {
    const { client, calls } = recordingClient({ activity: async () => page([INVITE]) });
    const el = await fixture<UmActivityPanel>(
      html`<um-activity-panel
        .client=${client}
        .me=${ADMIN_ME}
        .userId=${42}
        .userLabel=${'Jane Doe'}
      ></um-activity-panel>`,
    );
    await settled(el);
    expect(lastQuery(calls).user_id).to.equal(42);
    expect(field(el, 'h3').textContent!.trim()).to.equal(
      'What Jane Doe did and what was done to them in this account',
    );
    expect(el.shadowRoot!.querySelector('input[name="actor"]')).to.equal(null);
    expect(el.shadowRoot!.querySelector('input[name="target"]')).to.equal(null);
    await expectAccessible(el);
  });
});
