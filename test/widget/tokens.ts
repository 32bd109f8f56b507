/// <reference types="mocha" />
import { waitUntil } from '@open-wc/testing';
import type { CreatedToken, Token } from '../../shared/tokens.ts';
import type { UserManagement } from '../../widget/user-management.ts';
import { createAccount, login, me, root, switchAccount } from './helpers.ts';

/**
 * Helpers for the API tokens tests. Each test file works in an account of its own (created by
 * the demo administrator), so its tokens neither count against the demo account's limit of 100
 * nor show up in other files' tables.
 */

async function call<T>(
  method: string,
  path: string,
  access: string,
  body?: unknown,
  scheme = 'Bearer',
): Promise<{ status: number; body: T }> {
  const headers: Record<string, string> = { Authorization: `${scheme} ${access}` };
  if (body !== undefined) headers['Content-Type'] = 'application/json';
  const response = await fetch(`/bff${path}`, {
    method,
    headers,
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await response.text();
  return { status: response.status, body: (text ? JSON.parse(text) : undefined) as T };
}

async function ok<T>(method: string, path: string, access: string, body?: unknown): Promise<T> {
  const answer = await call<T>(method, path, access, body);
  if (answer.status >= 300) {
    throw new Error(`${method} ${path} failed: ${answer.status} ${JSON.stringify(answer.body)}`);
  }
  return answer.body;
}

/** A fresh account whose Administrator is the demo admin; the access token is for that account. */
export async function ownAccount(name: string): Promise<{ access: string; clientId: number }> {
  const demo = await login();
  const account = await createAccount(demo.access, `${name} ${Date.now()}`);
  const pair = await switchAccount(demo.access, account.id);
  return { access: pair.access, clientId: account.id };
}

export async function createToken(
  access: string,
  body: { name: string; roleId?: number; exp_date?: string | null; description?: string },
): Promise<CreatedToken> {
  const { id: clientId } = await me(access);
  return ok<CreatedToken>('POST', `/iam/v2/clients/${clientId}/tokens`, access, {
    name: body.name,
    description: body.description,
    exp_date: body.exp_date ?? null,
    client_user: { role: { id: body.roleId ?? 2 } },
  });
}

export async function listTokens(access: string, query = ''): Promise<Token[]> {
  const { id: clientId } = await me(access);
  return ok<Token[]>('GET', `/iam/v2/clients/${clientId}/tokens${query}`, access);
}

export async function deleteToken(access: string, tokenId: number): Promise<void> {
  const { id: clientId } = await me(access);
  await ok('DELETE', `/iam/v2/clients/${clientId}/tokens/${tokenId}`, access);
}

export async function deleteMember(access: string, userId: number): Promise<void> {
  const { id: clientId } = await me(access);
  await ok('DELETE', `/iam/clients/${clientId}/client-users/${userId}`, access);
}

/** `GET /iam/clients/me` with `Authorization: APIKey <token>`: the status only. */
export async function statusWithApiKey(token: string): Promise<number> {
  return (await call('GET', '/iam/clients/me', token, undefined, 'APIKey')).status;
}

export function tokensPanel(el: UserManagement): ShadowRoot {
  const host = root(el).querySelector('um-api-tokens-panel');
  if (!host?.shadowRoot) throw new Error('the API tokens panel is not shown');
  return host.shadowRoot;
}

export function createDialog(el: UserManagement): ShadowRoot {
  const host = tokensPanel(el).querySelector('um-create-token-dialog');
  if (!host?.shadowRoot) throw new Error('the create token dialog is not rendered');
  return host.shadowRoot;
}

/** The one-time dialog's shadow root (inside the create token dialog). */
export function secretDialog(el: UserManagement): ShadowRoot {
  const host = createDialog(el).querySelector('um-token-secret-dialog');
  if (!host?.shadowRoot) throw new Error('the one-time token dialog is not rendered');
  return host.shadowRoot;
}

/** The visible text of a cell: tooltips (shown only on hover or focus) left out. */
export function cellText(cell: Element): string {
  const copy = cell.cloneNode(true) as Element;
  copy.querySelectorAll('[role="tooltip"]').forEach((tip) => tip.remove());
  return copy.textContent!.replace(/\s+/g, ' ').trim();
}

export function tokenRows(el: UserManagement): string[][] {
  return [...tokensPanel(el).querySelectorAll('tbody tr[part="row"]')].map((row) =>
    [...row.querySelectorAll('td')].map(cellText),
  );
}

export function tokenRow(el: UserManagement, tokenId: number): HTMLTableRowElement | null {
  return tokensPanel(el).querySelector<HTMLTableRowElement>(`tr[data-token-id="${tokenId}"]`);
}

/** Waits until the tokens table shows an answer (rows, the empty state or the error state). */
export async function tokensSettled(el: UserManagement) {
  await waitUntil(
    () => {
      const t = root(el).querySelector('um-api-tokens-panel')?.shadowRoot?.querySelector('table');
      return t?.getAttribute('aria-busy') === 'false' && !t.querySelector('tr.loading');
    },
    'the tokens table did not settle',
    { timeout: 5000 },
  );
}
