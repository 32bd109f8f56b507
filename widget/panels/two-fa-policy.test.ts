/// <reference types="mocha" />
import { expect, fixture, html, waitUntil } from '@open-wc/testing';
import '../user-management.ts';
import type { UserManagement } from '../user-management.ts';
import { t } from '../locales/index.ts';
import {
  accountPanel,
  countUsers,
  createAccount,
  fill,
  login,
  messagesTo,
  newMember,
  panel,
  root,
  select,
  summaryIs,
  switchAccount,
  type Member,
} from '../../test/widget/helpers.ts';
import { enableTwoFa, nextCode } from '../../test/widget/totp.ts';

/**
 * An account that requires two-factor authentication (docs/decisions/026), in the widget against
 * the real BFF: an account of this file's own, whose owner (its Administrator) has 2FA on, so the
 * requirement binds only the members the tests invite into it.
 */

let owner: Member;
let accountId: number;

async function setPolicy(require_2fa: boolean, grace_period_days: number) {
  const response = await fetch(`/bff/iam/clients/${accountId}/security`, {
    method: 'PUT',
    headers: { Authorization: `Bearer ${owner.access}`, 'Content-Type': 'application/json' },
    body: JSON.stringify({ require_2fa, grace_period_days }),
  });
  expect(response.status).to.equal(200);
}

async function policy(): Promise<{ require_2fa: boolean; grace_period_days: number }> {
  const response = await fetch(`/bff/iam/clients/${accountId}/security`, {
    headers: { Authorization: `Bearer ${owner.access}` },
  });
  return response.json();
}

async function render(access: string, panelName = 'users'): Promise<UserManagement> {
  return fixture<UserManagement>(
    html`<user-management api="/bff" panel=${panelName} .token=${access}></user-management>`,
  );
}

function gate(el: UserManagement): ShadowRoot {
  const host = root(el).querySelector('um-two-fa-gate');
  if (!host?.shadowRoot) throw new Error('no gate');
  return host.shadowRoot;
}

function securitySection(el: UserManagement): ShadowRoot | null {
  return accountPanel(el).querySelector('um-security-policy-section')?.shadowRoot ?? null;
}

/** Every wait here is on the BFF: a busy machine answers slower than `waitUntil`'s default. */
const until = (predicate: () => unknown, message: string) =>
  waitUntil(predicate, message, { timeout: 5000 });

// Elements are asserted as booleans: the runner hangs serializing an element in a failure.
const squash = (text: string | null | undefined) => (text ?? '').replace(/\s+/g, ' ').trim();

before(async () => {
  const admin = await login();
  const founder = await newMember(admin.access, 'policy-owner');
  accountId = (await createAccount(founder.access, `Policy ${Date.now()}`)).id;
  const pair = await switchAccount(founder.access, accountId);
  owner = { ...founder, ...pair };
  await enableTwoFa(owner.access);
});

describe('An account that requires two-factor authentication', () => {
  it('lets an Administrator require it with a grace period in the Account panel, and no one else see it', async () => {
    const el = await render(owner.access, 'account');
    await until(
      () => securitySection(el)?.querySelector('input[name="require_2fa"]'),
      'the setting did not load',
    );
    const section = securitySection(el)!;
    const checkbox = section.querySelector<HTMLInputElement>('input[name="require_2fa"]')!;
    expect(checkbox.checked).to.equal(false);
    checkbox.click();
    const grace = section.querySelector<HTMLInputElement>('#security-grace')!;
    fill(grace, '45');
    section.querySelector<HTMLButtonElement>('button[type="submit"]')!.click();
    await until(() => grace.getAttribute('aria-invalid') === 'true', 'no field error');
    expect(
      squash(
        section.getElementById(grace.getAttribute('aria-describedby')!.split(' ').pop()!)
          ?.textContent,
      ),
    ).to.equal(t('security.graceInvalid'));
    expect((await policy()).require_2fa).to.equal(false, 'nothing was sent');

    fill(grace, '7');
    section.querySelector<HTMLButtonElement>('button[type="submit"]')!.click();
    await until(
      () =>
        squash(section.querySelector('[data-notice="security"]')?.textContent) ===
        t('security.saved'),
      'not saved',
    );
    expect(await policy()).to.include({ require_2fa: true, grace_period_days: 7 });
    expect(squash(section.querySelector('[data-status="since"]')?.textContent)).to.contain(
      t('security.noncompliant', { count: 0 }),
    );

    const member = await newMember(owner.access, 'policy-reader');
    const other = await render(member.access, 'account');
    await until(() => accountPanel(other).querySelector('um-two-fa-section'), 'no panel');
    const hidden = accountPanel(other).querySelector('um-security-policy-section')!;
    expect(hidden.hidden).to.equal(true);
    expect(Boolean(hidden.shadowRoot!.querySelector('form'))).to.equal(false);
  });

  it('shows a member in the grace period a banner with the days left, and the setup from it', async () => {
    await setPolicy(true, 7);
    const member = await newMember(owner.access, 'policy-grace');
    const el = await render(member.access);
    await until(() => gate(el).querySelector('[part~="notice"]'), 'no banner');
    const company = (
      await (
        await fetch('/bff/iam/clients/me', {
          headers: { Authorization: `Bearer ${member.access}` },
        })
      ).json()
    ).companyName;
    expect(squash(gate(el).querySelector('[part~="notice"] p')?.textContent)).to.equal(
      t('twoFaPolicy.banner', { company, days: 7 }),
    );
    expect(Boolean(root(el).querySelector('um-users-panel')), 'the panel is served').to.equal(true);
    // A member who is no Administrator gets no reminder bar.
    await until(() => panel(el).querySelector('table'), 'no table');
    expect(panel(el).querySelector('um-two-fa-reminder')).to.equal(null);

    gate(el).querySelector<HTMLButtonElement>('[data-action="set-up-2fa"]')!.click();
    await until(() => gate(el).querySelector('um-two-fa-section'), 'no setup');
    expect(gate(el).activeElement?.id).to.equal('two-fa-gate-heading');
    gate(el).querySelector<HTMLButtonElement>('[data-action="later"]')!.click();
    await until(() => gate(el).querySelector('[data-action="set-up-2fa"]'), 'not back');
  });

  it('after the grace period leads straight into the setup, and shows the panel once 2FA is on', async () => {
    await setPolicy(true, 0);
    const member = await newMember(owner.access, 'policy-late');
    const el = await render(member.access);
    await until(() => gate(el).querySelector('um-two-fa-section'), 'no setup');
    expect(
      Boolean(root(el).querySelector('um-users-panel')),
      'no panel while 2FA is missing',
    ).to.equal(false);
    expect(squash(gate(el).querySelector('h2')?.textContent)).to.equal(t('twoFaPolicy.heading'));

    const section = () => gate(el).querySelector('um-two-fa-section')!.shadowRoot!;
    await until(() => section().querySelector('[data-action="enable"]'), 'no Enable');
    section().querySelector<HTMLButtonElement>('[data-action="enable"]')!.click();
    await until(() => section().querySelector('[part~="two-fa-key"]'), 'no key');
    const secret = section().querySelector('[part~="two-fa-key"]')!.getAttribute('data-key')!;
    fill(section().querySelector<HTMLInputElement>('#two-fa-code')!, await nextCode(secret));
    fill(section().querySelector<HTMLInputElement>('#two-fa-password')!, member.password);
    section().querySelector<HTMLButtonElement>('button[type="submit"]')!.click();
    // Turning 2FA on hashes five backup codes: slow on a busy machine.
    await waitUntil(() => gate(el).querySelector('[data-action="continue"]'), 'no Continue', {
      timeout: 10_000,
    });
    expect(section().querySelectorAll('[part="backup-codes"] li').length).to.equal(5);

    gate(el).querySelector<HTMLButtonElement>('[data-action="continue"]')!.click();
    await until(() => root(el).querySelector('um-users-panel'), 'the panel did not come');
    expect(
      Boolean(gate(el).querySelector('[part~="notice"]')),
      'no banner once 2FA is on',
    ).to.equal(false);
  });

  it('filters the members without 2FA, and lets an Administrator send them a reminder', async () => {
    await setPolicy(true, 3);
    const late = await newMember(owner.access, 'policy-remind');
    const missing = await countUsers(owner.access, 'two_fa_compliant=false');
    expect(missing).to.be.greaterThan(0);
    const el = await render(owner.access);
    // The bar is rendered once `me` says the account requires 2FA, and loads on first use.
    const bar = () => panel(el).querySelector('um-two-fa-reminder')?.shadowRoot;
    await until(() => bar()?.querySelector('[data-action="remind"]'), 'no reminder bar');
    expect(squash(bar()!.querySelector('p')?.textContent)).to.equal(
      t('users.reminder.count', { count: missing }),
    );

    bar()!.querySelector<HTMLButtonElement>('[data-action="show-noncompliant"]')!.click();
    await summaryIs(el, `Showing 1 - ${missing} of ${missing} entries`);
    expect(panel(el).querySelector<HTMLSelectElement>('select[name="two_fa"]')!.value).to.equal(
      'noncompliant',
    );
    select(panel(el).querySelector<HTMLSelectElement>('select[name="two_fa"]')!, '');

    bar()!.querySelector<HTMLButtonElement>('[data-action="remind"]')!.click();
    await until(
      () =>
        squash(bar()!.querySelector('[role="status"]')?.textContent) ===
        t('users.reminder.sent', { count: missing }),
      'no confirmation',
    );
    // The member's invitation is in the mailbox too, and the outbox sends the reminder after the
    // answer: wait for the reminder itself, not for the newest email.
    await waitUntil(
      async () =>
        (await messagesTo(late.email)).some((mail) =>
          /requires two-factor authentication$/.test(mail.subject),
        ),
      'no reminder email',
      { timeout: 8000, interval: 100 },
    );
  });
});
