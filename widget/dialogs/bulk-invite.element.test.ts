/// <reference types="mocha" />
import { expect, fixture, html, oneEvent, waitUntil } from '@open-wc/testing';
import type { InviteRowResult, InviteUsersBody } from '../../shared/invitations.ts';
import { ROLE } from '../../shared/roles.ts';
import { fill, select, expectAccessible } from '../../test/widget/helpers.ts';
import { PROJECTS, stubClient } from '../../test/widget/stub-client.ts';
import { ApiError } from '../api/client.ts';
import type { UmUsersInvitedEvent } from '../events.ts';
import './bulk-invite.ts';
import type { UmBulkInvite } from './bulk-invite.ts';

const CLIENT_ID = 7;

/**
 * A BFF in miniature for the list: `member@…` is already a member, `over@…` over the day's
 * allowance, a repeated email a duplicate; everyone else is valid (dry run) or invited.
 */
function fakeInviteUsers(body: InviteUsersBody): { results: InviteRowResult[] } {
  const seen = new Set<string>();
  return {
    results: body.users.map((row, index) => {
      const email = row.email.trim().toLowerCase();
      const status = seen.has(email)
        ? 'duplicate'
        : email.startsWith('refused@')
          ? 'refused'
          : email.startsWith('member@')
            ? 'already_member'
            : email.startsWith('over@')
              ? 'over_allowance'
              : body.dry_run
                ? 'valid'
                : 'invited';
      seen.add(email);
      return {
        index,
        email,
        status,
        ...(status === 'invited' || status === 'already_member' ? { user_id: 100 + index } : {}),
        ...(status === 'refused' ? { code: 'forbidden', message: 'No.' } : {}),
      };
    }),
  };
}

type Answer = (body: InviteUsersBody) => Promise<{ results: InviteRowResult[] }>;

async function mount(answer: Answer = async (body) => fakeInviteUsers(body)) {
  const requests: InviteUsersBody[] = [];
  const resent: [number, number][] = [];
  const client = stubClient({
    projects: async () => PROJECTS,
    inviteUsers: async (body) => {
      requests.push(body);
      return answer(body);
    },
    resendInvite: async (clientId, userId) => {
      resent.push([clientId, userId]);
      return { status: 'sent' };
    },
  });
  const el = await fixture<UmBulkInvite>(
    html`<um-bulk-invite .client=${client} .clientId=${CLIENT_ID}></um-bulk-invite>`,
  );
  return { el, requests, resent };
}

const $ = <T extends Element = HTMLInputElement>(el: UmBulkInvite, selector: string) =>
  el.shadowRoot!.querySelector<T>(selector)!;
const press = (el: UmBulkInvite, action: string) =>
  $<HTMLButtonElement>(el, `button[data-action="${action}"]`).click();
const statuses = (el: UmBulkInvite) =>
  [...el.shadowRoot!.querySelectorAll('tbody tr')].map((tr) => tr.getAttribute('data-status'));
const statusTexts = (el: UmBulkInvite) =>
  [...el.shadowRoot!.querySelectorAll('td.status')].map((td) => td.textContent!.trim());
const settled = (el: UmBulkInvite) =>
  waitUntil(() => !statuses(el).includes('checking'), 'the preview did not settle', {
    timeout: 3000,
  });

async function previewOf(el: UmBulkInvite, text: string) {
  fill($(el, '#bulk-addresses') as unknown as HTMLInputElement, text);
  press(el, 'preview');
  await waitUntil(() => statuses(el).length > 0, 'no preview');
  await settled(el);
}

describe('um-bulk-invite', () => {
  it('previews each pasted row: ready, invalid (why), duplicate, already a member, over the allowance', async () => {
    const { el, requests } = await mount();
    await previewOf(
      el,
      'Ann <ann@x.test>, not-an-email; member@x.test\nann@x.test\nover@x.test\nbob@x.test',
    );
    expect(statuses(el)).to.deep.equal([
      'valid',
      'invalid',
      'already_member',
      'duplicate',
      'over_allowance',
      'valid',
    ]);
    expect(statusTexts(el)[1]).to.equal(
      'Invalid: Email: Enter an email address such as jane@example.com.',
    );
    expect(statusTexts(el).slice(2, 5)).to.deep.equal([
      'Already a member',
      'Duplicate in the list',
      'Over the day’s allowance',
    ]);
    expect(requests).to.have.length(1);
    expect(requests[0].dry_run).to.equal(true);
    expect(requests[0].client_id).to.equal(CLIENT_ID);
    expect(requests[0].users.map((u) => u.email)).to.deep.equal([
      'ann@x.test',
      'member@x.test',
      'ann@x.test',
      'over@x.test',
      'bob@x.test',
    ]);
    expect(requests[0].users[0]).to.deep.include({
      name: 'Ann',
      lang: 'en',
      user_role: { id: ROLE.users },
    });
    expect($(el, '.summary').textContent!.trim()).to.equal('2 of 6 ready to invite');
    expect($(el, '[data-action="send"]').textContent!.trim()).to.equal('Send invitations (2)');
    await expectAccessible(el);
  });

  it('lets the administrator fix a row inline and drop another, checking the list again', async () => {
    const { el, requests } = await mount();
    await previewOf(el, 'typo@x, member@x.test, carl@x.test');
    expect(statuses(el)).to.deep.equal(['invalid', 'already_member', 'valid']);
    const email = $(el, 'input[aria-label="Email of row 1"]');
    expect(email.getAttribute('aria-invalid')).to.equal('true');
    fill(email, 'dora@x.test');
    await waitUntil(() => requests.length === 2, 'no new check after the edit');
    await settled(el);
    expect(statuses(el)).to.deep.equal(['valid', 'already_member', 'valid']);

    $<HTMLButtonElement>(el, 'button[aria-label="Drop row 2"]').click();
    await waitUntil(() => requests.length === 3, 'no new check after the drop');
    await settled(el);
    expect(statuses(el)).to.deep.equal(['valid', 'valid']);
    expect(requests[2].users.map((u) => u.email)).to.deep.equal(['dora@x.test', 'carl@x.test']);

    select(
      $<HTMLSelectElement>(el, 'select[aria-label="IAM role of row 2"]'),
      String(ROLE.engineers),
    );
    await waitUntil(() => requests.length === 4, 'no new check after the role changed');
    expect(requests[3].users[1].user_role).to.deep.equal({ id: ROLE.engineers });
  });

  it("sends, shows each row's result, fires um-users-invited once, and resends on request", async () => {
    const { el, requests, resent } = await mount();
    await previewOf(el, 'eve@x.test, member@x.test, bad, fay@x.test, refused@x.test');
    const invited = oneEvent(el, 'um-users-invited') as Promise<UmUsersInvitedEvent>;
    press(el, 'send');
    const event = await invited;
    expect(event.detail.invited).to.deep.equal([
      { userId: 100, email: 'eve@x.test' },
      { userId: 102, email: 'fay@x.test' },
    ]);
    expect(requests.at(-1)!.dry_run).to.equal(undefined);
    expect(requests.at(-1)!.users.map((u) => u.email)).to.deep.equal([
      'eve@x.test',
      'member@x.test',
      'fay@x.test',
      'refused@x.test',
    ]);
    await el.updateComplete;
    expect(statuses(el)).to.deep.equal([
      'invited',
      'already_member',
      'invalid',
      'invited',
      'refused',
    ]);
    expect(statusTexts(el)[4]).to.equal('Refused: You do not have permission to do this.');
    expect($(el, '.summary').textContent!.trim()).to.equal('Invited: 2 of 5');
    const resend = [
      ...el.shadowRoot!.querySelectorAll<HTMLButtonElement>('[data-action="resend"]'),
    ];
    expect(resend.map((b) => b.getAttribute('aria-label'))).to.deep.equal([
      'Resend the invitation to eve@x.test',
      'Resend the invitation to fay@x.test',
    ]);
    resend[1].click();
    await waitUntil(() => el.shadowRoot!.querySelector('.resent'), 'no "Sent again"');
    expect(resent).to.deep.equal([[CLIENT_ID, 102]]);
    expect(el.shadowRoot!.querySelector('tr[data-row="3"] .resent')!.textContent).to.equal(
      'Sent again',
    );
    await expectAccessible(el);

    press(el, 'again');
    await waitUntil(() => $(el, '#bulk-addresses'), 'not back at the start');
    expect(($(el, '#bulk-addresses') as unknown as HTMLTextAreaElement).value).to.equal('');
  });

  it('reads a CSV file with a role and language per row, the form giving the rest', async () => {
    const { el, requests } = await mount();
    const csv =
      'email,name,role,lang\ngus@x.test,Gus,Engineers,de\nhal@x.test,,,\nivy@x.test,,Wizard,\n';
    const input = $(el, '#bulk-file');
    const files = new DataTransfer();
    files.items.add(new File([csv], 'people.csv', { type: 'text/csv' }));
    input.files = files.files;
    input.dispatchEvent(new Event('change'));
    await waitUntil(
      () => $(el, '#bulk-file-hint').textContent!.includes('Rows in people.csv: 3'),
      'file not read',
    );
    const lang = el.shadowRoot!.querySelector<HTMLInputElement>('input[name="lang"][value="ru"]')!;
    lang.click();
    press(el, 'preview');
    await waitUntil(() => statuses(el).length === 3);
    await settled(el);
    expect(statuses(el)).to.deep.equal(['valid', 'valid', 'invalid']);
    expect(statusTexts(el)[2]).to.equal('Invalid: IAM role: Unknown IAM role');
    expect(requests[0].users).to.deep.equal([
      {
        email: 'gus@x.test',
        name: 'Gus',
        user_role: { id: ROLE.engineers },
        lang: 'de',
        cloud: { client_role: null, projects: [] },
      },
      {
        email: 'hal@x.test',
        user_role: { id: ROLE.users },
        lang: 'ru',
        cloud: { client_role: null, projects: [] },
      },
    ]);
  });

  it('says when the list is longer than one batch, and checks it once a row is dropped', async () => {
    const { el, requests } = await mount();
    await previewOf(el, Array.from({ length: 101 }, (_, i) => `p${i}@x.test`).join('\n'));
    expect($(el, '[role="alert"]').textContent!.trim()).to.equal(
      'At most 100 people at a time: 1 too many.',
    );
    expect($<HTMLButtonElement>(el, '[data-action="send"]').disabled).to.equal(true);
    expect(requests).to.have.length(0);
    $<HTMLButtonElement>(el, 'button[aria-label="Drop row 101"]').click();
    await waitUntil(() => requests.length === 1, 'no check after the drop');
    await settled(el);
    expect(requests[0].users).to.have.length(100);
    expect($(el, '[role="alert"]').textContent!.trim()).to.equal('');
  });

  it('keeps the list when the check fails, says why, and checks again on request', async () => {
    let down = true;
    const { el } = await mount(async (body) => {
      if (down) throw new ApiError(503, 'service_unavailable', 'Down.', {}, 5);
      return fakeInviteUsers(body);
    });
    await previewOf(el, 'kim@x.test');
    expect(statuses(el)).to.deep.equal(['unchecked']);
    expect($(el, '[role="alert"]').textContent!.trim()).to.not.equal('');
    expect($<HTMLButtonElement>(el, '[data-action="send"]').disabled).to.equal(true);
    down = false;
    [...el.shadowRoot!.querySelectorAll('button')]
      .find((b) => b.textContent!.trim() === 'Check again')!
      .click();
    await waitUntil(() => statuses(el)[0] === 'valid', 'not checked again');
    expect($(el, '[role="alert"]').textContent!.trim()).to.equal('');
  });

  it('shows the answer to the newest check only, however late an older one comes', async () => {
    let release!: () => void;
    const held = new Promise<void>((resolve) => (release = resolve));
    const { el, requests } = await mount(async (body) => {
      if (requests.length > 1) return fakeInviteUsers(body);
      await held; // the first check answers last, and says something else
      return {
        results: body.users.map((_, index) => ({
          index,
          email: null,
          status: 'over_allowance' as const,
        })),
      };
    });
    fill($(el, '#bulk-addresses') as unknown as HTMLInputElement, 'lee@x.test');
    press(el, 'preview');
    await waitUntil(() => requests.length === 1, 'no first check');
    fill($(el, 'input[aria-label="Email of row 1"]'), 'lea@x.test');
    await waitUntil(() => requests.length === 2, 'no second check');
    await settled(el);
    expect(statuses(el)).to.deep.equal(['valid']);
    release();
    await held;
    await new Promise((resolve) => setTimeout(resolve, 0));
    await el.updateComplete;
    expect(statuses(el)).to.deep.equal(['valid']);
  });

  it('asks for something to invite before the preview', async () => {
    const { el, requests } = await mount();
    press(el, 'preview');
    await el.updateComplete;
    expect($(el, '[role="alert"]').textContent!.trim()).to.equal(
      'Paste at least one email address or choose a CSV file.',
    );
    expect(requests).to.have.length(0);
  });
});
