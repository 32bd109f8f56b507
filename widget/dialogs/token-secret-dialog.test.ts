import { aTimeout, expect, fixture, html, waitUntil } from '@open-wc/testing';
import { sendKeys } from '@web/test-runner-commands';
import { clickOn, describeElement, focused, expectAccessible } from '../../test/widget/helpers.ts';
import './token-secret-dialog.ts';
import type { UmTokenSecretDialog } from './token-secret-dialog.ts';

const SECRET = '77_n0tAr3alS3cr3tButL0ngEnough0123456789';

/** The dialog beside the button that opened it, showing SECRET. */
async function mount() {
  const box = await fixture<HTMLDivElement>(html`
    <div>
      <button type="button" id="opener">Create token</button>
      <um-token-secret-dialog></um-token-secret-dialog>
    </div>
  `);
  const opener = box.querySelector<HTMLButtonElement>('#opener')!;
  const el = box.querySelector('um-token-secret-dialog')!;
  (document.activeElement as HTMLElement | null)?.blur();
  await el.show(SECRET, opener);
  return { el, opener };
}

function part<T extends HTMLElement = HTMLButtonElement>(
  el: UmTokenSecretDialog,
  selector: string,
) {
  return el.shadowRoot!.querySelector<T>(selector);
}

function button(el: UmTokenSecretDialog, action: string) {
  return part(el, `[data-action="${action}"]`)!;
}

function asking(el: UmTokenSecretDialog): boolean {
  return part(el, '.leave') !== null;
}

async function closed(el: UmTokenSecretDialog, opener: HTMLElement) {
  await waitUntil(() => !el.open && document.activeElement === opener, 'focus did not return');
  expect(part(el, '#token-secret')).to.equal(null);
  expect(el.shadowRoot!.innerHTML).to.not.contain(SECRET.slice(3));
}

/** Escape after a click in the dialog, as a person would press it. */
async function escape(el: UmTokenSecretDialog) {
  await clickOn(part(el, 'h2')!);
  await sendKeys({ press: 'Escape' });
}

describe('um-token-secret-dialog', () => {
  it('shows the token read-only with focus on Copy, and is accessible', async () => {
    const { el } = await mount();
    expect(el.open).to.equal(true);
    expect(part<HTMLDialogElement>(el, 'dialog')!.getAttribute('part')).to.equal(
      'dialog token-secret',
    );
    const input = part<HTMLInputElement>(el, '#token-secret')!;
    expect([input.value, input.readOnly]).to.deep.equal([SECRET, true]);
    expect(focused()).to.equal(describeElement(button(el, 'copy')));
    expect(asking(el)).to.equal(false);
    await expectAccessible(el);
  });

  it('closes at once on "OK, I\'ve copied the token", forgetting it; focus to the opener', async () => {
    const { el, opener } = await mount();
    expect(button(el, 'done').textContent!.trim()).to.equal("OK, I've copied the token");
    button(el, 'done').click();
    await closed(el, opener);
  });

  it('asks on Escape instead of closing, focus on Keep open; Keep open goes back to Copy', async () => {
    const { el } = await mount();
    await escape(el);

    await waitUntil(() => asking(el), 'Escape did not ask');
    expect(el.open).to.equal(true);
    expect(part(el, '#secret-leave-text')!.textContent).to.equal(
      'The token will not be shown again. Close anyway?',
    );
    const group = part(el, '.leave')!;
    expect([group.getAttribute('role'), group.getAttribute('aria-labelledby')]).to.deep.equal([
      'group',
      'secret-leave-text',
    ]);
    expect(focused()).to.equal(describeElement(button(el, 'keep-open')));
    expect(button(el, 'leave').textContent!.trim()).to.equal('Close');
    await expectAccessible(el);

    button(el, 'keep-open').click();
    await waitUntil(() => !asking(el), 'the question stayed');
    expect(el.open).to.equal(true);
    expect(part<HTMLInputElement>(el, '#token-secret')!.value).to.equal(SECRET);
    expect(focused()).to.equal(describeElement(button(el, 'copy')));
  });

  it('closes after Close at the question, forgetting the token; focus to the opener', async () => {
    const { el, opener } = await mount();
    await escape(el);
    await waitUntil(() => asking(el), 'Escape did not ask');
    button(el, 'leave').click();
    await closed(el, opener);
  });

  it('stays open when Escape is pressed again at the question', async () => {
    const { el } = await mount();
    await escape(el);
    await waitUntil(() => asking(el), 'Escape did not ask');
    // No interaction since the first Escape: Chrome closes the dialog without a cancel it could
    // refuse. The dialog opens again, still asking.
    await sendKeys({ press: 'Escape' });
    await aTimeout(50);
    await waitUntil(() => el.open && asking(el), 'the second Escape closed the dialog');
    expect(part<HTMLInputElement>(el, '#token-secret')!.value).to.equal(SECRET);
    expect(focused()).to.equal(describeElement(button(el, 'keep-open')));
  });
});
