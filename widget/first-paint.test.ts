/// <reference types="mocha" />
import { expect, fixture, html, waitUntil } from '@open-wc/testing';
import './user-management.ts';
import type { UserManagement } from './user-management.ts';
import {
  ADMIN,
  accountPanel,
  deepActiveElement,
  describeElement,
  focused,
  login,
  newMember,
  root,
  select,
  sessionKey,
  signInForm,
  type Member,
} from '../test/widget/helpers.ts';
import { english as en } from '../test/support/english.ts';

/**
 * The first paint of a view waits for its language (widget/controllers/first-paint.ts): a member
 * whose language is not English never sees English texts that are then replaced. This file is
 * alone on its page, so each dictionary is loaded here for the first time (German, Chinese and
 * Russian each by one test, in this order). The translations are written out, not imported: an
 * imported dictionary would already be loaded when the widget asks for it.
 */

const GERMAN = { heading: 'Benutzer', role: 'Rolle', signOut: 'Abmelden', signIn: 'Anmelden' };
const CHINESE = { heading: '用户', role: '角色', signOut: '退出登录' };
const RUSSIAN = { signOut: 'Выйти' };

/** What one animation frame showed: could the texts be seen, and which were they. */
interface Frame {
  visible: boolean;
  /** The wrapper of the widget's content says it is busy (for assistive technology). */
  busy: boolean;
  texts: string[];
}

/**
 * Records each animation frame from now until `stop()`: whether the element `find` answers can be
 * seen (its computed visibility, whatever hides it) and the texts `read` takes from the widget.
 */
function recordFrames(
  find: (el: UserManagement) => Element | null | undefined,
  read: (el: UserManagement) => string[],
) {
  const frames: Frame[] = [];
  let running = true;
  const onFrame = () => {
    if (!running) return;
    const el = document.querySelector('user-management');
    const element = el && find(el);
    if (el && element) {
      frames.push({
        visible: getComputedStyle(element).visibility === 'visible',
        busy: root(el).querySelector('[aria-busy="true"]') !== null,
        texts: read(el),
      });
    }
    requestAnimationFrame(onFrame);
  };
  requestAnimationFrame(onFrame);
  return {
    frames,
    stop: () => {
      running = false;
    },
  };
}

function usersPanel(el: UserManagement): ShadowRoot | null | undefined {
  return root(el).querySelector('um-users-panel')?.shadowRoot;
}

const usersHeading = (el: UserManagement) => usersPanel(el)?.querySelector('#users-heading');

/** The Users panel's heading, its column headers and the toolbar's Sign out. */
function usersTexts(el: UserManagement): string[] {
  const cells = [...(usersPanel(el)?.querySelectorAll('th') ?? [])];
  return [
    usersHeading(el)?.textContent?.trim() ?? '',
    ...cells.map((cell) => cell.textContent!.trim()),
    root(el).querySelector('[part~="sign-out"]')?.textContent?.trim() ?? '',
  ];
}

const ENGLISH_USERS: string[] = [en['users.heading'], en['users.column.role'], en['app.signOut']];

/** Frames in which English texts of the Users panel could be seen. */
function visibleEnglish(frames: Frame[]): Frame[] {
  return frames.filter((f) => f.visible && f.texts.some((text) => ENGLISH_USERS.includes(text)));
}

function storeSession(member: Member) {
  sessionStorage.setItem(
    sessionKey('/bff'),
    JSON.stringify({ access: member.access, refresh: member.refresh }),
  );
}

describe('<user-management> first paint in the member’s language', () => {
  let adminAccess: string;
  let german: Member;
  let chinese: Member;
  before(async () => {
    adminAccess = (await login(ADMIN)).access;
    german = await newMember(adminAccess, 'paint-de', { lang: 'de' });
    chinese = await newMember(adminAccess, 'paint-zh', { lang: 'zh' });
  });
  afterEach(() => sessionStorage.clear());

  it('shows the sign-in view of a German browser only once it is in German', async () => {
    Object.defineProperty(navigator, 'language', { configurable: true, get: () => 'de-DE' });
    try {
      const heading = (el: UserManagement) => signInForm(el)?.querySelector('h2');
      const recorder = recordFrames(heading, (el) => [heading(el)?.textContent?.trim() ?? '']);
      const el = await fixture<UserManagement>(
        html`<user-management api="/bff"></user-management>`,
      );
      await waitUntil(
        () => recorder.frames.some((f) => f.visible && f.texts[0] === GERMAN.signIn),
        'the sign-in view was not seen in German',
        { timeout: 5000 },
      );
      recorder.stop();
      const english = recorder.frames.filter((f) => f.visible && f.texts[0] !== GERMAN.signIn);
      expect(english, 'frames that showed English').to.deep.equal([]);
      expect(recorder.frames.filter((f) => !f.visible && !f.busy)).to.deep.equal([]);
      expect(el.isConnected).to.equal(true);
    } finally {
      delete (navigator as { language?: string }).language;
    }
  });

  it('shows a German member the Users panel in German from its first visible frame, focus on its heading', async () => {
    const el = await fixture<UserManagement>(html`<user-management api="/bff"></user-management>`);
    const form = signInForm(el)!;
    form.querySelector<HTMLInputElement>('input[name="username"]')!.value = german.email;
    form.querySelector<HTMLInputElement>('input[name="password"]')!.value = german.password;
    const recorder = recordFrames(usersHeading, usersTexts);
    form.querySelector<HTMLButtonElement>('button[type="submit"]')!.click();
    await waitUntil(
      () => recorder.frames.some((f) => f.visible && f.texts.includes(GERMAN.role)),
      'the Users panel was not seen in German',
      { timeout: 5000 },
    );
    recorder.stop();
    expect(visibleEnglish(recorder.frames), 'frames that showed English').to.deep.equal([]);
    expect(recorder.frames.filter((f) => !f.visible && !f.busy)).to.deep.equal([]);
    const texts = usersTexts(el);
    expect(texts[0]).to.equal(GERMAN.heading);
    expect(texts.at(-1)).to.equal(GERMAN.signOut);
    await waitUntil(
      () => describeElement(deepActiveElement()) === describeElement(usersHeading(el)!),
      `focus is on ${focused()}, not on the heading`,
    );
  });

  it('starts a stored session of a Chinese member in Chinese, never English first', async () => {
    storeSession(chinese);
    const recorder = recordFrames(usersHeading, usersTexts);
    const el = await fixture<UserManagement>(html`<user-management api="/bff"></user-management>`);
    await waitUntil(
      () => recorder.frames.some((f) => f.visible && f.texts.includes(CHINESE.role)),
      'the Users panel was not seen in Chinese',
      { timeout: 5000 },
    );
    recorder.stop();
    expect(visibleEnglish(recorder.frames), 'frames that showed English').to.deep.equal([]);
    // It was rendered (its rows loading) while hidden, not only once revealed.
    expect(recorder.frames[0]?.visible, 'the first frame with the panel').to.equal(false);
    expect(usersTexts(el)[0]).to.equal(CHINESE.heading);
    await waitUntil(() => usersPanel(el)?.querySelector('tr[part="row"]'), 'no rows');
  });

  it('never hides the content again for a later change of language', async () => {
    storeSession(chinese);
    const el = await fixture<UserManagement>(
      html`<user-management api="/bff" panel="account"></user-management>`,
    );
    const signOut = () => root(el).querySelector('[part~="sign-out"]');
    const languageField = () => accountPanel(el).querySelector<HTMLSelectElement>('#general-lang');
    await waitUntil(
      () => signOut()?.textContent?.trim() === CHINESE.signOut && languageField(),
      'the Account panel is not in Chinese',
    );
    await waitUntil(() => getComputedStyle(signOut()!).visibility === 'visible', 'not shown');
    const recorder = recordFrames(signOut, (host) => [
      root(host).querySelector('[part~="sign-out"]')?.textContent?.trim() ?? '',
    ]);
    languageField()!.focus();
    select(languageField()!, 'ru');
    const save = [
      ...accountPanel(el).querySelectorAll<HTMLButtonElement>('[part~="account-general"] button'),
    ].find((button) => button.type === 'submit')!;
    await waitUntil(() => !save.disabled, 'Save stayed disabled');
    save.focus();
    save.click();
    await waitUntil(
      () => recorder.frames.some((f) => f.texts[0] === RUSSIAN.signOut),
      'did not follow the change to Russian',
      { timeout: 5000 },
    );
    recorder.stop();
    expect(recorder.frames.filter((f) => !f.visible || f.busy)).to.deep.equal([]);
    // Chinese until the Russian dictionary arrived, as before: no frame without either.
    const shown = new Set(recorder.frames.map((f) => f.texts[0]));
    expect([...shown].every((text) => [CHINESE.signOut, RUSSIAN.signOut].includes(text))).to.equal(
      true,
    );
    // Focus stayed in the widget (hiding it would have dropped focus to the page's body).
    expect(deepActiveElement() === document.body, `focus is on ${focused()}`).to.equal(false);
  });
});
