/// <reference types="mocha" />
import { expect, fixture, html, oneEvent, waitUntil } from '@open-wc/testing';
import '../user-management.ts';
import type { UserManagement } from '../user-management.ts';
import type { UmAccountSwitchedEvent } from '../events.ts';
import { ApiClient } from '../api/client.ts';
import type { UmConfirmEmailView } from './confirm-email-view.ts';
import {
  accountPanel,
  createAccount,
  describeElement,
  fill,
  focused,
  getUser,
  invite,
  login,
  me,
  messagesTo,
  newMember,
  panel,
  requestsTo,
  root,
  rows,
  select,
  sessionKey,
  setOutage,
  settled,
  signInForm,
  uniqueEmail,
  type Member,
  expectAccessible,
} from '../../test/widget/helpers.ts';

let adminAccess: string;

/** In English whatever the member's language (following it is widget/locales/languages.test.ts's). */
async function render(member: Member): Promise<UserManagement> {
  const el = await fixture<UserManagement>(
    html`<user-management
      api="/bff"
      panel="account"
      lang="en"
      .token=${member.access}
    ></user-management>`,
  );
  await waitUntil(
    () =>
      accountPanel(el).querySelector<HTMLInputElement>('#general-email')?.value === member.email,
    'the account panel did not load',
  );
  return el;
}

function input(el: UserManagement, id: string): HTMLInputElement & HTMLSelectElement {
  return accountPanel(el).querySelector<HTMLInputElement & HTMLSelectElement>(`#${id}`)!;
}

function button(el: UserManagement, form: 'general' | 'password', text: string) {
  return [
    ...accountPanel(el).querySelectorAll<HTMLButtonElement>(`[part="account-${form}"] button`),
  ].find((b) => b.textContent!.trim() === text)!;
}

/** The text of the error a field points at through aria-describedby. */
function errorOf(el: UserManagement, id: string): string {
  const control = input(el, id);
  if (control.getAttribute('aria-invalid') !== 'true') return '';
  return (control.getAttribute('aria-describedby') ?? '')
    .split(' ')
    .map((ref) => accountPanel(el).getElementById(ref))
    .filter((node) => node?.classList.contains('field-error'))
    .map((node) => node!.textContent!.trim())
    .join(' ');
}

function notice(el: UserManagement, form: 'general' | 'password'): string {
  return accountPanel(el).querySelector(`[data-notice="${form}"]`)!.textContent!.trim();
}

/** Asks for a change of email in the panel; resolves when the notice says the link went out. */
async function requestEmailChange(member: Member, newEmail: string): Promise<UserManagement> {
  const el = await render(member);
  fill(input(el, 'general-email'), newEmail);
  await waitUntil(() => input(el, 'general-password'), 'no current password field');
  fill(input(el, 'general-password'), member.password);
  button(el, 'general', 'Save').click();
  await waitUntil(
    () =>
      notice(el, 'general') ===
      `We sent a confirmation link to ${newEmail}. Your email changes when you open it.`,
    'no notice that the link was sent',
  );
  return el;
}

/** The token of the confirmation link in the newest email to `email`. */
async function confirmEmailToken(email: string): Promise<string> {
  const [mail] = await messagesTo(email);
  const link = mail.links.find((href) => href.includes('confirm_email_token='));
  if (!link) throw new Error(`no confirmation link in "${mail.text}"`);
  return new URL(link).searchParams.get('confirm_email_token')!;
}

function confirmView(el: UserManagement): ShadowRoot | null {
  return root(el).querySelector('um-confirm-email-view')?.shadowRoot ?? null;
}

function outcomeOf(view: ShadowRoot | null | undefined): string {
  return view?.querySelector('h2')?.dataset.outcome ?? '';
}

async function loginStatus(username: string, password: string): Promise<number> {
  const response = await fetch('/bff/iam/auth/jwt/login', {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify({ username, password }),
  });
  return response.status;
}

describe('Account panel', () => {
  before(async () => {
    adminAccess = (await login()).access;
  });

  it('says the details could not be loaded, with Retry; a host that cancels um-error keeps the reason to itself', async () => {
    const member = await newMember(adminAccess, 'load-fail');
    const realFetch = window.fetch;
    // Only the member's details fail to load (the database went down after the account came).
    window.fetch = (input, init) =>
      String(input).includes(`/iam/users/${member.userId}`)
        ? Promise.resolve(
            new Response(JSON.stringify({ message: 'down', code: 'service_unavailable' }), {
              status: 503,
              headers: { 'Content-Type': 'application/json' },
            }),
          )
        : realFetch(input, init);
    try {
      for (const cancel of [false, true]) {
        const el = await fixture<UserManagement>(
          html`<user-management
            api="/bff"
            panel="account"
            lang="en"
            .token=${member.access}
            @um-error=${(event: Event) => cancel && event.preventDefault()}
          ></user-management>`,
        );
        await waitUntil(() => accountPanel(el).querySelector('[part="error"]'), 'no error');
        const text = accountPanel(el).querySelector('[part="error"] p')!.textContent!.trim();
        expect(text.startsWith('Your details could not be loaded.'), text).to.equal(true);
        expect(text.includes('temporarily unavailable'), text).to.equal(!cancel);
        const retry = accountPanel(el).querySelector<HTMLButtonElement>('[part="error"] button')!;
        expect(retry.textContent!.trim()).to.equal('Retry');
      }
    } finally {
      window.fetch = realFetch;
    }
  });

  describe('General', () => {
    it('shows the loaded values; Save and Discard wait for a change; Discard restores', async () => {
      const member = await newMember(adminAccess, 'general', { name: 'Gina General', lang: 'de' });
      const el = await render(member);
      expect(accountPanel(el).querySelector('h2')!.textContent!.trim()).to.equal('My account');
      expect(input(el, 'general-name').value).to.equal('Gina General');
      expect(input(el, 'general-email').value).to.equal(member.email);
      expect(input(el, 'general-email').readOnly, 'the owner may change it').to.equal(false);
      expect(input(el, 'general-lang').value).to.equal('de');
      expect(input(el, 'general-phone').value).to.equal('');
      expect(button(el, 'general', 'Save').disabled).to.equal(true);
      expect(button(el, 'general', 'Discard').disabled).to.equal(true);
      expect(input(el, 'general-password'), 'no password field yet').to.equal(null);

      fill(input(el, 'general-name'), 'Someone Else');
      select(input(el, 'general-lang'), 'zh');
      await el.updateComplete;
      await waitUntil(() => !button(el, 'general', 'Save').disabled, 'Save stayed disabled');
      button(el, 'general', 'Discard').click();
      await waitUntil(() => input(el, 'general-name').value === 'Gina General');
      expect(input(el, 'general-lang').value).to.equal('de');
      expect(button(el, 'general', 'Save').disabled).to.equal(true);
      expect(focused()).to.equal(describeElement(input(el, 'general-name')));
    });

    it('saves name, language and phone, and they persist', async () => {
      const member = await newMember(adminAccess, 'profile');
      const el = await render(member);
      fill(input(el, 'general-name'), 'Paula Profile');
      select(input(el, 'general-lang'), 'ru');
      fill(input(el, 'general-phone'), 'not a phone');
      await waitUntil(() => !button(el, 'general', 'Save').disabled);
      performance.clearResourceTimings();
      button(el, 'general', 'Save').click();
      await waitUntil(() => errorOf(el, 'general-phone') !== '', 'no phone error');
      expect(errorOf(el, 'general-phone')).to.equal(
        'Enter a phone number: digits, spaces and + - ( ) .',
      );
      expect(requestsTo(`/iam/users/${member.userId}`), 'checked in the browser').to.have.length(0);

      fill(input(el, 'general-phone'), '+49 30 1234567');
      button(el, 'general', 'Save').click();
      await waitUntil(() => notice(el, 'general') === 'Your details were saved.', 'no notice');
      expect(button(el, 'general', 'Save').disabled).to.equal(true);
      const user = await getUser(member.access, member.userId);
      expect([user.name, user.lang, user.phone]).to.deep.equal([
        'Paula Profile',
        'ru',
        '+49 30 1234567',
      ]);

      // A fresh panel shows what the server holds.
      const again = await render(member);
      expect(input(again, 'general-phone').value).to.equal('+49 30 1234567');
    });

    it('asks for the current password when the email changes, and checks it', async () => {
      const member = await newMember(adminAccess, 'email');
      const el = await render(member);
      const newEmail = uniqueEmail('changed');
      fill(input(el, 'general-email'), newEmail);
      await waitUntil(() => input(el, 'general-password'), 'no current password field');
      expect(input(el, 'general-password').type).to.equal('password');
      expect(input(el, 'general-password').required).to.equal(true);

      button(el, 'general', 'Save').click();
      await waitUntil(
        () => errorOf(el, 'general-password') !== '',
        'no error for a blank password',
      );
      expect(errorOf(el, 'general-password')).to.equal('Fill in this field.');
      expect(focused()).to.equal(describeElement(input(el, 'general-password')));

      fill(input(el, 'general-password'), 'not-my-password');
      button(el, 'general', 'Save').click();
      await waitUntil(
        () => errorOf(el, 'general-password') === 'The password is not correct.',
        'no error from the BFF for a wrong password',
      );
      expect((await getUser(member.access, member.userId)).email).to.equal(member.email);

      fill(input(el, 'general-password'), member.password);
      button(el, 'general', 'Save').click();
      await waitUntil(
        () =>
          notice(el, 'general') ===
          `We sent a confirmation link to ${newEmail}. Your email changes when you open it.`,
        'no notice that a confirmation link was sent',
      );
      expect(focused()).to.equal(
        describeElement(accountPanel(el).querySelector('[data-notice="general"]')),
      );
      expect(input(el, 'general-email').value, 'the current email until confirmed').to.equal(
        member.email,
      );
      expect(input(el, 'general-password'), 'the password field goes away').to.equal(null);
      expect(button(el, 'general', 'Save').disabled).to.equal(true);
      expect((await getUser(member.access, member.userId)).email).to.equal(member.email);
    });

    it('changes the email when the emailed link is opened, once; sign-in then uses the new email', async () => {
      const member = await newMember(adminAccess, 'confirm');
      const newEmail = uniqueEmail('confirmed');
      await requestEmailChange(member, newEmail);
      const token = await confirmEmailToken(newEmail);
      expect(token).to.match(/^[\w-]{43}$/);
      expect((await getUser(member.access, member.userId)).email).to.equal(member.email);

      const before = window.location.href;
      window.history.replaceState(null, '', `?confirm_email_token=${token}&keep=1`);
      try {
        // Signed out: the root element shows the link's view first.
        const el = await fixture<UserManagement>(
          html`<user-management api="/bff"></user-management>`,
        );
        await waitUntil(() => outcomeOf(confirmView(el)) === 'done', 'not confirmed');
        expect(confirmView(el)!.querySelector('h2')!.textContent!.trim()).to.equal(
          `Your email is now ${newEmail}`,
        );
        expect(focused()).to.equal(describeElement(confirmView(el)!.querySelector('h2')));
        expect(window.location.search).to.equal('?keep=1');
        await expectAccessible(el);
        const signedIn = await login({ username: newEmail, password: member.password });
        expect((await getUser(signedIn.access, member.userId)).email).to.equal(newEmail);
        expect(await loginStatus(member.email, member.password), 'the old email').to.not.equal(200);
        // The old address hears of the change.
        await messagesTo(member.email, 2);

        // Continue: the sign-in view, with the new email filled in.
        [...confirmView(el)!.querySelectorAll('button')].at(-1)!.click();
        await waitUntil(() => signInForm(el), 'no sign-in view after Continue');
        expect(
          signInForm(el)!.querySelector<HTMLInputElement>('[name="username"]')!.value,
        ).to.equal(newEmail);

        // The link works once.
        window.history.replaceState(null, '', `?confirm_email_token=${token}`);
        const again = await fixture<UserManagement>(
          html`<user-management api="/bff"></user-management>`,
        );
        await waitUntil(
          () => outcomeOf(confirmView(again)) === 'invalid',
          'a used link was not refused',
        );
        expect(confirmView(again)!.querySelector('h2')!.textContent!.trim()).to.equal(
          'This link no longer works',
        );
        expect(window.location.search).to.equal('');
        await expectAccessible(again);
      } finally {
        window.history.replaceState(null, '', before);
      }
    });

    it('offers Retry when the server cannot be reached, keeping the link in the URL', async () => {
      const member = await newMember(adminAccess, 'confirm-retry');
      const newEmail = uniqueEmail('retried');
      await requestEmailChange(member, newEmail);
      const token = await confirmEmailToken(newEmail);
      const before = window.location.href;
      window.history.replaceState(null, '', `?confirm_email_token=${token}`);
      await setOutage(true);
      try {
        const client = new ApiClient({ baseUrl: '/bff-outage' });
        const view = await fixture<UmConfirmEmailView>(
          html`<um-confirm-email-view .client=${client} .token=${token}></um-confirm-email-view>`,
        );
        await waitUntil(() => outcomeOf(view.shadowRoot) === 'failed', 'no failure');
        expect(view.shadowRoot!.querySelector('h2')!.textContent!.trim()).to.equal(
          'Your email could not be changed',
        );
        expect(window.location.search, 'the link stays for a retry').to.equal(
          `?confirm_email_token=${token}`,
        );
        const buttons = [...view.shadowRoot!.querySelectorAll('button')];
        expect(buttons.map((b) => b.textContent!.trim())).to.deep.equal(['Retry', 'Continue']);
        await expectAccessible(view);

        await setOutage(false);
        buttons[0].click();
        await waitUntil(() => outcomeOf(view.shadowRoot) === 'done', 'Retry did not confirm');
        expect(window.location.search).to.equal('');
        const signedIn = await login({ username: newEmail, password: member.password });
        expect((await getUser(signedIn.access, member.userId)).email).to.equal(newEmail);
      } finally {
        await setOutage(false);
        window.history.replaceState(null, '', before);
      }
    });

    it('says so when another account took the new email before the link was opened', async () => {
      const member = await newMember(adminAccess, 'confirm-taken');
      const newEmail = uniqueEmail('taken');
      await requestEmailChange(member, newEmail);
      const token = await confirmEmailToken(newEmail);
      await invite(adminAccess, newEmail); // the address now belongs to someone else
      const view = await fixture<UmConfirmEmailView>(
        html`<um-confirm-email-view
          .client=${new ApiClient({ baseUrl: '/bff' })}
          .token=${token}
        ></um-confirm-email-view>`,
      );
      await waitUntil(() => outcomeOf(view.shadowRoot) === 'taken', 'not refused as taken');
      expect(view.shadowRoot!.querySelector('p.hint')!.textContent!.trim()).to.equal(
        'Another account uses this email now. Choose a different one in your account settings.',
      );
      expect(
        [...view.shadowRoot!.querySelectorAll('button')].map((b) => b.textContent!.trim()),
      ).to.deep.equal(['Continue']);
      expect((await getUser(adminAccess, member.userId)).email).to.equal(member.email);
    });
  });

  describe('Password', () => {
    it('refuses a repeat that does not match, in the browser', async () => {
      const member = await newMember(adminAccess, 'mismatch');
      const el = await render(member);
      fill(input(el, 'password-old'), member.password);
      fill(input(el, 'password-new'), 'a-new-long-passphrase');
      fill(input(el, 'password-double'), 'a-different-passphrase');
      performance.clearResourceTimings();
      button(el, 'password', 'Save').click();
      await waitUntil(() => errorOf(el, 'password-double') !== '', 'no mismatch error');
      expect(errorOf(el, 'password-double')).to.equal('The passwords do not match.');
      expect(focused()).to.equal(describeElement(input(el, 'password-double')));
      expect(requestsTo('/password')).to.have.length(0);
    });

    it('shows a wrong old password next to the field, then changes it; the new one signs in', async () => {
      const member = await newMember(adminAccess, 'password');
      const el = await render(member);
      const next = 'a-brand-new-passphrase';
      fill(input(el, 'password-old'), 'not-the-old-one');
      fill(input(el, 'password-new'), next);
      fill(input(el, 'password-double'), next);
      button(el, 'password', 'Save').click();
      await waitUntil(
        () => errorOf(el, 'password-old') === 'The password is not correct.',
        'no error for the wrong old password',
      );

      fill(input(el, 'password-old'), member.password);
      button(el, 'password', 'Save').click();
      await waitUntil(() => notice(el, 'password') === 'Your password was changed.', 'no notice');
      expect(
        ['password-old', 'password-new', 'password-double'].map((id) => input(el, id).value),
      ).to.deep.equal(['', '', '']);
      expect(focused()).to.equal(
        describeElement(accountPanel(el).querySelector('[data-notice="password"]')),
      );
      const signedIn = await login({ username: member.email, password: next });
      expect(signedIn.access).to.be.a('string');
    });

    it("keeps the widget's own session going after the change, on the fresh tokens", async () => {
      const member = await newMember(adminAccess, 'password-session');
      const key = 'um-session:/bff';
      sessionStorage.setItem(
        key,
        JSON.stringify({ access: member.access, refresh: member.refresh }),
      );
      try {
        const el = await fixture<UserManagement>(
          html`<user-management api="/bff" panel="account"></user-management>`,
        );
        await waitUntil(
          () =>
            accountPanel(el).querySelector<HTMLInputElement>('#general-email')?.value ===
            member.email,
          'the account panel did not load',
        );
        const next = 'another-brand-new-passphrase';
        fill(input(el, 'password-old'), member.password);
        fill(input(el, 'password-new'), next);
        fill(input(el, 'password-double'), next);
        button(el, 'password', 'Save').click();
        await waitUntil(() => notice(el, 'password') === 'Your password was changed.', 'no notice');
        const stored = JSON.parse(sessionStorage.getItem(key)!) as {
          access: string;
          refresh: string;
        };
        expect(stored.refresh).to.not.equal(member.refresh);
        const refresh = (token: string) =>
          fetch('/bff/iam/auth/jwt/refresh', {
            method: 'POST',
            headers: { 'Content-Type': 'application/json' },
            body: JSON.stringify({ refresh: token }),
          });
        expect((await refresh(member.refresh)).status).to.equal(
          401,
          'the old session cannot renew',
        );
        expect((await refresh(stored.refresh)).status).to.equal(200, 'the new one can');
      } finally {
        sessionStorage.removeItem(key);
      }
    });
  });

  it('passes axe, with field errors shown too', async () => {
    const member = await newMember(adminAccess, 'axe-account');
    const el = await render(member);
    await expectAccessible(el);
    fill(input(el, 'password-new'), 'short');
    button(el, 'password', 'Save').click();
    await waitUntil(() => errorOf(el, 'password-new') !== '');
    await expectAccessible(el);
  });
});

describe('Switching panels and accounts', () => {
  before(async () => {
    adminAccess = (await login()).access;
  });

  it('switches between the Users and Account panels through the panel attribute', async () => {
    const member = await newMember(adminAccess, 'panels');
    const el = await render(member);
    el.setAttribute('panel', 'users');
    await settled(el);
    expect(panel(el).querySelector('h2')!.textContent!.trim()).to.equal('Users');
    expect(root(el).querySelector('um-account-panel')).to.equal(null);
    el.setAttribute('panel', 'account');
    await waitUntil(() => root(el).querySelector('um-account-panel'));
    expect(root(el).querySelector('um-users-panel')).to.equal(null);
  });

  it('offers a switcher to a member of two accounts; switching shows the other account and keeps the session', async () => {
    const member = await newMember(adminAccess, 'two-accounts');
    const company = `Second ${Date.now()}`;
    const second = await createAccount(member.access, company);
    sessionStorage.setItem(
      sessionKey('/bff'),
      JSON.stringify({ access: member.access, refresh: member.refresh }),
    );
    try {
      const el = await fixture<UserManagement>(
        html`<user-management api="/bff" panel="users"></user-management>`,
      );
      await settled(el);
      await waitUntil(() => root(el).querySelector('select[name="account"]'), 'no switcher');
      const switcher = root(el).querySelector<HTMLSelectElement>('select[name="account"]')!;
      const label = root(el).querySelector(`label[for="${switcher.id}"]`)!;
      expect(label.textContent!.trim()).to.equal('Account');
      expect([...switcher.options].map((o) => o.textContent!.trim())).to.include.members([
        'Acme Cloud',
        company,
      ]);
      expect(switcher.selectedOptions[0].textContent!.trim()).to.equal('Acme Cloud');
      expect(rows(el).length).to.be.greaterThan(1);

      const switched = oneEvent(el, 'um-account-switched') as Promise<UmAccountSwitchedEvent>;
      switcher.focus();
      select(switcher, String(second.id));
      expect((await switched).detail.clientId).to.equal(second.id);
      // The other account's users: only its founder, an Administrator there.
      await waitUntil(
        () => rows(el).length === 1 && rows(el)[0][1] === member.email,
        'the users of the other account did not load',
      );
      expect(rows(el)[0][3]).to.equal('Administrators');
      expect(switcher.selectedOptions[0].textContent!.trim()).to.equal(company);
      // The session kept is the new account's.
      const stored = JSON.parse(sessionStorage.getItem(sessionKey('/bff'))!) as { access: string };
      expect((await me(stored.access)).id).to.equal(second.id);
      expect(focused()).to.equal(describeElement(switcher));
    } finally {
      sessionStorage.removeItem(sessionKey('/bff'));
    }
  });

  it('shows no switcher to a member of one account', async () => {
    const member = await newMember(adminAccess, 'one-account');
    const el = await render(member);
    expect(root(el).querySelector('select[name="account"]')).to.equal(null);
    expect(root(el).querySelector('[part="toolbar"]')!.textContent).to.contain(
      'Account: Acme Cloud',
    );
  });
});
