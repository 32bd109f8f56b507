/// <reference types="mocha" />
import { expect, fixture, html, waitUntil } from '@open-wc/testing';
import '../user-management.ts';
import './disable-2fa-view.ts';
import type { UserManagement } from '../user-management.ts';
import { ApiClient } from '../api/client.ts';
import type { UmDisable2faView } from './disable-2fa-view.ts';
import { groupKey } from './two-fa-section.ts';
import {
  accountPanel,
  describeElement,
  fill,
  focused,
  getUser,
  login,
  messagesTo,
  newMember,
  type Member,
  expectAccessible,
} from '../../test/widget/helpers.ts';
import { enableTwoFa, nextCode, tryLogin, wrongCode } from '../../test/widget/totp.ts';

let adminAccess: string;

async function render(member: Member): Promise<UserManagement> {
  const el = await fixture<UserManagement>(
    html`<user-management api="/bff" panel="account" .token=${member.access}></user-management>`,
  );
  await waitUntil(
    () => section(el)?.querySelector('[part="account-two-fa"] .actions button'),
    'the two-factor section did not load',
  );
  return el;
}

function section(el: UserManagement): ShadowRoot | null {
  return accountPanel(el).querySelector('um-two-fa-section')?.shadowRoot ?? null;
}

function text(el: UserManagement, selector: string): string {
  return section(el)!.querySelector(selector)?.textContent?.replace(/\s+/g, ' ').trim() ?? '';
}

function action(el: UserManagement, name: string): HTMLElement {
  const node = section(el)!.querySelector<HTMLElement>(`[data-action="${name}"]`);
  if (!node) throw new Error(`no ${name} action`);
  return node;
}

function submit(el: UserManagement) {
  section(el)!.querySelector<HTMLButtonElement>('button[type="submit"]')!.click();
}

function passwordInput(el: UserManagement): HTMLInputElement {
  return section(el)!.querySelector<HTMLInputElement>('#two-fa-password')!;
}

function codeInput(el: UserManagement): HTMLInputElement {
  return section(el)!.querySelector<HTMLInputElement>('#two-fa-code')!;
}

/** The error the code field points at through aria-describedby. */
function codeError(el: UserManagement): string {
  const input = codeInput(el);
  if (input?.getAttribute('aria-invalid') !== 'true') return '';
  const id = input.getAttribute('aria-describedby') ?? '';
  return section(el)!.getElementById(id)?.textContent?.trim() ?? '';
}

function backupCodes(el: UserManagement): string[] {
  return [...section(el)!.querySelectorAll('[part="backup-codes"] li')].map((li) =>
    li.textContent!.trim(),
  );
}

async function twoFaOf(member: Member): Promise<boolean> {
  const user = (await getUser(member.access, member.userId)) as unknown as { two_fa: boolean };
  return user.two_fa;
}

describe('Two-factor authentication section', () => {
  before(async () => {
    adminAccess = (await login()).access;
  });

  it('enables 2FA: QR code and grouped key, a wrong code refused, backup codes shown once', async () => {
    const member = await newMember(adminAccess, 'twofa-enable');
    const el = await render(member);
    expect(text(el, 'h3')).to.equal('Two-factor authentication Disabled');
    action(el, 'enable').click();
    await waitUntil(() => section(el)!.querySelector('[part="two-fa-qr"]'), 'no QR code');

    const qr = section(el)!.querySelector('[part="two-fa-qr"]')!;
    expect(qr.getAttribute('role')).to.equal('img');
    expect(qr.getAttribute('aria-label')).to.equal('QR code for setting up your authenticator app');
    expect(qr.querySelector('path')!.getAttribute('d')!.length).to.be.greaterThan(100);
    const key = section(el)!.querySelector<HTMLElement>('[part="two-fa-key"]')!;
    const secret = key.dataset.key!;
    expect(secret).to.match(/^[A-Z2-7]{16,}$/);
    expect(key.textContent!.trim()).to.equal(groupKey(secret));
    expect(key.textContent!.trim()).to.match(/^[A-Z2-7]{4}( [A-Z2-7]{1,4})+$/);
    expect(focused()).to.equal(describeElement(section(el)!.querySelector('h4')));

    // Not six digits: refused in the browser.
    fill(codeInput(el), '12a');
    submit(el);
    await waitUntil(() => codeError(el) !== '', 'no format error');
    expect(codeError(el)).to.equal('Enter the 6 digits your authenticator app shows.');

    // The password is asked too: without it, refused in the browser; a wrong one, by the server.
    fill(codeInput(el), await wrongCode(secret));
    submit(el);
    await waitUntil(
      () => passwordInput(el).getAttribute('aria-invalid') === 'true',
      'no password error',
    );
    fill(passwordInput(el), 'not my password');
    submit(el);
    await waitUntil(
      () =>
        section(el)!
          .querySelector('#two-fa-password-error')
          ?.textContent?.includes('not correct') ?? false,
      'no wrong-password error',
    );
    expect(await twoFaOf(member)).to.equal(false);

    fill(passwordInput(el), member.password);
    submit(el);
    await waitUntil(
      () => codeError(el) === 'The code is not correct. Enter the current code from your app.',
      'no error for a wrong code',
    );
    expect(focused()).to.equal(describeElement(codeInput(el)));
    expect(await twoFaOf(member)).to.equal(false);

    fill(codeInput(el), await nextCode(secret));
    submit(el);
    await waitUntil(() => backupCodes(el).length === 5, 'no backup codes');
    for (const code of backupCodes(el)) expect(code).to.match(/^[a-z0-9]{4}-[a-z0-9]{4}$/);
    expect(text(el, '[data-notice="two-fa"]')).to.equal('Two-factor authentication is on.');
    expect(text(el, 'h3')).to.equal('Two-factor authentication Enabled');
    const download = action(el, 'download-codes') as HTMLAnchorElement;
    expect(download.getAttribute('download')).to.equal('backup-codes.txt');
    expect(download.href).to.match(/^blob:/);
    const file = await (await fetch(download.href)).text();
    for (const code of backupCodes(el)) expect(file).to.contain(code);
    expect(file).to.contain(member.email);
    expect(await twoFaOf(member)).to.equal(true);

    action(el, 'done').click();
    await waitUntil(() => backupCodes(el).length === 0, 'the codes stayed');
    expect(focused()).to.equal(describeElement(action(el, 'regenerate')));
    expect(text(el, '.actions')).to.equal('Disable 2FA Generate backup codes');
  });

  it('generates new backup codes with a current code; the old ones stop working', async () => {
    const member = await newMember(adminAccess, 'twofa-regen');
    const { secret, codes: old } = await enableTwoFa(member.access);
    const el = await render(member);
    expect(text(el, 'h3')).to.equal('Two-factor authentication Enabled');
    action(el, 'regenerate').click();
    await waitUntil(() => codeInput(el), 'no code field');
    expect(text(el, 'h4')).to.equal('Generate backup codes');
    fill(codeInput(el), await nextCode(secret));
    submit(el);
    await waitUntil(() => backupCodes(el).length === 5, 'no new backup codes');
    const fresh = backupCodes(el);
    expect(fresh.filter((code) => old.includes(code))).to.deep.equal([]);

    const credentials = { username: member.email, password: member.password };
    expect(await tryLogin({ ...credentials, one_time_password: old[0] })).to.deep.equal({
      status: 400,
      code: 'invalid_one_time_password',
    });
    expect(await tryLogin({ ...credentials, one_time_password: fresh[0] })).to.deep.equal({
      status: 200,
      code: undefined,
    });
  });

  it('disables 2FA through the emailed link; the link works once and leaves the URL', async () => {
    const member = await newMember(adminAccess, 'twofa-disable');
    await enableTwoFa(member.access);
    const el = await render(member);
    action(el, 'disable').click();
    await waitUntil(() => section(el)!.querySelector('form[data-form="disable"]'), 'no confirm');
    expect(await twoFaOf(member)).to.equal(true);
    submit(el);
    await waitUntil(
      () =>
        text(el, '[data-notice="two-fa"]') === `We sent a confirmation link to ${member.email}.`,
      'no notice',
    );
    expect(focused()).to.equal(
      describeElement(section(el)!.querySelector('[data-notice="two-fa"]')),
    );
    expect(await twoFaOf(member), 'on until the link is opened').to.equal(true);

    const [mail] = await messagesTo(member.email);
    const link = mail.links.find((href) => href.includes('disable_2fa_token='))!;
    const token = new URL(link).searchParams.get('disable_2fa_token')!;
    const before = window.location.href;
    window.history.replaceState(null, '', `?disable_2fa_token=${token}&keep=1`);
    try {
      const client = new ApiClient({ baseUrl: '/bff' });
      const view = await fixture<UmDisable2faView>(
        html`<um-disable-2fa-view .client=${client} .token=${token}></um-disable-2fa-view>`,
      );
      await waitUntil(
        () => view.shadowRoot!.querySelector('h2[data-outcome="done"]'),
        'not confirmed',
      );
      expect(view.shadowRoot!.querySelector('h2')!.textContent!.trim()).to.equal(
        'Two-factor authentication is off',
      );
      expect(window.location.search).to.equal('?keep=1');
      expect(await twoFaOf(member)).to.equal(false);
      expect(await tryLogin({ username: member.email, password: member.password })).to.deep.equal({
        status: 200,
        code: undefined,
      });

      const again = await fixture<UmDisable2faView>(
        html`<um-disable-2fa-view .client=${client} .token=${token}></um-disable-2fa-view>`,
      );
      await waitUntil(
        () => again.shadowRoot!.querySelector('h2[data-outcome="invalid"]'),
        'a used link was not refused',
      );
      expect(again.shadowRoot!.querySelector('h2')!.textContent!.trim()).to.equal(
        'This link no longer works',
      );
      const done = new Promise<boolean>((resolve) =>
        again.addEventListener('um-disable-2fa-done', (event) => resolve(event.detail.disabled)),
      );
      [...again.shadowRoot!.querySelectorAll('button')].at(-1)!.click();
      expect(await done).to.equal(false);
    } finally {
      window.history.replaceState(null, '', before);
    }
  });

  it('passes axe while enabling (with an error) and showing backup codes', async () => {
    const member = await newMember(adminAccess, 'twofa-axe');
    const el = await render(member);
    await expectAccessible(el);
    action(el, 'enable').click();
    await waitUntil(() => codeInput(el), 'no code field');
    fill(codeInput(el), '1');
    submit(el);
    await waitUntil(() => codeError(el) !== '', 'no error');
    await expectAccessible(el);
    const secret = section(el)!.querySelector<HTMLElement>('[part="two-fa-key"]')!.dataset.key!;
    fill(codeInput(el), await nextCode(secret));
    fill(passwordInput(el), member.password);
    submit(el);
    await waitUntil(() => backupCodes(el).length === 5, 'no backup codes');
    await expectAccessible(el);
  });
});
