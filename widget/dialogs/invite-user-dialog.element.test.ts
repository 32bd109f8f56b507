import { expect, fixture, html, oneEvent, waitUntil } from '@open-wc/testing';
import { sendKeys } from '@web/test-runner-commands';
import type { InviteUserBody } from '../../shared/invitations.ts';
import { ROLE } from '../../shared/roles.ts';
import { describeElement, fill, focused, expectAccessible } from '../../test/widget/helpers.ts';
import { PROJECTS, stubClient } from '../../test/widget/stub-client.ts';
import { ApiError } from '../api/client.ts';
import type { UmErrorEvent, UmUserInvitedEvent } from '../events.ts';
import './invite-user-dialog.ts';
import type { UmInviteUserDialog } from './invite-user-dialog.ts';

const CLIENT_ID = 7;

type Invite = (body: InviteUserBody) => Promise<{ status: 'sent'; user_id: number }>;

/**
 * The dialog beside the button that opens it, with a client that lists projects and invites;
 * `sent` holds each body the dialog asked to invite. The dialog is opened from the button.
 */
async function mount(invite: Invite = async () => ({ status: 'sent', user_id: 42 })) {
  const sent: InviteUserBody[] = [];
  const client = stubClient({
    projects: async () => PROJECTS,
    inviteUser: (body) => {
      sent.push(body);
      return invite(body);
    },
  });
  const box = await fixture<HTMLDivElement>(html`
    <div>
      <button type="button" id="opener">Invite user</button>
      <um-invite-user-dialog .client=${client} .clientId=${CLIENT_ID}></um-invite-user-dialog>
    </div>
  `);
  const opener = box.querySelector<HTMLButtonElement>('#opener')!;
  const el = box.querySelector('um-invite-user-dialog')!;
  // Focus is not on the opener (Safari does not focus a clicked button): only the dialog's
  // own hand-back, not the browser's restoring, can bring it there when the dialog closes.
  (document.activeElement as HTMLElement | null)?.blur();
  await el.show(opener);
  return { el, opener, sent };
}

function field<T extends HTMLElement = HTMLInputElement>(el: UmInviteUserDialog, selector: string) {
  return el.shadowRoot!.querySelector<T>(selector)!;
}

function submit(el: UmInviteUserDialog) {
  field<HTMLButtonElement>(el, 'button[type="submit"]').click();
}

function alertText(el: UmInviteUserDialog): string {
  return field(el, '[role="alert"]').textContent!.replace(/\s+/g, ' ').trim();
}

async function closed(el: UmInviteUserDialog, opener: HTMLElement) {
  await waitUntil(() => !el.open && document.activeElement === opener, 'focus did not return');
}

describe('um-invite-user-dialog', () => {
  it('opens a modal dialog with an empty form and focus on Name, and is accessible', async () => {
    const { el } = await mount();
    expect(el.open).to.equal(true);
    expect(field(el, 'h2').textContent).to.equal('Invite user');
    expect(focused()).to.equal(describeElement(field(el, '#user-name')));
    expect(field(el, '#user-email').value).to.equal('');
    expect(field(el, `#role-${ROLE.users}`).checked).to.equal(true);
    await expectAccessible(el);
  });

  it('shows what the shared schema refuses next to the field, without asking the client', async () => {
    const { el, sent } = await mount();
    fill(field(el, '#user-email'), 'not-an-email');
    submit(el);

    await waitUntil(() => field(el, '#user-email').getAttribute('aria-invalid') === 'true');
    const email = field(el, '#user-email');
    expect(email.getAttribute('aria-describedby')).to.equal('email-error');
    expect(field(el, '#email-error').textContent).to.equal(
      'Enter an email address such as jane@example.com.',
    );
    expect(field(el, '#user-name').getAttribute('aria-invalid')).to.equal('false');
    expect(focused()).to.equal(describeElement(email));
    expect(sent).to.have.length(0);
    expect(el.open).to.equal(true);
    await expectAccessible(el);
  });

  it('invites with the body the BFF expects, closes, fires um-user-invited and focus returns', async () => {
    const { el, opener, sent } = await mount();
    fill(field(el, '#user-name'), '  Dora Dialog ');
    fill(field(el, '#user-email'), ' Dora@Example.TEST ');
    field(el, 'input[name="lang"][value="de"]').click();
    field(el, `#role-${ROLE.engineers}`).click();
    const invited = oneEvent(el, 'um-user-invited') as Promise<UmUserInvitedEvent>;
    submit(el);

    const event = await invited;
    expect(event.detail).to.deep.equal({ userId: 42, email: 'dora@example.test' });
    expect(event.bubbles && event.composed).to.equal(true);
    expect(sent).to.deep.equal([
      {
        client_id: CLIENT_ID,
        email: 'dora@example.test',
        user_role: { id: ROLE.engineers, name: 'Engineers' },
        name: 'Dora Dialog',
        lang: 'de',
        cloud: { client_role: null, projects: [] },
      },
    ]);
    await closed(el, opener);
  });

  it('shows a refusal with field errors at the field and in the alert, and stays open', async () => {
    const refusal = new ApiError(400, 'already_invited', 'User 3 has already been invited.', {
      email: ['User 3 has already been invited to client 7.'],
    });
    const { el } = await mount(() => Promise.reject(refusal));
    const errors: UmErrorEvent[] = [];
    el.addEventListener('um-error', (event) => errors.push(event));
    fill(field(el, '#user-email'), 'alice@acme.test');
    submit(el);

    await waitUntil(() => field(el, '#user-email').getAttribute('aria-invalid') === 'true');
    const said = 'This person is already a member of the account or has been invited.';
    expect(field(el, '#email-error').textContent).to.equal(said);
    expect(alertText(el)).to.equal(said);
    expect(errors.map((event) => event.detail.error)).to.deep.equal([refusal]);
    expect(focused()).to.equal(describeElement(field(el, '#user-email')));
    expect(el.open).to.equal(true);
    expect(field<HTMLButtonElement>(el, 'button[type="submit"]').disabled).to.equal(false);
    await expectAccessible(el);
  });

  it('says the daily limit of invitations is reached on a 429, and when to try again', async () => {
    const { el } = await mount(() =>
      Promise.reject(new ApiError(429, 'rate_limited', 'Too many invitations.', {}, 5 * 3600)),
    );
    fill(field(el, '#user-email'), 'bob@acme.test');
    submit(el);

    await waitUntil(() => alertText(el) !== '', 'no alert');
    expect(alertText(el)).to.equal(
      'You have reached the daily limit of invitations. Try again in 5 h.',
    );
    expect(field(el, '#user-email').getAttribute('aria-invalid')).to.equal('false');
    expect(el.open).to.equal(true);
  });

  it('closes on Cancel without a request, and focus returns to the opener', async () => {
    const { el, opener, sent } = await mount();
    fill(field(el, '#user-email'), 'carol@acme.test');
    field<HTMLButtonElement>(el, 'footer button[type="button"]').click();
    await closed(el, opener);
    expect(sent).to.have.length(0);
    // A closed dialog leaves no fields in the page.
    await waitUntil(() => !el.shadowRoot!.querySelector('um-user-form'), 'the fields stayed');
  });

  it('closes on Escape, and focus returns to the opener', async () => {
    const { el, opener } = await mount();
    await sendKeys({ press: 'Escape' });
    await closed(el, opener);
  });
});
