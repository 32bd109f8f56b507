import * as routes from '../../shared/routes.ts';
import type { Route, RouteTypes } from '../../shared/routes.ts';
import {
  ApiError,
  normalizeBaseUrl,
  type AnyCallArgs,
  type CallArgs,
  type ResultOf,
  pathOf,
  queryString,
  readResult,
  send,
  toApiError,
} from './transport.ts';
import { sameSessionAndAccount, type Session } from './session.ts';

export interface ApiClientOptions {
  /** The BFF's base URL; '' or '/' means the page's own origin. */
  baseUrl: string;
  session?: Session;
  /** Called with the renewed session after a refresh, and with null when it cannot be renewed. */
  onSessionChange?: (session: Session | null) => void;
  /**
   * The session as stored now, which another widget on the page (same `api`) may have renewed.
   * A refresh token is single use and the BFF takes a spent one coming back for a stolen copy
   * (ending the session), so before spending its own the client adopts a newer stored one of the
   * same session and account.
   */
  storedSession?: () => Session | undefined;
}

/**
 * How the widget calls the BFF, whatever the route: with the session's access token where the
 * route needs credentials, renewing the session once on a 401 (one renewal at a time, across the
 * page's widgets) and ending it when it cannot be renewed. `ApiClient` (./client.ts) adds a
 * method per endpoint on top.
 */
export class RouteCaller {
  readonly baseUrl: string;
  protected session: Session | undefined;
  /** One refresh at a time: refresh tokens are single use, so parallel 401s must share it. */
  private refreshing: Promise<boolean> | undefined;

  constructor(protected readonly options: ApiClientOptions) {
    this.baseUrl = normalizeBaseUrl(options.baseUrl);
    this.session = options.session;
  }

  /**
   * Calls a route. A route that needs credentials sends the session's access token; a 401 renews
   * the session once and tries again, and ends it when it cannot be renewed.
   */
  async call<T extends RouteTypes>(route: Route<T>, args: CallArgs<T>): Promise<ResultOf<T>> {
    return (await readResult(await this.respond(route, args))) as ResultOf<T>;
  }

  /** `call()` up to a successful answer, whose body the caller reads (JSON, or a download). */
  protected async respond<T extends RouteTypes>(route: Route<T>, args: CallArgs<T>) {
    const { params, query, body, signal, keepalive } = args as AnyCallArgs;
    const path = pathOf(route, params) + queryString(query ?? {});
    const usedAccess = this.session?.access;
    const attempt = () =>
      send(this.baseUrl, {
        method: route.method,
        path,
        body,
        signal,
        keepalive,
        access: route.auth ? this.session?.access : undefined,
      });
    let response = await attempt();
    if (response.status === 401 && route.auth && (await this.renewSession(usedAccess))) {
      response = await attempt();
    }
    if (!response.ok) {
      const error = await toApiError(response);
      if (error.status === 401 && route.auth) this.endSession();
      throw error;
    }
    return response;
  }

  /**
   * Tries the refresh token once; true when a new access token is in place, false when the BFF
   * refused it (the session is over). A BFF that cannot answer now (no network, 503) is no
   * refusal: that error is thrown, the session kept, and the caller's Retry renews later.
   */
  private renewSession(usedAccess: string | undefined): Promise<boolean> {
    // Another request renewed the session while this one was under way: just retry with it.
    if (this.session && this.session.access !== usedAccess) return Promise.resolve(true);
    const refresh = this.session?.refresh;
    if (!refresh) return Promise.resolve(false);
    this.refreshing ??= this.oneRenewalAtATime(async () => {
      const stored = this.options.storedSession?.();
      if (
        stored?.refresh &&
        stored.refresh !== refresh &&
        usedAccess !== undefined &&
        sameSessionAndAccount(stored.access, usedAccess)
      ) {
        this.session = stored; // another widget on the page renewed it meanwhile
        return true;
      }
      try {
        const pair = await this.call(routes.refresh, { body: { refresh } });
        this.session = { access: pair.access, refresh: pair.refresh };
        this.options.onSessionChange?.(this.session);
        return true;
      } catch (error) {
        if (error instanceof ApiError && (error.status === 0 || error.status >= 500)) throw error;
        return false;
      }
    }).finally(() => (this.refreshing = undefined));
    return this.refreshing;
  }

  /**
   * Renewals of every widget of the page with this `api` take turns (a Web Lock), so the second
   * one finds the session the first stored. Without Web Locks (not a secure context) it just runs.
   */
  private oneRenewalAtATime(renew: () => Promise<boolean>): Promise<boolean> {
    const locks = typeof navigator === 'undefined' ? undefined : navigator.locks;
    // request() answers what the callback's promise settles with; `then` says so to TypeScript.
    return locks ? locks.request(`um-renew:${this.baseUrl}`, renew).then((ok) => ok) : renew();
  }

  /** A host-given token (no refresh) stays: the host owns it and may hand over a new one. */
  private endSession(): void {
    if (!this.session?.refresh) return;
    this.session = undefined;
    this.options.onSessionChange?.(null);
  }
}
