/// <reference types="mocha" />
import { expect, fixture, html, waitUntil } from '@open-wc/testing';
import '../user-management.ts';
import type { UserManagement } from '../user-management.ts';
import {
  ADMIN,
  login,
  newMember,
  requestsTo,
  root,
  sessionKey,
  setDelays,
} from '../../test/widget/helpers.ts';

/**
 * The language shown last in the tab is asked for at once on the next load (widget/controllers/
 * language.ts), beside the account's `me`: a view's first paint waits for both. Alone on its
 * page, so the Russian dictionary is loaded here for the first time.
 */
describe('LanguageController', () => {
  afterEach(async () => {
    sessionStorage.clear();
    await setDelays([]);
  });

  it('asks for the dictionary shown last in the tab before the account names the language', async () => {
    const admin = await login(ADMIN);
    const member = await newMember(admin.access, 'lang-last', { lang: 'ru' });
    sessionStorage.setItem(
      sessionKey('/bff-slow'),
      JSON.stringify({ access: member.access, refresh: member.refresh }),
    );
    sessionStorage.setItem('um-lang', 'ru');
    await setDelays([
      { match: '/clients/me', ms: 3000 },
      { match: '', ms: 0 },
    ]);
    performance.clearResourceTimings();
    const el = await fixture<UserManagement>(
      html`<user-management api="/bff-slow"></user-management>`,
    );
    await waitUntil(() => requestsTo('/locales/ru.ts').length > 0, 'Russian was not asked for', {
      timeout: 2500,
    });
    expect(requestsTo('/clients/me'), 'me has not answered yet').to.have.length(0);
    const signOut = () => root(el).querySelector('[part~="sign-out"]')?.textContent?.trim();
    await waitUntil(() => signOut() === 'Выйти', 'not in Russian', { timeout: 5000 });
  });

  it('keeps the language it shows in the tab, for the next load', async () => {
    const admin = await login(ADMIN);
    const member = await newMember(admin.access, 'lang-keep', { lang: 'ru' });
    sessionStorage.setItem(
      sessionKey('/bff'),
      JSON.stringify({ access: member.access, refresh: member.refresh }),
    );
    const el = await fixture<UserManagement>(html`<user-management api="/bff"></user-management>`);
    const signOut = () => root(el).querySelector('[part~="sign-out"]')?.textContent?.trim();
    await waitUntil(() => signOut() === 'Выйти', 'not in Russian', { timeout: 5000 });
    expect(sessionStorage.getItem('um-lang')).to.equal('ru');
  });
});
