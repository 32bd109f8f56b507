/// <reference types="mocha" />
import { expect, fixture, html, oneEvent, waitUntil } from '@open-wc/testing';
import '../user-management.ts';
import type { UserManagement } from '../user-management.ts';
import type { UmInvitationAcceptedEvent, UmSignedInEvent } from '../events.ts';
import {
  acceptInvitation,
  acceptView,
  describeElement,
  focused,
  invitationToken,
  invite,
  login,
  me,
  resendInvite,
  root,
  setOutage,
  settled,
  signInForm,
  uniqueEmail,
  expectAccessible,
} from '../../test/widget/helpers.ts';

const PASSWORD = 'correct horse battery staple';

let adminAccess: string;

/** Invites a new person and returns the token of the emailed link. */
async function newInvitation(prefix: string): Promise<{ email: string; token: string }> {
  const email = uniqueEmail(prefix);
  await invite(adminAccess, email);
  return { email, token: await invitationToken(email) };
}

async function render(token: string, api = '/bff'): Promise<UserManagement> {
  return fixture<UserManagement>(
    html`<user-management api=${api} invitation-token=${token}></user-management>`,
  );
}

/** Waits until the view shows its answer, and returns the heading. */
async function heading(el: UserManagement): Promise<string> {
  await waitUntil(() => {
    const h2 = acceptView(el).querySelector('h2');
    return h2 && !h2.classList.contains('visually-hidden');
  }, 'the acceptance view did not settle');
  return acceptView(el).querySelector('h2')!.textContent!.trim();
}

function input(el: UserManagement, name: string): HTMLInputElement {
  return acceptView(el).querySelector<HTMLInputElement>(`input[name="${name}"]`)!;
}

function submit(el: UserManagement) {
  acceptView(el).querySelector<HTMLButtonElement>('button[type="submit"]')!.click();
}

function errorOf(el: UserManagement, name: string): string {
  const field = input(el, name);
  expect(field.getAttribute('aria-invalid'), `${name} aria-invalid`).to.equal('true');
  const id = field
    .getAttribute('aria-describedby')!
    .split(' ')
    .find((i) => i.endsWith('-error'))!;
  return acceptView(el).getElementById(id)!.textContent!.trim();
}

function paragraphs(el: UserManagement): string {
  return [...acceptView(el).querySelectorAll('p')].map((p) => p.textContent!.trim()).join(' ');
}

describe('Invitation acceptance view', () => {
  before(async () => {
    adminAccess = (await login()).access;
  });
  beforeEach(() => sessionStorage.clear());

  it('lets a new person set a password, then sign in with it', async () => {
    const { email, token } = await newInvitation('new-person');
    const el = await render(token);
    expect(await heading(el)).to.equal('Join Acme Cloud');
    expect(input(el, 'email').value).to.equal(email);
    expect(input(el, 'email').readOnly).to.equal(true);
    expect(signInForm(el)).to.equal(null);

    // Mismatch: refused in the browser.
    input(el, 'password').value = PASSWORD;
    input(el, 'repeat').value = `${PASSWORD}!`;
    submit(el);
    await waitUntil(() => input(el, 'repeat').getAttribute('aria-invalid') === 'true');
    expect(errorOf(el, 'repeat')).to.equal('The passwords do not match.');
    expect(focused()).to.equal(describeElement(input(el, 'repeat')));

    // Too short: refused in the browser by the shared schema.
    input(el, 'password').value = 'short';
    input(el, 'repeat').value = 'short';
    submit(el);
    await waitUntil(() => input(el, 'password').getAttribute('aria-invalid') === 'true');
    expect(errorOf(el, 'password')).to.equal('Enter at least 8 characters.');
    expect(input(el, 'repeat').getAttribute('aria-invalid')).to.equal('false');

    // A common password: only the BFF knows, and says so next to the field.
    input(el, 'password').value = 'password';
    input(el, 'repeat').value = 'password';
    submit(el);
    await waitUntil(
      () => acceptView(el).querySelector('#password-error')?.textContent?.includes('common'),
      'no BFF error for a common password',
    );
    expect(errorOf(el, 'password')).to.equal(
      'This password is too common. Choose one that is harder to guess.',
    );

    input(el, 'name').value = 'Nina New';
    input(el, 'password').value = PASSWORD;
    input(el, 'repeat').value = PASSWORD;
    const accepted = oneEvent(el, 'um-invitation-accepted') as Promise<UmInvitationAcceptedEvent>;
    submit(el);
    const event = await accepted;
    expect(event.detail.email).to.equal(email);
    expect(event.detail.clientId).to.equal((await me(adminAccess)).id);
    expect(event.bubbles && event.composed).to.equal(true);

    await waitUntil(() => signInForm(el), 'no sign-in view after accepting');
    const form = signInForm(el)!;
    expect(form.querySelector<HTMLInputElement>('input[name="username"]')!.value).to.equal(email);
    expect(form.querySelector('[part="notice"]')!.textContent!.trim()).to.equal(
      'Your access to Acme Cloud is ready. Sign in.',
    );
    expect(root(el).querySelector('um-accept-invitation-view')).to.equal(null);

    form.querySelector<HTMLInputElement>('input[name="password"]')!.value = PASSWORD;
    const signedIn = oneEvent(el, 'um-signed-in') as Promise<UmSignedInEvent>;
    form.querySelector<HTMLButtonElement>('button[type="submit"]')!.click();
    await signedIn;
    await waitUntil(() => root(el).querySelector('um-users-panel'), 'no users panel');
    await settled(el);
  });

  it('lets a person who already has a login accept with one click', async () => {
    // A login of their own: invited into Acme and accepted…
    const { email, token } = await newInvitation('existing');
    await acceptInvitation(token, { password: PASSWORD });
    // …then invited into a second account of the admin's.
    const company = `Second ${Date.now()}`;
    const created = await fetch('/bff/iam/clients/create', {
      method: 'POST',
      headers: { Authorization: `Bearer ${adminAccess}`, 'Content-Type': 'application/json' },
      body: JSON.stringify({ company }),
    }).then((r) => r.json() as Promise<{ id: number }>);
    const switched = await fetch(`/bff/iam/auth/jwt/clients/${created.id}/login`, {
      headers: { Authorization: `Bearer ${adminAccess}` },
    }).then((r) => r.json() as Promise<{ access: string }>);
    await invite(switched.access, email);
    const secondToken = await invitationToken(email, 2);

    const el = await render(secondToken);
    expect(await heading(el)).to.equal(`Join ${company}`);
    expect(input(el, 'email').value).to.equal(email);
    expect(acceptView(el).querySelector('input[name="password"]')).to.equal(null);
    const button = acceptView(el).querySelector<HTMLButtonElement>('button[type="submit"]')!;
    expect(button.textContent!.trim()).to.equal('Accept invitation');
    const accepted = oneEvent(el, 'um-invitation-accepted') as Promise<UmInvitationAcceptedEvent>;
    button.click();
    expect((await accepted).detail.clientId).to.equal(created.id);
    await waitUntil(() => signInForm(el), 'no sign-in view after accepting');
    expect(signInForm(el)!.querySelector('[part="notice"]')!.textContent!.trim()).to.equal(
      `Your access to ${company} is ready. Sign in.`,
    );
    // Their password is unchanged.
    await login({ username: email, password: PASSWORD });
  });

  it('starts the optional Name with the one the administrator typed', async () => {
    const email = uniqueEmail('named');
    await invite(adminAccess, email, { name: 'Nadia Named' });
    const el = await render(await invitationToken(email));
    await heading(el);
    expect(input(el, 'name').value).to.equal('Nadia Named');
  });

  it("shows a used link in the invitee's language", async () => {
    const email = uniqueEmail('used-de');
    await invite(adminAccess, email, { lang: 'de' });
    const token = await invitationToken(email);
    await acceptInvitation(token, { password: PASSWORD });
    const el = await render(token);
    const view = () => el.shadowRoot!.querySelector('um-accept-invitation-view');
    await waitUntil(() => view()?.getAttribute('lang') === 'de', 'the view is not in German');
    expect(await heading(el)).to.not.equal('This invitation has already been used');
  });

  it('says a link replaced by a resend has expired, and to ask for a new one', async () => {
    const email = uniqueEmail('expired');
    const userId = await invite(adminAccess, email);
    const oldToken = await invitationToken(email);
    await resendInvite(adminAccess, (await me(adminAccess)).id, userId);
    await invitationToken(email, 2);
    const el = await render(oldToken);
    expect(await heading(el)).to.equal('This invitation has expired');
    expect(paragraphs(el)).to.contain('Ask the administrator of the account to resend');
    expect(acceptView(el).querySelector('form')).to.equal(null);
  });

  it('says an unknown link is not valid', async () => {
    const el = await render('A'.repeat(43));
    expect(await heading(el)).to.equal('This invitation link is not valid');
    expect(paragraphs(el)).to.contain('ask the administrator of the account to resend');
  });

  it('says a used link has been used, and offers Sign in', async () => {
    const { token } = await newInvitation('used');
    await acceptInvitation(token, { password: PASSWORD });
    const el = await render(token);
    expect(await heading(el)).to.equal('This invitation has already been used');
    const signIn = [...acceptView(el).querySelectorAll('button')].find(
      (b) => b.textContent!.trim() === 'Sign in',
    )!;
    signIn.click();
    await waitUntil(() => signInForm(el), 'Sign in did not lead to the sign-in view');
  });

  it('shows the used page when the link is used between loading and accepting', async () => {
    const { token } = await newInvitation('race');
    const el = await render(token);
    expect(await heading(el)).to.equal('Join Acme Cloud');
    await acceptInvitation(token, { password: PASSWORD });
    input(el, 'password').value = PASSWORD;
    input(el, 'repeat').value = PASSWORD;
    submit(el);
    await waitUntil(
      () => acceptView(el).querySelector('h2')?.textContent?.includes('already been used'),
      'the used page did not show',
    );
  });

  it('reads the token from the URL, and removes only it after accepting', async () => {
    const { token } = await newInvitation('from-url');
    const original = window.location.href;
    const url = new URL(window.location.href);
    url.searchParams.set('keep', 'me');
    url.searchParams.set('token', token);
    window.history.replaceState(null, '', url);
    try {
      const el = await fixture<UserManagement>(
        html`<user-management api="/bff"></user-management>`,
      );
      expect(await heading(el)).to.equal('Join Acme Cloud');
      input(el, 'password').value = PASSWORD;
      input(el, 'repeat').value = PASSWORD;
      submit(el);
      await waitUntil(() => signInForm(el), 'no sign-in view after accepting');
      const after = new URL(window.location.href).searchParams;
      expect(after.has('token')).to.equal(false);
      expect(after.get('keep')).to.equal('me');
    } finally {
      window.history.replaceState(null, '', original);
    }
  });

  it('prefers the invitation-token attribute to the URL', async () => {
    const { token } = await newInvitation('attribute');
    const original = window.location.href;
    const url = new URL(window.location.href);
    url.searchParams.set('token', 'B'.repeat(43));
    window.history.replaceState(null, '', url);
    try {
      const el = await render(token);
      expect(await heading(el)).to.equal('Join Acme Cloud');
    } finally {
      window.history.replaceState(null, '', original);
    }
  });

  it('shows an error with Retry when the BFF cannot answer, and Retry recovers', async () => {
    const { token } = await newInvitation('outage');
    await setOutage(true);
    try {
      const el = await render(token, '/bff-outage');
      expect(await heading(el)).to.equal('The invitation could not be checked');
      expect(acceptView(el).querySelector('[role="alert"]')!.textContent!.trim()).to.equal(
        'The service is temporarily unavailable. Try again in 30 s.',
      );
      await setOutage(false);
      [...acceptView(el).querySelectorAll('button')]
        .find((b) => b.textContent!.trim() === 'Retry')!
        .click();
      await waitUntil(
        () => acceptView(el).querySelector('h2')?.textContent?.trim() === 'Join Acme Cloud',
        'Retry did not load the invitation',
      );
    } finally {
      await setOutage(false);
    }
  });

  it('passes axe on the password form and on a dead-link page', async () => {
    const { token } = await newInvitation('axe');
    const form = await render(token);
    await heading(form);
    await expectAccessible(form);
    input(form, 'password').value = 'short';
    input(form, 'repeat').value = 'other';
    submit(form);
    await waitUntil(() => input(form, 'password').getAttribute('aria-invalid') === 'true');
    await expectAccessible(form);

    const dead = await render('C'.repeat(43));
    await heading(dead);
    await expectAccessible(dead);
  });
});
