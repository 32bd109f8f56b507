/// <reference types="mocha" />
import { waitUntil } from '@open-wc/testing';
import type { TokenPair } from '../shared/auth.ts';
import type { UsersPage } from '../shared/users.ts';
import type { UserManagement } from './user-management.ts';

/**
 * Helpers for the widget's browser tests. `/bff` is the real BFF behind the test server's proxy
 * (web-test-runner.config.mjs), seeded with the demo accounts.
 */

export const ADMIN = { username: 'admin@demo.test', password: 'demo-admin-password' };

export async function login(credentials = ADMIN): Promise<TokenPair> {
  const response = await fetch('/bff/iam/auth/jwt/login', {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify(credentials),
  });
  if (!response.ok) throw new Error(`login failed: ${response.status}`);
  return (await response.json()) as TokenPair;
}

/** Asks the BFF directly, to compare what the widget shows with what the server holds. */
export async function countUsers(access: string, query = ''): Promise<number> {
  const response = await fetch(`/bff/iam/users?limit=1${query ? `&${query}` : ''}`, {
    headers: { Authorization: `Bearer ${access}` },
  });
  if (!response.ok) throw new Error(`list failed: ${response.status}`);
  return ((await response.json()) as UsersPage).count;
}

export async function setOutage(on: boolean): Promise<void> {
  await fetch(`/__outage/${on ? 'on' : 'off'}`, { method: 'POST' });
}

export function root(el: UserManagement): ShadowRoot {
  return el.shadowRoot!;
}

export function panel(el: UserManagement): ShadowRoot {
  const users = root(el).querySelector('um-users-panel');
  if (!users?.shadowRoot) throw new Error('the users panel is not shown');
  return users.shadowRoot;
}

export function signInForm(el: UserManagement): HTMLFormElement | null {
  return root(el).querySelector('um-sign-in-view')?.shadowRoot?.querySelector('form') ?? null;
}

export function table(el: UserManagement): HTMLTableElement {
  return panel(el).querySelector('table')!;
}

/** The visible text of each cell of each user row. */
export function rows(el: UserManagement): string[][] {
  return [...panel(el).querySelectorAll('tbody tr[part="row"]')].map((row) =>
    [...row.querySelectorAll('td')].map((cell) => cell.textContent!.trim()),
  );
}

export function column(el: UserManagement, index: number): string[] {
  return rows(el).map((cells) => cells[index]);
}

export function summary(el: UserManagement): string {
  return panel(el).querySelector('[part="summary"]')?.textContent?.trim() ?? '';
}

/** Waits until the table shows an answer (rows, the empty state or the error state). */
export async function settled(el: UserManagement, message = 'the table did not settle') {
  await waitUntil(
    () => {
      const shadow = root(el).querySelector('um-users-panel')?.shadowRoot;
      const t = shadow?.querySelector('table');
      return t?.getAttribute('aria-busy') === 'false' && !t.querySelector('tr.loading');
    },
    message,
    { timeout: 5000 },
  );
}

/** Waits until the summary reads `text`. */
export async function summaryIs(el: UserManagement, text: string) {
  await waitUntil(() => summary(el) === text, `summary is "${summary(el)}", expected "${text}"`, {
    timeout: 5000,
  });
}

/** Types into a text filter the way a user does (input events; the panel debounces). */
export function typeInto(input: HTMLInputElement, value: string) {
  input.focus();
  input.value = value;
  input.dispatchEvent(new InputEvent('input', { bubbles: true, composed: true }));
}

export function select(selectEl: HTMLSelectElement, value: string) {
  selectEl.value = value;
  selectEl.dispatchEvent(new Event('change', { bubbles: true }));
}

/** The element that has focus, looking through shadow roots. */
export function deepActiveElement(): Element | null {
  let active = document.activeElement;
  while (active?.shadowRoot?.activeElement) active = active.shadowRoot.activeElement;
  return active;
}

export function sessionKey(api: string) {
  return `um-session:${api}`;
}
