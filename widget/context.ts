import { consume, createContext, type Context } from '@lit/context';
import { property } from 'lit/decorators.js';
import type { ClientMe } from '../shared/clients.ts';
import type { ApiClient } from './api/client.ts';

/**
 * What `<user-management>` hands down to every panel, dialog and form inside it (Lit's
 * `@lit/context`): no element passes these on by hand. An element takes what it needs with
 * `@provided(clientContext) client!: ApiClient;`, so a new session, an account switch or a new language
 * reaches it at once. Without a provider (an element mounted alone in a test) the property keeps
 * what was set on it directly.
 */

/**
 * The client of the signed-in session or of the host's token; while signed out, a client without
 * credentials (for sign-in and the emailed links).
 */
export const clientContext = createContext<ApiClient>(Symbol('um-client'));

/** The account in scope and the caller's role in it (`GET /iam/clients/me`); undefined until loaded. */
export const meContext = createContext<ClientMe | undefined>(Symbol('um-me'));

/** The language the interface shows now (its dictionary is loaded). */
export const langContext = createContext<string>(Symbol('um-lang'));

/**
 * A property that follows what `<user-management>` provides (`@consume` with `subscribe`), and
 * that a test may also set directly on an element mounted alone.
 */
export function provided<T>(context: Context<unknown, T>) {
  return (proto: object, name: string) => {
    property({ attribute: false })(proto, name);
    consume({ context, subscribe: true })(proto as never, name);
  };
}
