import type { ReactiveControllerHost } from 'lit';
import type { TokenPair } from '../../shared/auth.ts';
import { ApiClient, normalizeBaseUrl } from './client.ts';
import { sameSession, type Session } from './session.ts';

const STORAGE_KEY_PREFIX = 'um-session:';

/** Why a session ended: the user signed out, or it could not be renewed. */
export type SignOutReason = 'user' | 'expired';

/**
 * The session of one widget: its tokens, their renewal and storage, and the coordination with the
 * other widgets of the page.
 *
 * A session the widget signed in itself lives in `sessionStorage`, keyed by `api`, so a reload
 * stays signed in and every widget of the page with that `api` shares it: a renewal by one is
 * adopted by the others (the client takes turns through a Web Lock), and a sign-out forgets the
 * stored session only when it is this widget's own. A host-given token is never stored or renewed:
 * the host replaces it.
 *
 * The host calls `connect()` whenever `api` or `token` changes (in `willUpdate`, so what it decides
 * there already sees the new client), and is asked to update whenever `client` changes. It needs
 * none of the lifecycle callbacks, so it does not register with `addController()`.
 */
export class SessionController {
  /** The client of the signed-in session (or of the host's token); undefined: signed out. */
  client: ApiClient | undefined;
  /** For what needs no session (sign-in, emailed links); one per `api`, so views keep it. */
  anonymousClient = new ApiClient({ baseUrl: '' });
  private baseUrl = '';
  /** The host's own access token, if it gave one: then there is no sign-in, storage or renewal. */
  private hostToken: string | undefined;
  /** The session this widget holds (as last stored by it), to tell it from another widget's. */
  private ownSession: Session | undefined;

  constructor(
    private readonly host: ReactiveControllerHost,
    /** Told when the session ends (not when the host's token goes away). */
    private readonly onSignedOut: (reason: SignOutReason) => void,
  ) {}

  /** Takes the host's `api` and `token`: the host's token if given, else the stored session. */
  connect(api: string, token: string | undefined): void {
    const baseUrl = normalizeBaseUrl(api);
    if (baseUrl !== this.baseUrl) this.anonymousClient = new ApiClient({ baseUrl });
    this.baseUrl = baseUrl;
    this.hostToken = token;
    this.setClient(
      token
        ? new ApiClient({ baseUrl, session: { access: token } })
        : this.sessionClient(this.readSession()),
    );
  }

  /** A pair from the sign-in view becomes the widget's session, stored for the page. */
  signIn(pair: TokenPair): void {
    const session = { access: pair.access, refresh: pair.refresh };
    this.writeSession(session);
    this.setClient(this.sessionClient(session));
  }

  /**
   * Signs out of the widget's own session, on the BFF too (a host-given token is the host's to
   * drop). Other widgets of the page in the same session follow at their next request.
   */
  signOut(): void {
    if (this.hostToken) return;
    void this.client?.logout();
    this.endSession('user');
  }

  /**
   * Tokens for another account of the member replace the session. With a host-given token the new
   * account's access token lives in memory only, until the host sets `token` again.
   */
  async switchAccount(clientId: number): Promise<void> {
    if (!this.client) return;
    const pair = await this.client.switchAccount(clientId);
    if (this.hostToken) {
      this.setClient(new ApiClient({ baseUrl: this.baseUrl, session: { access: pair.access } }));
    } else {
      this.signIn(pair);
    }
  }

  private setClient(client: ApiClient | undefined): void {
    this.client = client;
    this.host.requestUpdate();
  }

  private sessionClient(session: Session | undefined): ApiClient | undefined {
    if (!session) return undefined;
    this.ownSession = session;
    const client: ApiClient = new ApiClient({
      baseUrl: this.baseUrl,
      session,
      storedSession: () => this.readSession(),
      onSessionChange: (renewed) => {
        // A renewal that finishes after a sign-out (or a switch) speaks for a left-behind client.
        if (this.client !== client) return;
        if (renewed) {
          this.ownSession = renewed;
          this.writeSession(renewed);
        } else {
          this.endSession('expired');
        }
      },
    });
    return client;
  }

  private endSession(reason: SignOutReason): void {
    if (this.hostToken || !this.client) return;
    // The stored session is forgotten only if it is this widget's: another widget of the page may
    // have stored a newer one (a password change, a new sign-in) that must outlive this one.
    const stored = this.readSession();
    const own = this.ownSession;
    if (
      stored &&
      own &&
      (stored.refresh === own.refresh || sameSession(stored.access, own.access))
    ) {
      this.writeSession(undefined);
    }
    this.ownSession = undefined;
    this.setClient(undefined);
    this.onSignedOut(reason);
  }

  private get storageKey(): string {
    return STORAGE_KEY_PREFIX + this.baseUrl;
  }

  // sessionStorage can be unavailable (privacy modes, sandboxed frames): then the session lasts
  // as long as the page.
  private readSession(): Session | undefined {
    try {
      const stored = JSON.parse(sessionStorage.getItem(this.storageKey) ?? 'null') as unknown;
      if (stored && typeof stored === 'object' && typeof (stored as Session).access === 'string') {
        return stored as Session;
      }
    } catch {
      // fall through: no stored session
    }
    return undefined;
  }

  private writeSession(session: Session | undefined): void {
    try {
      if (session) sessionStorage.setItem(this.storageKey, JSON.stringify(session));
      else sessionStorage.removeItem(this.storageKey);
    } catch {
      // see readSession
    }
  }
}
