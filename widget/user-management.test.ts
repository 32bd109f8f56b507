/// <reference types="mocha" />
import { expect, fixture, html, oneEvent, waitUntil } from '@open-wc/testing';
import { sendKeys } from '@web/test-runner-commands';
import './user-management.ts';
import type { UserManagement } from './user-management.ts';
import type { UmErrorEvent, UmSignedInEvent, UmSignedOutEvent } from './events.ts';
import {
  ADMIN,
  accountPanel,
  deepActiveElement,
  describeElement,
  login,
  requestsTo,
  panel,
  root,
  rows,
  sessionKey,
  setOutage,
  settled,
  signInForm,
  expectAccessible,
} from '../test/widget/helpers.ts';

async function submitSignIn(el: UserManagement, username: string, password: string) {
  const form = signInForm(el)!;
  form.querySelector<HTMLInputElement>('input[name="username"]')!.value = username;
  form.querySelector<HTMLInputElement>('input[name="password"]')!.value = password;
  form.querySelector<HTMLButtonElement>('button[type="submit"]')!.click();
}

describe('<user-management> sign-in and session', () => {
  beforeEach(() => sessionStorage.clear());
  afterEach(() => sessionStorage.clear());

  it('shows the sign-in view when it has neither a token nor a stored session', async () => {
    const el = await fixture<UserManagement>(html`<user-management api="/bff"></user-management>`);
    const form = signInForm(el);
    expect(form, 'sign-in form').to.not.equal(null);
    expect(form!.querySelector('input[name="username"]')!.getAttribute('type')).to.equal('email');
    expect(root(el).querySelector('um-users-panel')).to.equal(null);
  });

  it("shows the BFF's refusal in an alert when the password is wrong", async () => {
    const el = await fixture<UserManagement>(html`<user-management api="/bff"></user-management>`);
    await submitSignIn(el, ADMIN.username, 'not-the-password');
    await waitUntil(
      () => signInForm(el)?.querySelector('[role="alert"]'),
      'no alert after a failed sign-in',
    );
    expect(signInForm(el)!.querySelector('[role="alert"]')!.textContent!.trim()).to.equal(
      'No active account found with the given credentials.',
    );
    expect(sessionStorage.getItem(sessionKey('/bff'))).to.equal(null);
  });

  it('signs in, announces it with um-signed-in and shows the users table', async () => {
    const el = await fixture<UserManagement>(html`<user-management api="/bff/"></user-management>`);
    const signedIn = oneEvent(el, 'um-signed-in') as Promise<UmSignedInEvent>;
    await submitSignIn(el, ADMIN.username, ADMIN.password);
    const event = await signedIn;
    expect(event.detail.userId).to.be.a('number');
    expect(event.detail.clientId).to.be.a('number');
    expect(event.bubbles && event.composed).to.equal(true);
    await waitUntil(() => root(el).querySelector('um-users-panel'), 'no users panel');
    await settled(el);
    expect(rows(el)).to.have.length(10);
    // The trailing slash of api is ignored: the session is keyed by the normalized base.
    expect(sessionStorage.getItem(sessionKey('/bff'))).to.be.a('string');
    expect(root(el).querySelector('[part="toolbar"]')!.textContent).to.contain('Acme Cloud');
  });

  it('puts focus on the panel heading after a sign-in with Enter, so it is announced', async () => {
    const el = await fixture<UserManagement>(html`<user-management api="/bff"></user-management>`);
    const form = signInForm(el)!;
    form.querySelector<HTMLInputElement>('input[name="username"]')!.value = ADMIN.username;
    const password = form.querySelector<HTMLInputElement>('input[name="password"]')!;
    password.value = ADMIN.password;
    password.focus();
    await sendKeys({ press: 'Enter' });
    await waitUntil(() => root(el).querySelector('um-users-panel'), 'no users panel');
    await waitUntil(
      () =>
        describeElement(deepActiveElement()!) ===
        describeElement(panel(el).querySelector('#users-heading')!),
      'focus is not on the heading',
    );
  });

  it('stays signed in across a reload by resuming the session from sessionStorage', async () => {
    const pair = await login();
    sessionStorage.setItem(sessionKey('/bff'), JSON.stringify(pair));
    const el = await fixture<UserManagement>(html`<user-management api="/bff"></user-management>`);
    expect(signInForm(el)).to.equal(null);
    await settled(el);
    expect(rows(el)).to.have.length(10);
  });

  it('signs out: back to the sign-in view, session forgotten, um-signed-out fired', async () => {
    const pair = await login();
    sessionStorage.setItem(sessionKey('/bff'), JSON.stringify(pair));
    const el = await fixture<UserManagement>(html`<user-management api="/bff"></user-management>`);
    await settled(el);
    const signedOut = oneEvent(el, 'um-signed-out') as Promise<UmSignedOutEvent>;
    root(el).querySelector<HTMLButtonElement>('[part~="sign-out"]')!.click();
    expect((await signedOut).detail.reason).to.equal('user');
    await el.updateComplete;
    expect(signInForm(el)).to.not.equal(null);
    expect(sessionStorage.getItem(sessionKey('/bff'))).to.equal(null);
    // Over on the BFF as well: a copy of the tokens is worthless.
    const status = async () =>
      (await fetch('/bff/iam/clients/me', { headers: { Authorization: `Bearer ${pair.access}` } }))
        .status;
    await waitUntil(async () => (await status()) === 401, 'the session still works on the BFF');
  });

  it('renews an expired access token with the refresh token and keeps the new pair', async () => {
    const pair = await login();
    const stale = { access: 'expired.access.token', refresh: pair.refresh };
    sessionStorage.setItem(sessionKey('/bff'), JSON.stringify(stale));
    const el = await fixture<UserManagement>(html`<user-management api="/bff"></user-management>`);
    await settled(el);
    expect(rows(el)).to.have.length(10);
    const stored = JSON.parse(sessionStorage.getItem(sessionKey('/bff'))!);
    expect(stored.access).to.not.equal(stale.access);
    // The refresh token is single use, so the stored one must be the new one.
    expect(stored.refresh).to.not.equal(pair.refresh);
  });

  it('renews once for two widgets of the page that share the session', async () => {
    // A spent refresh token coming back ends the session on the BFF (a stolen copy), so the second
    // widget must take the pair the first one stored instead of spending the old token again.
    const pair = await login();
    // A real token with a broken signature: refused like an expired one, readable like one.
    const stale = { access: `${pair.access.slice(0, -6)}AAAAAA`, refresh: pair.refresh };
    sessionStorage.setItem(sessionKey('/bff'), JSON.stringify(stale));
    const refreshesBefore = requestsTo('/bff/iam/auth/jwt/refresh').length;
    const page = await fixture<HTMLDivElement>(
      html`<div>
        <user-management api="/bff" panel="users"></user-management>
        <user-management api="/bff" panel="account" lang="en"></user-management>
      </div>`,
    );
    const [users, account] = [...page.querySelectorAll('user-management')];
    await settled(users!);
    await waitUntil(
      () => accountPanel(account!).querySelector('#general-email'),
      'the second widget did not load',
    );
    expect(requestsTo('/bff/iam/auth/jwt/refresh').length - refreshesBefore).to.equal(1);
    const stored = JSON.parse(sessionStorage.getItem(sessionKey('/bff'))!);
    expect(stored.refresh).to.not.equal(pair.refresh);
    // The stored pair works: the session was not ended as a reuse.
    const renewed = await fetch('/bff/iam/clients/me', {
      headers: { Authorization: `Bearer ${stored.access}` },
    });
    expect(renewed.status).to.equal(200);
  });

  it('neither takes nor forgets another session stored meanwhile when its own has ended', async () => {
    const own = await login();
    sessionStorage.setItem(sessionKey('/bff'), JSON.stringify(own));
    const el = await fixture<UserManagement>(html`<user-management api="/bff"></user-management>`);
    await settled(el);
    // Another widget of the page signed in anew (another session) and stored it; this widget's
    // session ends on the BFF (as a password change elsewhere would end it).
    const other = await login();
    sessionStorage.setItem(sessionKey('/bff'), JSON.stringify(other));
    const out = await fetch('/bff/iam/auth/jwt/logout', {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ refresh: own.refresh }),
    });
    expect(out.status).to.equal(204);
    const signedOut = oneEvent(el, 'um-signed-out') as Promise<UmSignedOutEvent>;
    el.panel = 'account'; // its next requests meet the ended session
    expect((await signedOut).detail.reason).to.equal('expired');
    expect(JSON.parse(sessionStorage.getItem(sessionKey('/bff'))!)).to.deep.equal(other);
  });

  it('keeps the session when the BFF cannot renew it just now, and renews on Retry', async () => {
    const pair = await login();
    const stale = { access: `${pair.access.slice(0, -6)}AAAAAA`, refresh: pair.refresh };
    sessionStorage.setItem(sessionKey('/bff'), JSON.stringify(stale));
    const realFetch = window.fetch;
    // The database is down at the moment the access token has to be renewed.
    window.fetch = (input, init) =>
      String(input).includes('/iam/auth/jwt/refresh')
        ? Promise.resolve(
            new Response(JSON.stringify({ message: 'down', code: 'service_unavailable' }), {
              status: 503,
              headers: { 'Content-Type': 'application/json', 'Retry-After': '5' },
            }),
          )
        : realFetch(input, init);
    let signedOut = false;
    try {
      const el = await fixture<UserManagement>(
        html`<user-management api="/bff"></user-management>`,
      );
      el.addEventListener('um-signed-out', () => (signedOut = true));
      await waitUntil(() => panel(el).querySelector('tr.error'), 'no error row');
      expect(signedOut).to.equal(false);
      expect(signInForm(el)).to.equal(null);
      expect(JSON.parse(sessionStorage.getItem(sessionKey('/bff'))!)).to.deep.equal(stale);

      window.fetch = realFetch;
      panel(el).querySelector<HTMLButtonElement>('tr.error button')!.click();
      await waitUntil(() => rows(el).length === 10, 'Retry did not load the users');
      expect(signedOut).to.equal(false);
    } finally {
      window.fetch = realFetch;
    }
  });

  it('returns to the sign-in view when the session cannot be renewed', async () => {
    const stale = { access: 'expired.access.token', refresh: 'used-or-unknown-refresh' };
    sessionStorage.setItem(sessionKey('/bff'), JSON.stringify(stale));
    const el = await fixture<UserManagement>(html`<user-management api="/bff"></user-management>`);
    const signedOut = (await oneEvent(el, 'um-signed-out')) as UmSignedOutEvent;
    expect(signedOut.detail.reason).to.equal('expired');
    await el.updateComplete;
    expect(signInForm(el)).to.not.equal(null);
    expect(sessionStorage.getItem(sessionKey('/bff'))).to.equal(null);
  });

  it('uses a token handed over by the host without showing sign-in or Sign out', async () => {
    const { access } = await login();
    const el = await fixture<UserManagement>(
      html`<user-management api="/bff" .token=${access}></user-management>`,
    );
    expect(signInForm(el)).to.equal(null);
    await settled(el);
    expect(rows(el)).to.have.length(10);
    expect(root(el).querySelector('[part~="sign-out"]')).to.equal(null);
  });
});

describe('<user-management> errors', () => {
  let access: string;
  before(async () => {
    access = (await login()).access;
  });
  afterEach(() => setOutage(false));

  it('fires a cancelable um-error and shows its own message when the host does not cancel', async () => {
    await setOutage(true);
    const el = await fixture<UserManagement>(
      html`<user-management api="/bff-outage" .token=${access}></user-management>`,
    );
    const event = (await oneEvent(el, 'um-error')) as UmErrorEvent;
    expect(event.cancelable).to.equal(true);
    expect(event.detail.error.status).to.equal(503);
    expect(event.detail.error.code).to.equal('service_unavailable');
    expect(event.detail.error.retryAfter).to.equal(30);
    await settled(el);
    const alert = panel(el).querySelector('[role="alert"]');
    expect(alert!.textContent!.trim()).to.equal(
      'The service is temporarily unavailable. Try again in 30 s.',
    );
  });

  it('leaves its own message out when the host cancels um-error', async () => {
    await setOutage(true);
    const cancel = (event: Event) => event.preventDefault();
    document.addEventListener('um-error', cancel);
    try {
      const el = await fixture<UserManagement>(
        html`<user-management api="/bff-outage" .token=${access}></user-management>`,
      );
      await waitUntil(() => panel(el).querySelector('tr.error'), 'no error state');
      expect(panel(el).querySelector('[role="alert"]')).to.equal(null);
      expect(panel(el).querySelector('tr.error button')!.textContent!.trim()).to.equal('Retry');
    } finally {
      document.removeEventListener('um-error', cancel);
    }
  });

  it('shows the error state with Retry, and Retry loads the table once the BFF is back', async () => {
    await setOutage(true);
    const el = await fixture<UserManagement>(
      html`<user-management api="/bff-outage" .token=${access}></user-management>`,
    );
    await waitUntil(() => panel(el).querySelector('tr.error button'), 'no Retry button');
    const retry = panel(el).querySelector<HTMLButtonElement>('tr.error button')!;
    expect(rows(el)).to.have.length(0);
    // Nothing was loaded, so nothing is counted (not "Showing 0 of 0 entries").
    expect(panel(el).querySelector('[part="summary"]')!.textContent!.trim()).to.equal('');
    await setOutage(false);
    retry.click();
    await waitUntil(() => rows(el).length === 10, 'Retry did not load the table');
    expect(panel(el).querySelector('tr.error')).to.equal(null);
  });

  it('says the server cannot be reached when nothing answers at api', async () => {
    const el = await fixture<UserManagement>(
      html`<user-management api="http://127.0.0.1:9" .token=${access}></user-management>`,
    );
    await waitUntil(() => panel(el).querySelector('[role="alert"]'), 'no alert', {
      timeout: 5000,
    });
    expect(panel(el).querySelector('[role="alert"]')!.textContent!.trim()).to.equal(
      'The server could not be reached. Check your connection.',
    );
  });
});

describe('<user-management> theming and accessibility', () => {
  beforeEach(() => sessionStorage.clear());

  it('takes its accent colour from --um-color-accent set by the host', async () => {
    const el = await fixture<UserManagement>(html`<user-management api="/bff"></user-management>`);
    const submit = signInForm(el)!.querySelector('button[type="submit"]')!;
    const before = getComputedStyle(submit).backgroundColor;
    el.style.setProperty('--um-color-accent', 'rgb(1, 2, 3)');
    expect(getComputedStyle(submit).backgroundColor).to.equal('rgb(1, 2, 3)');
    expect(before).to.not.equal('rgb(1, 2, 3)');
  });

  it('does not inherit text styles from the page around it, but still takes --um-* from there', async () => {
    const wrapper = await fixture<HTMLDivElement>(html`
      <div
        style="text-transform: uppercase; letter-spacing: 5px; text-align: right; font-style: italic; font-weight: 700; white-space: pre; word-spacing: 9px; cursor: wait; --um-color-text: rgb(1, 2, 3);"
      >
        <user-management api="/bff"></user-management>
      </div>
    `);
    const el = wrapper.querySelector('user-management')!;
    await el.updateComplete;
    const style = getComputedStyle(signInForm(el)!);
    expect({
      textTransform: style.textTransform,
      letterSpacing: style.letterSpacing,
      textAlign: style.textAlign,
      fontStyle: style.fontStyle,
      fontWeight: style.fontWeight,
      whiteSpace: style.whiteSpace,
      wordSpacing: style.wordSpacing,
      cursor: style.cursor,
      color: style.color,
    }).to.deep.equal({
      textTransform: 'none',
      letterSpacing: 'normal',
      textAlign: 'start',
      fontStyle: 'normal',
      fontWeight: '400',
      whiteSpace: 'normal',
      wordSpacing: '0px',
      cursor: 'auto',
      color: 'rgb(1, 2, 3)',
    });
  });

  it('exposes documented parts for ::part() styling', async () => {
    const el = await fixture<UserManagement>(html`<user-management api="/bff"></user-management>`);
    const style = document.createElement('style');
    style.textContent = 'user-management::part(sign-in-form) { border-color: rgb(9, 8, 7); }';
    document.head.append(style);
    try {
      expect(getComputedStyle(signInForm(el)!).borderTopColor).to.equal('rgb(9, 8, 7)');
    } finally {
      style.remove();
    }
  });

  it('is hidden by the hidden attribute', async () => {
    const el = await fixture<UserManagement>(
      html`<user-management api="/bff" hidden></user-management>`,
    );
    expect(getComputedStyle(el).display).to.equal('none');
  });

  it('passes axe on the sign-in view', async () => {
    const el = await fixture<UserManagement>(html`<user-management api="/bff"></user-management>`);
    await expectAccessible(el);
  });

  it('passes axe on the users panel', async () => {
    const { access } = await login();
    const el = await fixture<UserManagement>(
      html`<user-management api="/bff" .token=${access}></user-management>`,
    );
    await settled(el);
    await expectAccessible(el);
  });
});
