/// <reference types="mocha" />
import { expect, fixture, html, waitUntil } from '@open-wc/testing';
import '../user-management.ts';
import type { UserManagement } from '../user-management.ts';
import {
  ADMIN,
  accountPanel,
  acceptView,
  invitationToken,
  invite,
  login,
  MEMBER_PASSWORD,
  newMember,
  root,
  select,
  sessionKey,
  signInForm,
  uniqueEmail,
  type Member,
  expectAccessible,
} from '../../test/widget/helpers.ts';
import { english as en } from '../../test/support/english.ts';
import { de } from './de.ts';
import { enCore } from './en-core.ts';
import { en as enOnUse } from './en.ts';
import { loadLanguage, resolveLang, t, UI_LANGUAGES, type Dictionary } from './index.ts';
import { ru } from './ru.ts';
import { zh } from './zh.ts';

const TRANSLATIONS: Record<string, Dictionary> = { de, zh, ru };

const placeholders = (text: string) => [...text.matchAll(/\{(\w+)\}/g)].map((m) => m[1]).sort();

/** The text of the widget's Sign out button (its toolbar is in the root's shadow root). */
function signOutText(el: UserManagement): string {
  return root(el).querySelector('[part~="sign-out"]')?.textContent?.trim() ?? '';
}

function signInHeading(el: UserManagement): string {
  return signInForm(el)?.querySelector('h2')?.textContent?.trim() ?? '';
}

async function renderSignedIn(member: Member, lang?: string): Promise<UserManagement> {
  sessionStorage.setItem(
    sessionKey('/bff'),
    JSON.stringify({ access: member.access, refresh: member.refresh }),
  );
  return fixture<UserManagement>(
    lang
      ? html`<user-management api="/bff" panel="account" lang=${lang}></user-management>`
      : html`<user-management api="/bff" panel="account"></user-management>`,
  );
}

describe('Languages', () => {
  let adminAccess: string;
  before(async () => {
    adminAccess = (await login(ADMIN)).access;
  });
  afterEach(() => sessionStorage.clear());

  describe('the dictionaries', () => {
    it('offer English, German, Chinese and Russian', () => {
      expect(UI_LANGUAGES).to.deep.equal(['en', 'de', 'zh', 'ru']);
    });

    for (const [lang, dictionary] of Object.entries(TRANSLATIONS)) {
      it(`${lang}: every message, with the placeholders of the English one`, () => {
        const keys = Object.keys(en) as (keyof typeof en)[];
        expect([...Object.keys(dictionary)].sort()).to.deep.equal([...keys].sort());
        // In the order of each English file: a key added at the end of one is added at the end of
        // the others (several people add keys at once; the merge stays mechanical).
        for (const part of [enCore, enOnUse]) {
          const inPart = Object.keys(dictionary).filter((key) => key in part);
          expect(inPart, 'the order of the English file').to.deep.equal(Object.keys(part));
        }
        const wrong = keys.filter(
          (key) =>
            !dictionary[key].trim() ||
            placeholders(dictionary[key]).join() !== placeholders(en[key]).join(),
        );
        expect(wrong, `messages with a blank text or other placeholders`).to.deep.equal([]);
        // Translated, not copied: only codes, symbols and shared words ("Name", "Status") may match.
        const same = keys.filter((key) => dictionary[key] === en[key]);
        expect(same.length, `untranslated: ${same.join(', ')}`).to.be.below(keys.length / 10);
      });
    }

    it('map a regional or unknown language to one they have', () => {
      expect(resolveLang('de-AT')).to.equal('de');
      expect(resolveLang('ZH-Hans')).to.equal('zh');
      expect(resolveLang('pt-BR')).to.equal('en');
      expect(resolveLang('')).to.equal('en');
      expect(resolveLang(undefined)).to.equal('en');
    });

    it('load a language on first use, then translate with it', async () => {
      expect(await loadLanguage('ru-RU')).to.equal('ru');
      expect(t('users.showing', { from: 1, to: 10, count: 31 }, 'ru')).to.equal(
        ru['users.showing'].replace('{from}', '1').replace('{to}', '10').replace('{count}', '31'),
      );
      expect(await loadLanguage('fr')).to.equal('en');
    });
  });

  describe('the widget', () => {
    it("shows the host's lang, and marks its views with it", async () => {
      const el = await fixture<UserManagement>(
        html`<user-management api="/bff" lang="de"></user-management>`,
      );
      await waitUntil(() => signInHeading(el) === de['signIn.heading'], 'not in German');
      expect(root(el).querySelector('um-sign-in-view')!.getAttribute('lang')).to.equal('de');
      el.lang = 'zh';
      await waitUntil(() => signInHeading(el) === zh['signIn.heading'], 'not in Chinese');
      el.lang = 'pt';
      await waitUntil(() => signInHeading(el) === en['signIn.heading'], 'not back in English');
      expect(root(el).querySelector('um-sign-in-view')!.getAttribute('lang')).to.equal('en');
    });

    it("follows the signed-in member's language, and their change of it", async () => {
      const member = await newMember(adminAccess, 'lang-ru', { lang: 'ru' });
      const el = await renderSignedIn(member);
      await waitUntil(() => signOutText(el) === ru['app.signOut'], 'not in Russian');
      const panel = () => accountPanel(el);
      await waitUntil(() => panel().querySelector('#general-lang'), 'no language field');
      expect(root(el).querySelector('um-account-panel')!.getAttribute('lang')).to.equal('ru');
      await expectAccessible(el);

      select(panel().querySelector<HTMLSelectElement>('#general-lang')!, 'zh');
      const save = () =>
        [...panel().querySelectorAll<HTMLButtonElement>('[part~="account-general"] button')].find(
          (button) => button.textContent!.trim() === ru['account.save'],
        );
      await waitUntil(() => save() && !save()!.disabled, 'Save stayed disabled');
      save()!.click();
      await waitUntil(() => signOutText(el) === zh['app.signOut'], 'did not follow the change');
    });

    it("lets the host's lang win over the member's", async () => {
      const member = await newMember(adminAccess, 'lang-host', { lang: 'ru' });
      const el = await renderSignedIn(member, 'de');
      await waitUntil(() => signOutText(el) === de['app.signOut'], 'not in German');
      await waitUntil(() => accountPanel(el).querySelector('#general-lang'), 'no account panel');
      expect(signOutText(el)).to.equal(de['app.signOut']);
    });

    it("shows an invitation link in the invitee's language, and the sign-in after it", async () => {
      const email = uniqueEmail('lang-invitee');
      await invite(adminAccess, email, { lang: 'zh' });
      const token = await invitationToken(email);
      const el = await fixture<UserManagement>(
        html`<user-management api="/bff" invitation-token=${token}></user-management>`,
      );
      const submitButton = () =>
        acceptView(el).querySelector<HTMLButtonElement>('button[type="submit"]');
      await waitUntil(
        () => submitButton()?.textContent!.trim() === zh['accept.submit'],
        'the acceptance view is not in Chinese',
      );
      for (const id of ['password', 'repeat']) {
        acceptView(el).querySelector<HTMLInputElement>(`input[name="${id}"]`)!.value =
          MEMBER_PASSWORD;
      }
      submitButton()!.click();
      await waitUntil(() => signInForm(el), 'no sign-in view after accepting');
      // Signed out still, the invitee's language goes on: heading and notice agree.
      expect(signInHeading(el)).to.equal(zh['signIn.heading']);
      expect(signInForm(el)!.querySelector('[part="notice"]')!.textContent!.trim()).to.equal(
        zh['signIn.invitationAccepted'].replace('{company}', 'Acme Cloud'),
      );
    });

    it("shows a member whose language it has no dictionary for (az) the browser's", async () => {
      const member = await newMember(adminAccess, 'lang-az', { lang: 'az' });
      const el = await renderSignedIn(member);
      await waitUntil(() => accountPanel(el).querySelector('#general-lang'), 'no account panel');
      expect(signOutText(el)).to.equal(en['app.signOut']); // the test browser is en-US
    });
  });
});
