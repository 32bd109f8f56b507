/// <reference types="mocha" />
import { expect, fixture, html, oneEvent, waitUntil } from '@open-wc/testing';
import '../user-management.ts';
import type { UserManagement } from '../user-management.ts';
import type { UmSignedInEvent } from '../events.ts';
import {
  describeElement,
  fill,
  focused,
  login,
  newMember,
  root,
  signInForm,
  type Member,
  expectAccessible,
} from '../../test/widget/helpers.ts';
import { enableTwoFa, nextCode, tryLogin, wrongCode } from '../../test/widget/totp.ts';

let adminAccess: string;

function view(el: UserManagement): ShadowRoot {
  return root(el).querySelector('um-sign-in-view')!.shadowRoot!;
}

function codeInput(el: UserManagement): HTMLInputElement {
  return view(el).querySelector<HTMLInputElement>('input[name="one_time_password"]')!;
}

function codeError(el: UserManagement): string {
  const input = codeInput(el);
  if (input.getAttribute('aria-invalid') !== 'true') return '';
  return (input.getAttribute('aria-describedby') ?? '')
    .split(' ')
    .map((id) => view(el).getElementById(id))
    .filter((node) => node?.classList.contains('field-error'))
    .map((node) => node!.textContent!.trim())
    .join(' ');
}

function labelText(el: UserManagement): string {
  const label = codeInput(el).closest('label')!;
  return [...label.childNodes]
    .filter((node) => node.nodeType === Node.TEXT_NODE)
    .map((node) => node.textContent)
    .join('')
    .trim();
}

/** The sign-in view, with email and password submitted: waits for the code step. */
async function toCodeStep(member: Member): Promise<UserManagement> {
  const el = await fixture<UserManagement>(html`<user-management api="/bff"></user-management>`);
  const form = signInForm(el)!;
  form.querySelector<HTMLInputElement>('input[name="username"]')!.value = member.email;
  form.querySelector<HTMLInputElement>('input[name="password"]')!.value = member.password;
  form.querySelector<HTMLButtonElement>('button[type="submit"]')!.click();
  await waitUntil(
    () => view(el).querySelector('[part~="sign-in-code"]'),
    'the code step did not come',
  );
  return el;
}

function submitCode(el: UserManagement, code: string) {
  fill(codeInput(el), code);
  view(el).querySelector<HTMLButtonElement>('button[type="submit"]')!.click();
}

describe('Sign-in with two-factor authentication', () => {
  before(async () => {
    adminAccess = (await login()).access;
  });
  beforeEach(() => sessionStorage.clear());
  afterEach(() => sessionStorage.clear());

  it('asks for the code after the password, refuses a wrong one, accepts a current one', async () => {
    const member = await newMember(adminAccess, 'twofa-signin');
    const { secret } = await enableTwoFa(member.access);
    const el = await toCodeStep(member);
    expect(view(el).querySelector('h2')!.textContent!.trim()).to.equal('Enter authenticator code');
    expect(labelText(el)).to.equal('Verification code');
    expect(codeInput(el).getAttribute('autocomplete')).to.equal('one-time-code');
    expect(codeInput(el).getAttribute('inputmode')).to.equal('numeric');
    expect(focused()).to.equal(describeElement(codeInput(el)));
    expect(view(el).querySelector('[role="alert"]'), 'no error before a code').to.equal(null);

    submitCode(el, await wrongCode(secret));
    await waitUntil(() => codeError(el) !== '', 'no error for a wrong code');
    expect(codeError(el)).to.equal(
      'The code is not correct. Enter the current code from your app, or an unused backup code.',
    );
    expect(focused()).to.equal(describeElement(codeInput(el)));
    expect(sessionStorage.length).to.equal(0);

    const signedIn = oneEvent(el, 'um-signed-in') as Promise<UmSignedInEvent>;
    submitCode(el, await nextCode(secret));
    expect((await signedIn).detail.userId).to.equal(member.userId);
    await waitUntil(() => root(el).querySelector('um-users-panel'), 'no panel after sign-in');
  });

  it('accepts a backup code through "Use a backup code", once', async () => {
    const member = await newMember(adminAccess, 'twofa-backup');
    const { codes } = await enableTwoFa(member.access);
    const el = await toCodeStep(member);
    const toggle = view(el).querySelector<HTMLButtonElement>('[data-action="switch-code"]')!;
    expect(toggle.textContent!.trim()).to.equal('Use a backup code');
    toggle.click();
    await waitUntil(() => labelText(el) === 'Backup code', 'the field did not switch');
    expect(focused()).to.equal(describeElement(codeInput(el)));
    expect(codeInput(el).getAttribute('inputmode')).to.equal('text');

    const signedIn = oneEvent(el, 'um-signed-in') as Promise<UmSignedInEvent>;
    submitCode(el, codes[0]);
    expect((await signedIn).detail.userId).to.equal(member.userId);

    // Used once: refused the next time.
    expect(
      await tryLogin({
        username: member.email,
        password: member.password,
        one_time_password: codes[0],
      }),
    ).to.deep.equal({ status: 400, code: 'invalid_one_time_password' });
  });

  it('goes back to the password step with the email kept', async () => {
    const member = await newMember(adminAccess, 'twofa-back');
    await enableTwoFa(member.access);
    const el = await toCodeStep(member);
    view(el).querySelector<HTMLButtonElement>('[data-action="back"]')!.click();
    await waitUntil(() => view(el).querySelector('input[name="password"]'), 'not back');
    expect(view(el).querySelector<HTMLInputElement>('input[name="username"]')!.value).to.equal(
      member.email,
    );
    expect(focused()).to.equal(describeElement(view(el).querySelector('input[name="password"]')));
  });

  it('passes axe on the code step, with an error shown', async () => {
    const member = await newMember(adminAccess, 'twofa-signin-axe');
    const { secret } = await enableTwoFa(member.access);
    const el = await toCodeStep(member);
    await expectAccessible(el);
    submitCode(el, await wrongCode(secret));
    await waitUntil(() => codeError(el) !== '', 'no error for a wrong code');
    await expectAccessible(el);
  });
});
