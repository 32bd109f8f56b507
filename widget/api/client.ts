import type { LoginBody, TokenPair } from '../../shared/auth.ts';
import type { ClientMe } from '../../shared/clients.ts';
import type { ErrorBody, ErrorCode, FieldErrors } from '../../shared/errors.ts';
import type {
  AcceptInvitationBody,
  InvitationState,
  InviteUserBody,
  Project,
} from '../../shared/invitations.ts';
import type { CloudAssignment } from '../../shared/cloud.ts';
import type { CloudRole } from '../../shared/roles.ts';
import type { CreateTokenBody, CreatedToken, Token } from '../../shared/tokens.ts';
import type { BackupCodes, LoginsPage, TwoFaSetup } from '../../shared/two-fa.ts';
import type {
  ChangeEmailBody,
  ChangePasswordBody,
  ClientUserRole,
  UpdateUserBody,
  User,
  UsersPage,
  UsersQueryInput,
} from '../../shared/users.ts';

/**
 * The widget's typed client of the BFF (API.md). Only types come from shared/ here; forms that
 * validate before sending import the shared zod schemas themselves, and the BFF validates every
 * request anyway.
 */

/** Codes the client adds for failures that never reached (or never came back from) the BFF. */
export type ClientErrorCode = 'network_error' | 'unexpected_response';

export class ApiError extends Error {
  override readonly name = 'ApiError';
  constructor(
    /** HTTP status; 0 when the server could not be reached. */
    readonly status: number,
    readonly code: ErrorCode | ClientErrorCode,
    message: string,
    readonly fieldErrors: FieldErrors = {},
    /** Seconds to wait before retrying, from `Retry-After` (503, 429). */
    readonly retryAfter: number | undefined = undefined,
    /** The server's `request_id` of a 500, to quote to support. */
    readonly requestId: string | undefined = undefined,
  ) {
    super(message);
  }
}

/** Any failure as an ApiError: what a request refused, or anything else as an unexpected answer. */
export function asApiError(error: unknown): ApiError {
  return error instanceof ApiError ? error : new ApiError(0, 'unexpected_response', String(error));
}

export function isAbortError(error: unknown): boolean {
  return error instanceof DOMException && error.name === 'AbortError';
}

export interface Session {
  access: string;
  /** Absent when the host handed the widget its own access token: then there is nothing to renew. */
  refresh?: string;
}

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

/** Status → code for answers whose body is not the BFF's JSON (a proxy's 502 page, say). */
const CODE_BY_STATUS: Record<number, ErrorCode> = {
  400: 'validation_failed',
  401: 'not_authenticated',
  403: 'forbidden',
  404: 'not_found',
  405: 'method_not_allowed',
  409: 'conflict',
  413: 'payload_too_large',
  429: 'rate_limited',
  503: 'service_unavailable',
};

export function normalizeBaseUrl(api: string | null | undefined): string {
  return (api ?? '').trim().replace(/\/+$/, '');
}

function parseRetryAfter(value: string | null): number | undefined {
  if (!value) return undefined;
  if (/^\d+$/.test(value.trim())) return Number(value);
  const date = Date.parse(value);
  return Number.isNaN(date) ? undefined : Math.max(0, Math.ceil((date - Date.now()) / 1000));
}

function isErrorBody(body: unknown): body is ErrorBody {
  return (
    typeof body === 'object' &&
    body !== null &&
    typeof (body as ErrorBody).code === 'string' &&
    typeof (body as ErrorBody).message === 'string'
  );
}

/** `{client_user: {role: [...]}}` (the one nested shape Gcore uses) → `{'client_user.role': [...]}`. */
function flattenFieldErrors(errors: object, prefix = ''): FieldErrors {
  const flat: FieldErrors = {};
  for (const [key, value] of Object.entries(errors)) {
    const path = prefix ? `${prefix}.${key}` : key;
    if (Array.isArray(value)) flat[path] = value.map(String);
    else if (value && typeof value === 'object')
      Object.assign(flat, flattenFieldErrors(value, path));
  }
  return flat;
}

async function toApiError(response: Response): Promise<ApiError> {
  const retryAfter = parseRetryAfter(response.headers.get('Retry-After'));
  let body: unknown;
  try {
    body = await response.json();
  } catch {
    body = undefined;
  }
  if (isErrorBody(body)) {
    // Gcore puts non-field messages of a failed sign-in under `errors.errors`; they are not fields.
    const { errors: _nonField, ...fieldErrors } = flattenFieldErrors(body.errors ?? {});
    return new ApiError(
      response.status,
      body.code,
      body.message,
      fieldErrors,
      retryAfter,
      body.request_id,
    );
  }
  const code = CODE_BY_STATUS[response.status] ?? 'internal_error';
  return new ApiError(response.status, code, response.statusText, {}, retryAfter);
}

type Query = Record<string, string | number | boolean | readonly (string | number)[] | undefined>;

function queryString(query: Query): string {
  const params = new URLSearchParams();
  for (const [key, value] of Object.entries(query)) {
    if (value === undefined || value === '') continue;
    for (const item of Array.isArray(value) ? value : [value]) params.append(key, String(item));
  }
  const text = params.toString();
  return text ? `?${text}` : '';
}

/** The claims of a JWT, unverified: only to tell whose session and account a stored pair is. */
function jwtClaims(token: string): { sid?: unknown; client_id?: unknown } | undefined {
  try {
    const payload = token.split('.')[1]!.replace(/-/g, '+').replace(/_/g, '/');
    return JSON.parse(atob(payload)) as { sid?: unknown; client_id?: unknown };
  } catch {
    return undefined;
  }
}

/** Whether two access tokens name one session (decoded, not verified: the BFF verifies). */
export function sameSession(a: string, b: string): boolean {
  const [first, second] = [jwtClaims(a), jwtClaims(b)];
  return first?.sid !== undefined && first.sid === second?.sid;
}

/**
 * Whether two access tokens belong to one session in one account: a pair another widget stored
 * after an account switch, or after someone else signed in, is not this widget's to take.
 */
function sameSessionAndAccount(a: string, b: string): boolean {
  return sameSession(a, b) && jwtClaims(a)?.client_id === jwtClaims(b)?.client_id;
}

export class ApiClient {
  readonly baseUrl: string;
  private session: Session | undefined;
  private readonly onSessionChange: ((session: Session | null) => void) | undefined;
  private readonly storedSession: (() => Session | undefined) | undefined;
  /** One refresh at a time: refresh tokens are single use, so parallel 401s must share it. */
  private refreshing: Promise<boolean> | undefined;

  constructor(options: ApiClientOptions) {
    this.baseUrl = normalizeBaseUrl(options.baseUrl);
    this.session = options.session;
    this.onSessionChange = options.onSessionChange;
    this.storedSession = options.storedSession;
  }

  /** `POST /iam/auth/jwt/login`: exchanges credentials for a token pair (no Authorization). */
  login(body: LoginBody, signal?: AbortSignal): Promise<TokenPair> {
    return this.send<TokenPair>('POST', '/iam/auth/jwt/login', { body, signal, auth: false });
  }

  /**
   * `POST /iam/auth/jwt/logout`: ends this session on the BFF too, so a copy of its tokens is
   * worthless. Best effort: signing out here never waits on it or fails with it.
   */
  async logout(): Promise<void> {
    const refresh = this.session?.refresh;
    if (!refresh) return; // a host-given token: the host signs its users out
    try {
      // keepalive: a host that navigates away on um-signed-out must not cancel it.
      await this.send<void>('POST', '/iam/auth/jwt/logout', {
        body: { refresh },
        auth: false,
        keepalive: true,
      });
    } catch {
      // Offline or refused: the session ends with its tokens' lifetime instead.
    }
  }

  /** `GET /iam/clients/me`: the account in scope and the caller's role in it. */
  me(signal?: AbortSignal): Promise<ClientMe> {
    return this.send<ClientMe>('GET', '/iam/clients/me', { signal });
  }

  /** `GET /iam/users` with `limit`: one page of the account's users, filtered and ordered. */
  listUsers(
    query: UsersQueryInput & { limit: number; offset: number },
    signal?: AbortSignal,
  ): Promise<UsersPage> {
    return this.send<UsersPage>('GET', `/iam/users${queryString(query)}`, { signal });
  }

  /** `POST /iam/clients/invite_user`: invites a person into the account; the BFF sends the email. */
  inviteUser(
    body: InviteUserBody,
    signal?: AbortSignal,
  ): Promise<{ status: 'sent'; user_id: number }> {
    return this.send('POST', '/iam/clients/invite_user', { body, signal });
  }

  /** `POST …/resend_invite`: a new link for a pending invitation; earlier links stop working. */
  resendInvite(
    clientId: number,
    userId: number,
    signal?: AbortSignal,
  ): Promise<{ status: 'sent' }> {
    return this.send('POST', `/iam/clients/${clientId}/client-users/${userId}/resend_invite`, {
      signal,
    });
  }

  /** `GET /cloud/v1/projects`: the account's projects, for Cloud access at project scope. */
  projects(signal?: AbortSignal): Promise<Project[]> {
    return this.send<Project[]>('GET', '/cloud/v1/projects', { signal });
  }

  /** `GET /iam/users/{userId}`: one user of the account, with IAM role and Cloud access. */
  user(userId: number, signal?: AbortSignal): Promise<User> {
    return this.send<User>('GET', `/iam/users/${userId}`, { signal });
  }

  /** `PATCH /iam/users/{userId}`: name, language, phone (the user, or an Administrator). */
  updateUser(userId: number, body: UpdateUserBody, signal?: AbortSignal): Promise<User> {
    return this.send<User>('PATCH', `/iam/users/${userId}`, { body, signal });
  }

  /**
   * `PUT /iam/users/{userId}/email`: the caller's own email, with their current password (202).
   * It emails a confirmation link to the new address; the email changes when the link is opened.
   */
  changeEmail(
    userId: number,
    body: ChangeEmailBody,
    signal?: AbortSignal,
  ): Promise<{ status: 'confirmation_sent'; new_email: string }> {
    return this.send('PUT', `/iam/users/${userId}/email`, { body, signal });
  }

  /** `POST /iam/auth/email/confirm`: the emailed link's token changes the email (no auth). */
  confirmEmailChange(
    token: string,
    signal?: AbortSignal,
  ): Promise<{ status: 'changed'; email: string }> {
    return this.send('POST', '/iam/auth/email/confirm', { body: { token }, signal, auth: false });
  }

  /**
   * `PUT /iam/users/{userId}/password`: the caller's own password. The server voids every earlier
   * refresh token and answers a fresh session, which this client adopts when the session is its own
   * (a host-given token is the host's to renew).
   */
  async changePassword(
    userId: number,
    body: ChangePasswordBody,
    signal?: AbortSignal,
  ): Promise<void> {
    const pair = await this.send<TokenPair>('PUT', `/iam/users/${userId}/password`, {
      body,
      signal,
    });
    if (this.session?.refresh) {
      this.session = { access: pair.access, refresh: pair.refresh };
      this.onSessionChange?.(this.session);
    }
  }

  /** `PUT /iam/clients/{clientId}/client-users/{userId}`: a member's IAM role (204). */
  setRole(
    clientId: number,
    userId: number,
    body: ClientUserRole,
    signal?: AbortSignal,
  ): Promise<void> {
    return this.send<void>('PUT', `/iam/clients/${clientId}/client-users/${userId}`, {
      body,
      signal,
    });
  }

  /** `GET /cloud/v1/users/assignments?user_id=`: a member's Cloud role assignments. */
  cloudAssignments(userId: number, signal?: AbortSignal): Promise<CloudAssignment[]> {
    return this.send<CloudAssignment[]>(
      'GET',
      `/cloud/v1/users/assignments${queryString({ user_id: userId })}`,
      { signal },
    );
  }

  /** `POST /cloud/v1/users/assignments`: gives a Cloud role (project null: Client scope). */
  createCloudAssignment(
    body: { user_id: number; project_id: number | null; role: CloudRole },
    signal?: AbortSignal,
  ): Promise<CloudAssignment> {
    return this.send<CloudAssignment>('POST', '/cloud/v1/users/assignments', { body, signal });
  }

  /** `PATCH /cloud/v1/users/assignments/{id}`: changes the role of an assignment. */
  updateCloudAssignment(
    id: number,
    role: CloudRole,
    signal?: AbortSignal,
  ): Promise<CloudAssignment> {
    return this.send<CloudAssignment>('PATCH', `/cloud/v1/users/assignments/${id}`, {
      body: { role },
      signal,
    });
  }

  /** `DELETE /cloud/v1/users/assignments/{id}`: takes a Cloud role away (204). */
  deleteCloudAssignment(id: number, signal?: AbortSignal): Promise<void> {
    return this.send<void>('DELETE', `/cloud/v1/users/assignments/${id}`, { signal });
  }

  /**
   * `DELETE /iam/clients/{clientId}/client-users/{userId}`: removes a member from the account
   * (Administrators; refused while they hold active API tokens, and for oneself).
   */
  deleteUser(
    clientId: number,
    userId: number,
    signal?: AbortSignal,
  ): Promise<{ status: 'removed'; user_deleted: boolean }> {
    return this.send('DELETE', `/iam/clients/${clientId}/client-users/${userId}`, { signal });
  }

  /**
   * `GET /iam/v2/clients/{clientId}/tokens`: API tokens, newest first; every token of the account
   * for Administrators, one's own for others. `deleted: true` lists the deleted ones instead.
   */
  listTokens(
    clientId: number,
    query: { deleted?: boolean; role?: number; issued_by?: number; not_issued_by?: number } = {},
    signal?: AbortSignal,
  ): Promise<Token[]> {
    return this.send<Token[]>('GET', `/iam/v2/clients/${clientId}/tokens${queryString(query)}`, {
      signal,
    });
  }

  /** `POST /iam/v2/clients/{clientId}/tokens`: a new token; its secret is in the answer, once. */
  createToken(
    clientId: number,
    body: CreateTokenBody,
    signal?: AbortSignal,
  ): Promise<CreatedToken> {
    return this.send<CreatedToken>('POST', `/iam/v2/clients/${clientId}/tokens`, { body, signal });
  }

  /** `DELETE /iam/v2/clients/{clientId}/tokens/{tokenId}`: the next request with it is refused. */
  deleteToken(clientId: number, tokenId: number, signal?: AbortSignal): Promise<void> {
    return this.send<void>('DELETE', `/iam/v2/clients/${clientId}/tokens/${tokenId}`, { signal });
  }

  /** `GET /iam/auth/jwt/clients/{clientId}/login`: tokens for another account of the caller. */
  switchAccount(clientId: number, signal?: AbortSignal): Promise<TokenPair> {
    return this.send<TokenPair>('GET', `/iam/auth/jwt/clients/${clientId}/login`, { signal });
  }

  /** `GET /iam/auth/invitations/{token}`: what an invitation link is (no Authorization). */
  invitation(token: string, signal?: AbortSignal): Promise<InvitationState> {
    return this.send<InvitationState>('GET', `/iam/auth/invitations/${encodeURIComponent(token)}`, {
      signal,
      auth: false,
    });
  }

  /** `POST /iam/auth/invitations/{token}/accept`: joins the account (no Authorization). */
  acceptInvitation(
    token: string,
    body: AcceptInvitationBody,
    signal?: AbortSignal,
  ): Promise<{ status: 'accepted'; email: string; client_id: number }> {
    return this.send('POST', `/iam/auth/invitations/${encodeURIComponent(token)}/accept`, {
      body,
      signal,
      auth: false,
    });
  }

  /** `POST /iam/users/me/2fa/setup`: a new secret and its `otpauth://` URL (2FA not on yet). */
  twoFaSetup(signal?: AbortSignal): Promise<TwoFaSetup> {
    return this.send<TwoFaSetup>('POST', '/iam/users/me/2fa/setup', { signal });
  }

  /** `POST /iam/users/me/2fa/enable`: turns 2FA on with a right code; 5 backup codes, once. */
  enableTwoFa(code: string, password: string, signal?: AbortSignal): Promise<BackupCodes> {
    return this.send<BackupCodes>('POST', '/iam/users/me/2fa/enable', {
      body: { code, password },
      signal,
    });
  }

  /** `POST /iam/users/me/2fa/backup_codes`: a new set of backup codes; the old ones stop working. */
  regenerateBackupCodes(code: string, signal?: AbortSignal): Promise<BackupCodes> {
    return this.send<BackupCodes>('POST', '/iam/users/me/2fa/backup_codes', {
      body: { code },
      signal,
    });
  }

  /** `POST /iam/users/me/2fa/disable`: emails a single-use confirmation link (1 hour). */
  requestTwoFaDisable(signal?: AbortSignal): Promise<{ status: 'sent' }> {
    return this.send('POST', '/iam/users/me/2fa/disable', { signal });
  }

  /** `POST /iam/auth/2fa/disable/confirm`: the emailed link's token turns 2FA off (no auth). */
  confirmTwoFaDisable(token: string, signal?: AbortSignal): Promise<{ status: 'disabled' }> {
    return this.send('POST', '/iam/auth/2fa/disable/confirm', {
      body: { token },
      signal,
      auth: false,
    });
  }

  /** `GET /iam/activity_log/logins`: sign-in attempts, newest first (one's own by default). */
  logins(
    query: { limit: number; offset: number; user_id?: number },
    signal?: AbortSignal,
  ): Promise<LoginsPage> {
    return this.send<LoginsPage>('GET', `/iam/activity_log/logins${queryString(query)}`, {
      signal,
    });
  }

  private async send<T>(
    method: string,
    path: string,
    options: { body?: unknown; signal?: AbortSignal; auth?: boolean; keepalive?: boolean },
  ): Promise<T> {
    const auth = options.auth ?? true;
    const usedAccess = this.session?.access;
    const attempt = () =>
      this.fetch(method, path, options.body, options.signal, auth, options.keepalive);
    let response = await attempt();
    if (response.status === 401 && auth && (await this.renewSession(usedAccess))) {
      response = await attempt();
    }
    if (!response.ok) {
      const error = await toApiError(response);
      if (error.status === 401 && auth) this.endSession();
      throw error;
    }
    if (response.status === 204) return undefined as T;
    try {
      return (await response.json()) as T;
    } catch (cause) {
      if (isAbortError(cause)) throw cause;
      throw new ApiError(response.status, 'unexpected_response', 'Response is not JSON');
    }
  }

  private async fetch(
    method: string,
    path: string,
    body: unknown,
    signal: AbortSignal | undefined,
    auth: boolean,
    keepalive = false,
  ): Promise<Response> {
    const headers: Record<string, string> = { Accept: 'application/json' };
    if (body !== undefined) headers['Content-Type'] = 'application/json';
    if (auth && this.session) headers.Authorization = `Bearer ${this.session.access}`;
    try {
      return await fetch(`${this.baseUrl}${path}`, {
        method,
        headers,
        body: body === undefined ? undefined : JSON.stringify(body),
        signal,
        credentials: 'omit',
        keepalive,
      });
    } catch (cause) {
      if (isAbortError(cause) || signal?.aborted) throw cause;
      throw new ApiError(0, 'network_error', String(cause));
    }
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
      const stored = this.storedSession?.();
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
        const pair = await this.send<TokenPair>('POST', '/iam/auth/jwt/refresh', {
          body: { refresh },
          auth: false,
        });
        this.session = { access: pair.access, refresh: pair.refresh };
        this.onSessionChange?.(this.session);
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
    this.onSessionChange?.(null);
  }
}
