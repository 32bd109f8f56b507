import { expect, fixture, html, oneEvent, waitUntil } from '@open-wc/testing';
import { sendKeys } from '@web/test-runner-commands';
import type { ClientMe } from '../../shared/clients.ts';
import { ROLE, type IamRoleId } from '../../shared/roles.ts';
import type { CreateTokenBody, CreatedToken } from '../../shared/tokens.ts';
import {
  clickOn,
  describeElement,
  fill,
  focused,
  expectAccessible,
} from '../../test/widget/helpers.ts';
import { stubClient } from '../../test/widget/stub-client.ts';
import { ApiError } from '../api/client.ts';
import type { UmTokenCreatedEvent } from '../events.ts';
import './create-token-dialog.ts';
import type { UmCreateTokenDialog } from './create-token-dialog.ts';

const ROLE_NAMES: Record<IamRoleId, string> = {
  1: 'Administrators',
  5: 'Engineers',
  3009: 'Purge and Prefetch only (API+Web)',
  3022: 'Purge and Prefetch only (API)',
  2: 'Users',
};

/** The caller, user 1 of account 7, with this IAM role. */
function meAs(roleId: IamRoleId): ClientMe {
  return {
    id: 7,
    client_id: 7,
    companyName: 'Acme Cloud',
    name: 'Acme Cloud',
    currentUser: 1,
    currentUserRole: { id: roleId, name: ROLE_NAMES[roleId] },
    currentUserLang: 'en',
    users: [],
    clients: [{ id: 7, companyName: 'Acme Cloud' }],
  };
}

const SECRET = '77_n0tAr3alS3cr3tButL0ngEnough0123456789';

function created(body: CreateTokenBody): CreatedToken {
  const roleId = Number(body.client_user.role.id) as IamRoleId;
  return {
    id: 77,
    name: body.name,
    description: body.description ?? null,
    exp_date: body.exp_date,
    expired: false,
    deleted: false,
    created: '2026-12-06T12:00:00Z',
    last_usage: null,
    client_user: {
      user_id: 1,
      user_name: 'Ada Admin',
      user_email: 'admin@acme.test',
      client_id: 7,
      role: { id: roleId, name: ROLE_NAMES[roleId] },
      deleted: false,
    },
    token: SECRET,
  };
}

type Create = (clientId: number, body: CreateTokenBody) => Promise<CreatedToken>;

/**
 * The dialog beside the button that opens it, for a caller of `roleId`, opened; `sent` holds each
 * create the dialog asked for.
 */
async function mount(
  roleId: IamRoleId = ROLE.engineers,
  create: Create = async (_clientId, body) => created(body),
) {
  const sent: [number, CreateTokenBody][] = [];
  const client = stubClient({
    createToken: (clientId, body) => {
      sent.push([clientId, body]);
      return create(clientId, body);
    },
  });
  const box = await fixture<HTMLDivElement>(html`
    <div>
      <button type="button" id="opener">Create token</button>
      <um-create-token-dialog .client=${client} .me=${meAs(roleId)}></um-create-token-dialog>
    </div>
  `);
  const opener = box.querySelector<HTMLButtonElement>('#opener')!;
  const el = box.querySelector('um-create-token-dialog')!;
  // Focus is not on the opener (Safari does not focus a clicked button): only the dialog's
  // own hand-back, not the browser's restoring, can bring it there when the dialog closes.
  (document.activeElement as HTMLElement | null)?.blur();
  await el.show(opener);
  return { el, opener, sent };
}

function field<T extends HTMLElement = HTMLInputElement>(
  el: UmCreateTokenDialog,
  selector: string,
) {
  return el.shadowRoot!.querySelector<T>(selector)!;
}

/** An element of the one-time dialog (`<um-token-secret-dialog>`, in the dialog's shadow root). */
function inSecret<T extends HTMLElement = HTMLInputElement>(
  el: UmCreateTokenDialog,
  selector: string,
) {
  return secretRoot(el).querySelector<T>(selector)!;
}

function secretRoot(el: UmCreateTokenDialog): ShadowRoot {
  return field(el, 'um-token-secret-dialog').shadowRoot!;
}

function has(el: UmCreateTokenDialog, selector: string): boolean {
  return el.shadowRoot!.querySelector(selector) !== null;
}

function submit(el: UmCreateTokenDialog) {
  field<HTMLButtonElement>(el, '[data-action="create"]').click();
}

function offeredRoles(el: UmCreateTokenDialog): number[] {
  return [...el.shadowRoot!.querySelectorAll<HTMLInputElement>('input[name="role"]')].map((radio) =>
    Number(radio.value),
  );
}

function chosenRole(el: UmCreateTokenDialog): number {
  return Number(field(el, 'input[name="role"]:checked').value);
}

async function backTo(el: UmCreateTokenDialog, opener: HTMLElement) {
  await waitUntil(
    () => !el.open && !el.secretOpen && document.activeElement === opener,
    'focus did not return',
  );
}

/** The clipboard, replaced for the length of `run` by one that keeps what is written. */
async function withClipboard(run: (copied: string[]) => Promise<void>) {
  const copied: string[] = [];
  const original = Object.getOwnPropertyDescriptor(navigator.clipboard, 'writeText');
  Object.defineProperty(navigator.clipboard, 'writeText', {
    configurable: true,
    value: (text: string) => {
      copied.push(text);
      return Promise.resolve();
    },
  });
  try {
    await run(copied);
  } finally {
    if (original) Object.defineProperty(navigator.clipboard, 'writeText', original);
    else delete (navigator.clipboard as { writeText?: unknown }).writeText;
  }
}

describe('um-create-token-dialog', () => {
  it('opens with focus on Name and is accessible', async () => {
    const { el } = await mount();
    expect(el.open).to.equal(true);
    expect(field(el, 'h2').textContent).to.equal('Create API token');
    expect(focused()).to.equal(describeElement(field(el, '#token-name')));
    expect(field(el, '#expiration-date').checked).to.equal(true);
    await expectAccessible(el);
  });

  it("offers the roles up to the caller's own, the lowest chosen first", async () => {
    const offered: Record<string, number[]> = {};
    const chosen: Record<string, number> = {};
    for (const roleId of [ROLE.administrators, ROLE.engineers, ROLE.purgeApi, ROLE.users]) {
      const { el } = await mount(roleId);
      offered[ROLE_NAMES[roleId]] = offeredRoles(el);
      chosen[ROLE_NAMES[roleId]] = chosenRole(el);
      el.close();
    }
    expect(offered).to.deep.equal({
      Administrators: [1, 5, 3009, 3022, 2],
      Engineers: [5, 3009, 3022, 2],
      'Purge and Prefetch only (API)': [3022, 2],
      Users: [2],
    });
    expect(Object.values(chosen)).to.deep.equal([2, 2, 2, 2]);
  });

  it('refuses an empty name next to the field without a request, and drops the error on typing', async () => {
    const { el, sent } = await mount();
    fill(field(el, '#token-date'), '');
    submit(el);

    await waitUntil(() => has(el, '#name-error'), 'no error at Name');
    const name = field(el, '#token-name');
    expect(name.getAttribute('aria-invalid')).to.equal('true');
    expect(name.getAttribute('aria-describedby')).to.equal('name-error');
    expect(field(el, '#name-error').textContent).to.equal('Fill in this field.');
    expect(field(el, '#token-date').getAttribute('aria-invalid')).to.equal('true');
    expect(field(el, '#date-error').textContent).to.equal('Choose the day the token expires.');
    expect(focused()).to.equal(describeElement(name));
    expect(sent).to.have.length(0);
    await expectAccessible(el);

    // Typing a name makes its error stale; the date's stays until the date changes.
    fill(name, 'C');
    await el.updateComplete;
    expect(name.getAttribute('aria-invalid')).to.equal('false');
    expect(name.hasAttribute('aria-describedby')).to.equal(false);
    expect(has(el, '#name-error')).to.equal(false);
    expect(field(el, '#token-date').getAttribute('aria-invalid')).to.equal('true');
  });

  it('creates the token, fires um-token-created, and shows its secret once with Copy', async () => {
    const { el, sent } = await mount(ROLE.engineers);
    fill(field(el, '#token-name'), '  CI deploy ');
    fill(field<HTMLInputElement>(el, '#token-description'), ' nightly builds ');
    field(el, '#expiration-never').click();
    field(el, `#token-role-${ROLE.purgeApi}`).click();
    const announced = oneEvent(el, 'um-token-created') as Promise<UmTokenCreatedEvent>;
    submit(el);

    const event = await announced;
    expect(event.detail).to.deep.equal({ tokenId: 77 });
    expect(JSON.stringify(event.detail)).to.not.contain(SECRET);
    expect(sent).to.deep.equal([
      [
        7,
        {
          name: 'CI deploy',
          description: 'nightly builds',
          exp_date: null,
          client_user: { role: { id: ROLE.purgeApi } },
        },
      ],
    ]);
    await waitUntil(() => el.secretOpen && !el.open, 'the secret is not shown');
    const secret = inSecret(el, '#token-secret');
    expect(secret.value).to.equal(SECRET);
    expect(secret.readOnly).to.equal(true);
    expect(focused()).to.equal(describeElement(inSecret(el, '[data-action="copy"]')));
    await expectAccessible(el);

    await withClipboard(async (copied) => {
      inSecret<HTMLButtonElement>(el, '[data-action="copy"]').click();
      await waitUntil(() => inSecret(el, '.copied').textContent!.trim() === 'Copied', 'not copied');
      expect(copied).to.deep.equal([SECRET]);
    });
  });

  it('sends the end of the chosen day in UTC as the expiration', async () => {
    const { el, sent } = await mount();
    fill(field(el, '#token-name'), 'dated');
    fill(field(el, '#token-date'), '2032-07-09');
    submit(el);
    await waitUntil(() => el.secretOpen, 'the secret is not shown');
    expect(sent[0][1].exp_date).to.equal('2032-07-09T23:59:59Z');
  });

  it('forgets the secret when its dialog closes, and focus returns to the opener', async () => {
    const { el, opener } = await mount();
    fill(field(el, '#token-name'), 'short-lived');
    submit(el);
    await waitUntil(() => el.secretOpen, 'the secret is not shown');

    inSecret<HTMLButtonElement>(el, '[data-action="done"]').click();
    await backTo(el, opener);
    await waitUntil(
      () => !secretRoot(el).querySelector('#token-secret'),
      'the secret is still in the page',
    );
    expect(el.shadowRoot!.innerHTML).to.not.contain(SECRET.slice(3));
    expect(secretRoot(el).innerHTML).to.not.contain(SECRET.slice(3));
  });

  it("shows the BFF's refusal of a role at the role group, in the widget's words", async () => {
    const refusal = new ApiError(400, 'validation_failed', 'Invalid input.', {
      'client_user.role': ["Can't create token with role Engineers"],
    });
    const { el } = await mount(ROLE.engineers, () => Promise.reject(refusal));
    fill(field(el, '#token-name'), 'too high');
    field(el, `#token-role-${ROLE.engineers}`).click();
    submit(el);

    await waitUntil(() => has(el, '#role-error'), 'no error at the role');
    expect(field(el, '#role-error').textContent).to.equal(
      'You cannot create a token with the role Engineers.',
    );
    expect(field(el, `#token-role-${ROLE.engineers}`).getAttribute('aria-invalid')).to.equal(
      'true',
    );
    // The message stands at its field; the alert does not say it again.
    expect(field(el, '[role="alert"]').hidden).to.equal(true);
    expect(focused()).to.equal(describeElement(field(el, `#token-role-${ROLE.engineers}`)));
    expect(el.open).to.equal(true);
    expect(el.secretOpen).to.equal(false);
  });

  it('shows a failure without field errors in the alert, focus on Create', async () => {
    const failure = new ApiError(500, 'internal_error', 'boom', {}, undefined, 'req-3');
    const { el } = await mount(ROLE.engineers, () => Promise.reject(failure));
    fill(field(el, '#token-name'), 'unlucky');
    submit(el);

    await waitUntil(() => !field(el, '[role="alert"]').hidden, 'no alert');
    expect(field(el, '[role="alert"]').textContent!.trim()).to.equal(
      'Something went wrong on the server. Reference: req-3',
    );
    expect(focused()).to.equal(describeElement(field(el, '[data-action="create"]')));
    expect(el.open).to.equal(true);
  });

  it('asks before Escape closes the one-time dialog; Close forgets the token, focus to the opener', async () => {
    const { el, opener } = await mount();
    fill(field(el, '#token-name'), 'kept');
    submit(el);
    await waitUntil(() => el.secretOpen, 'the secret is not shown');
    await clickOn(inSecret(el, 'h2'));
    await sendKeys({ press: 'Escape' });

    await waitUntil(() => secretRoot(el).querySelector('.leave'), 'Escape did not ask');
    expect(el.secretOpen).to.equal(true);
    expect(inSecret(el, '#token-secret').value).to.equal(SECRET);
    expect(inSecret(el, '#secret-leave-text').textContent).to.equal(
      'The token will not be shown again. Close anyway?',
    );
    expect(focused()).to.equal(describeElement(inSecret(el, '[data-action="keep-open"]')));
    await expectAccessible(el);

    inSecret<HTMLButtonElement>(el, '[data-action="leave"]').click();
    await backTo(el, opener);
    expect(secretRoot(el).innerHTML).to.not.contain(SECRET.slice(3));
  });

  it('closes on Escape without a request, and focus returns to the opener', async () => {
    const { el, opener, sent } = await mount();
    await sendKeys({ press: 'Escape' });
    await backTo(el, opener);
    expect(sent).to.have.length(0);
  });
});
