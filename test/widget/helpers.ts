/// <reference types="mocha" />
import { expect, waitUntil } from '@open-wc/testing';
import { sendMouse, setViewport } from '@web/test-runner-commands';
import type { TokenPair } from '../../shared/auth.ts';
import type { UsersPage } from '../../shared/users.ts';
import type { UserManagement } from '../../widget/user-management.ts';
import { loadAll } from '../../widget/lazy.ts';

// What the built widget loads on first use (widget/lazy.ts) is compiled on the fly by the test
// server, which can take longer than a test's wait for the BFF: loaded once, up front. The loading
// itself is tested in widget/lazy.test.ts, and in the built widget by the e2e tests.
await loadAll();

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

/**
 * Gives /bff-slow requests whose path and query contain `match` a delay of their own (ms);
 * `setDelays([])` goes back to the one delay for all (web-test-runner.config.mjs).
 */
export async function setDelays(rules: { match: string; ms: number }[]): Promise<void> {
  const response = await fetch('/__delays', { method: 'POST', body: JSON.stringify(rules) });
  if (!response.ok) throw new Error(`setting delays failed: ${response.status}`);
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

/** An email no other test (or earlier run against the same server) uses. */
export function uniqueEmail(prefix = 'invitee'): string {
  return `${prefix}-${Date.now()}-${Math.random().toString(36).slice(2, 8)}@invite.test`;
}

async function bff<T>(
  method: string,
  path: string,
  options: { access?: string; body?: unknown } = {},
): Promise<T> {
  const headers: Record<string, string> = {};
  if (options.access) headers.Authorization = `Bearer ${options.access}`;
  if (options.body !== undefined) headers['Content-Type'] = 'application/json';
  const response = await fetch(`/bff${path}`, {
    method,
    headers,
    body: options.body === undefined ? undefined : JSON.stringify(options.body),
  });
  if (!response.ok) {
    throw new Error(`${method} ${path} failed: ${response.status} ${await response.text()}`);
  }
  if (response.status === 204) return undefined as T;
  return (await response.json()) as T;
}

export function me(access: string) {
  return bff<{ id: number; currentUser: number; companyName: string }>('GET', '/iam/clients/me', {
    access,
  });
}

/** Invites `email` into the caller's account through the API (Users role unless told). */
export async function invite(
  access: string,
  email: string,
  extra: Record<string, unknown> = {},
): Promise<number> {
  const { id } = await me(access);
  const result = await bff<{ user_id: number }>('POST', '/iam/clients/invite_user', {
    access,
    body: { client_id: id, email, user_role: { id: 2, name: 'Users' }, ...extra },
  });
  return result.user_id;
}

export interface MailboxMessage {
  id: number;
  to: string;
  subject: string;
  text: string;
  links: string[];
}

export async function mailbox(): Promise<MailboxMessage[]> {
  return (await bff<{ messages: MailboxMessage[] }>('GET', '/dev/mailbox')).messages;
}

/** The messages sent to `email`, newest first; waits for at least `count` (the outbox is async). */
export async function messagesTo(email: string, count = 1): Promise<MailboxMessage[]> {
  let found: MailboxMessage[] = [];
  await waitUntil(
    async () => {
      found = (await mailbox()).filter((message) => message.to === email);
      return found.length >= count;
    },
    `fewer than ${count} emails to ${email} in the mailbox`,
    { timeout: 8000, interval: 100 },
  );
  return found;
}

/** The token of the invitation link in the newest email to `email`. */
export async function invitationToken(email: string, count = 1): Promise<string> {
  const [newest] = await messagesTo(email, count);
  const link = newest.links.find((href) => href.includes('token='));
  if (!link) throw new Error(`no invitation link in "${newest.text}"`);
  return new URL(link).searchParams.get('token')!;
}

export function invitationState(token: string) {
  return bff<{ state: string; email: string | null; new_user: boolean | null }>(
    'GET',
    `/iam/auth/invitations/${encodeURIComponent(token)}`,
  );
}

export function acceptInvitation(token: string, body: Record<string, unknown>) {
  return bff<{ status: string }>('POST', `/iam/auth/invitations/${token}/accept`, { body });
}

export function resendInvite(access: string, clientId: number, userId: number) {
  return bff<{ status: string }>(
    'POST',
    `/iam/clients/${clientId}/client-users/${userId}/resend_invite`,
    { access },
  );
}

/**
 * The requests the page made to a URL containing `path`, from the browser's resource timing: it
 * observes what went over the wire without stubbing anything. Call `performance.clearResourceTimings()`
 * first (the buffer is small and would fill up over a whole suite).
 */
// The browser keeps 250 resource timings by default, and a test file makes more requests than
// that: without room, requestsTo() would stop seeing new ones.
performance.setResourceTimingBufferSize(100_000);

export function requestsTo(path: string): PerformanceResourceTiming[] {
  return (performance.getEntriesByType('resource') as PerformanceResourceTiming[]).filter((entry) =>
    entry.name.includes(path),
  );
}

/** The invite dialog's shadow root (the dialog lives inside the users panel). */
export function inviteDialog(el: UserManagement): ShadowRoot {
  const host = panel(el).querySelector('um-invite-user-dialog');
  if (!host?.shadowRoot) throw new Error('the invite dialog is not rendered');
  return host.shadowRoot;
}

export function acceptView(el: UserManagement): ShadowRoot {
  const host = root(el).querySelector('um-accept-invitation-view');
  if (!host?.shadowRoot) throw new Error('the acceptance view is not shown');
  return host.shadowRoot;
}

/** Sets a field the way typing does (an input event). */
export function fill(input: HTMLInputElement, value: string) {
  input.value = value;
  input.dispatchEvent(new InputEvent('input', { bubbles: true, composed: true }));
}

/**
 * A short, readable name of an element for focus assertions: chai prints (and the runner must
 * serialize) whole elements otherwise, which makes a failed focus check hard to read.
 */
export function describeElement(node: Element | null): string {
  if (!node) return 'nothing';
  const attrs = ['id', 'name', 'data-action', 'role', 'aria-label']
    .filter((name) => node.hasAttribute(name))
    .map((name) => `[${name}="${node.getAttribute(name)}"]`)
    .join('');
  return `${node.localName}${attrs} "${node.textContent?.trim().slice(0, 30) ?? ''}"`;
}

/**
 * A real click in the middle of `target` (a user interaction: Chrome lets a page refuse a dialog's
 * `cancel`, as Escape sends it, only after one).
 */
export async function clickOn(target: Element) {
  const box = target.getBoundingClientRect();
  await sendMouse({
    type: 'click',
    position: [Math.round(box.x + box.width / 2), Math.round(box.y + box.height / 2)],
  });
}

/** The element that has focus (through shadow roots), described. */
export function focused(): string {
  return describeElement(deepActiveElement());
}

/** The edit dialog's shadow root (the dialog lives inside the users panel). */
export function editDialog(el: UserManagement): ShadowRoot {
  const host = panel(el).querySelector('um-edit-user-dialog');
  if (!host?.shadowRoot) throw new Error('the edit dialog is not rendered');
  return host.shadowRoot;
}

export function accountPanel(el: UserManagement): ShadowRoot {
  const host = root(el).querySelector('um-account-panel');
  if (!host?.shadowRoot) throw new Error('the account panel is not shown');
  return host.shadowRoot;
}

export const MEMBER_PASSWORD = 'a-long-enough-passphrase';

export interface Member {
  email: string;
  password: string;
  userId: number;
  access: string;
  refresh: string;
}

/**
 * A person of the tests' own: invited into the admin's account through the API, accepted through
 * the emailed link, signed in. Tests that change passwords, emails or roles use one of these,
 * never a seeded user (all test files share one server).
 */
export async function newMember(
  adminAccess: string,
  prefix: string,
  extra: Record<string, unknown> = {},
): Promise<Member> {
  const email = uniqueEmail(prefix);
  const userId = await invite(adminAccess, email, extra);
  await acceptInvitation(await invitationToken(email), { password: MEMBER_PASSWORD });
  const pair = await login({ username: email, password: MEMBER_PASSWORD });
  return { email, password: MEMBER_PASSWORD, userId, ...pair };
}

export interface ApiUser {
  id: number;
  email: string;
  name: string | null;
  phone: string | null;
  lang: string;
  groups: { id: number; name: string }[];
}

export function getUser(access: string, userId: number) {
  return bff<ApiUser>('GET', `/iam/users/${userId}`, { access });
}

/** A member's Cloud role assignments (the first page of Gcore's offset page: up to 1000). */
export async function cloudAssignments(access: string, userId: number) {
  const page = await bff<{ results: { id: number; project_id: number | null; role: string }[] }>(
    'GET',
    `/cloud/v1/users/assignments?user_id=${userId}`,
    { access },
  );
  return page.results;
}

/** The account's live projects (the first page: up to 1000). */
export async function projects(access: string) {
  const page = await bff<{ results: { id: number; name: string }[] }>('GET', '/cloud/v1/projects', {
    access,
  });
  return page.results;
}

export function setRole(access: string, clientId: number, userId: number, roleId: number) {
  return bff<void>('PUT', `/iam/clients/${clientId}/client-users/${userId}`, {
    access,
    body: { user_role: { id: roleId } },
  });
}

/** A new account whose only Administrator is the caller. */
export function createAccount(access: string, company: string) {
  return bff<{ id: number; company: string }>('POST', '/iam/clients/create', {
    access,
    body: { company },
  });
}

/** Tokens of the caller for another of their accounts. */
export function switchAccount(access: string, clientId: number) {
  return bff<TokenPair>('GET', `/iam/auth/jwt/clients/${clientId}/login`, { access });
}

/** Waits for two animation frames: the layout at a new size, then anything that follows from it. */
export function nextFrames(): Promise<void> {
  return new Promise((resolve) =>
    requestAnimationFrame(() => requestAnimationFrame(() => resolve())),
  );
}

/**
 * axe on `el` at the test's width, then again at 375 px (a phone's width: the tables' cards, the
 * filters in one column, the footer wrapped), then back. A resize closes an open row menu:
 * `reopen` brings back what the state under test had open.
 */
export async function expectAccessible(el: Element, reopen?: () => Promise<unknown>) {
  await expect(el).to.be.accessible();
  const { innerWidth: width, innerHeight: height } = window;
  await setViewport({ width: 375, height: 800 });
  try {
    await nextFrames();
    await reopen?.();
    await expect(el, 'at 375 px').to.be.accessible();
  } finally {
    await setViewport({ width, height });
    await nextFrames();
  }
}
