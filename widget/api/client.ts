import type { ActivityPage, ActivityQueryInput } from '../../shared/activity.ts';
import type { LoginBody, TokenPair } from '../../shared/auth.ts';
import type { ClientMe } from '../../shared/clients.ts';
import type {
  AcceptInvitationBody,
  InvitationState,
  InviteUserBody,
  InviteUsersBody,
  InviteUsersResult,
  Project,
} from '../../shared/invitations.ts';
import type { CloudAssignment } from '../../shared/cloud.ts';
import type { CloudRole } from '../../shared/roles.ts';
import * as routes from '../../shared/routes.ts';
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
import { deviceTokenFor, keepDeviceToken } from './device-tokens.ts';
import { RouteCaller } from './route-caller.ts';

export { type ApiClientOptions } from './route-caller.ts';
export {
  ApiError,
  asApiError,
  isAbortError,
  normalizeBaseUrl,
  type ClientErrorCode,
} from './transport.ts';

/**
 * The widget's typed client of the BFF (API.md): every endpoint is a route of shared/routes.ts,
 * called through `call()`, which also renews the session. Only types come from shared/ here;
 * forms that validate before sending use shared/form-checks.ts (the zod schemas' rules), and the BFF
 * validates every request anyway.
 */

/**
 * Every row of a Cloud list, page after page: Gcore's Cloud lists answer offset pages
 * (`{count, results}`, at most 1000 rows each), and the widget wants them all.
 */
async function everyPage<T>(
  page: (offset: number) => Promise<{ count: number; results: T[] }>,
): Promise<T[]> {
  const rows: T[] = [];
  for (;;) {
    const { count, results } = await page(rows.length);
    rows.push(...results);
    if (results.length === 0 || rows.length >= count) return rows;
  }
}

/** A method per endpoint of the BFF; how each is called (credentials, renewal): ./route-caller.ts. */
export class ApiClient extends RouteCaller {
  /**
   * Exchanges credentials for a token pair, as this browser's device for that address: the
   * device token an earlier sign-in answered goes along, and the new one is kept.
   */
  async login(body: LoginBody, signal?: AbortSignal): Promise<TokenPair> {
    const device = deviceTokenFor(body.username);
    const answer = await this.call(routes.login, {
      body: device ? { ...body, device_token: device } : body,
      signal,
    });
    keepDeviceToken(body.username, answer.device_token);
    return { access: answer.access, refresh: answer.refresh };
  }

  /**
   * Ends this session on the BFF too, so a copy of its tokens is worthless. Best effort: signing
   * out here never waits on it or fails with it.
   */
  async logout(): Promise<void> {
    const refresh = this.session?.refresh;
    if (!refresh) return; // a host-given token: the host signs its users out
    try {
      // keepalive: a host that navigates away on um-signed-out must not cancel it.
      await this.call(routes.logout, { body: { refresh }, keepalive: true });
    } catch {
      // Offline or refused: the session ends with its tokens' lifetime instead.
    }
  }

  /** The account in scope and the caller's role in it. */
  me(signal?: AbortSignal): Promise<ClientMe> {
    return this.call(routes.me, { signal });
  }

  /** One page of the account's users, filtered and ordered. */
  listUsers(
    query: UsersQueryInput & { limit: number; offset: number },
    signal?: AbortSignal,
  ): Promise<UsersPage> {
    // With `limit` the BFF answers a page (without, every user as an array).
    return this.call(routes.listUsers, { query, signal }) as Promise<UsersPage>;
  }

  /** Invites a person into the account; the BFF sends the email. */
  inviteUser(
    body: InviteUserBody,
    signal?: AbortSignal,
  ): Promise<{ status: 'sent'; user_id: number }> {
    return this.call(routes.inviteUser, { body, signal });
  }

  /** Invites up to 100 people, one result per row; `dry_run` only answers what would happen. */
  inviteUsers(body: InviteUsersBody, signal?: AbortSignal): Promise<InviteUsersResult> {
    return this.call(routes.inviteUsers, { body, signal });
  }

  /** A new link for a pending invitation; earlier links stop working. */
  resendInvite(
    clientId: number,
    userId: number,
    signal?: AbortSignal,
  ): Promise<{ status: 'sent' }> {
    return this.call(routes.resendInvite, { params: { clientId, userId }, signal });
  }

  /** The account's live projects, for Cloud access at project scope: every page of them. */
  projects(signal?: AbortSignal): Promise<Project[]> {
    return everyPage((offset) => this.call(routes.listProjects, { query: { offset }, signal }));
  }

  /** One user of the account, with IAM role and Cloud access. */
  user(userId: number, signal?: AbortSignal): Promise<User> {
    return this.call(routes.getUser, { params: { userId }, signal });
  }

  /** Name, language, phone (the user, or an Administrator). */
  updateUser(userId: number, body: UpdateUserBody, signal?: AbortSignal): Promise<User> {
    return this.call(routes.updateUser, { params: { userId }, body, signal });
  }

  /**
   * The caller's own email, with their current password (202). It emails a confirmation link to
   * the new address; the email changes when the link is opened.
   */
  changeEmail(
    userId: number,
    body: ChangeEmailBody,
    signal?: AbortSignal,
  ): Promise<{ status: 'confirmation_sent'; new_email: string }> {
    return this.call(routes.changeEmail, { params: { userId }, body, signal });
  }

  /** The emailed link's token changes the email (no auth). */
  confirmEmailChange(
    token: string,
    signal?: AbortSignal,
  ): Promise<{ status: 'changed'; email: string }> {
    return this.call(routes.confirmEmail, { body: { token }, signal });
  }

  /**
   * The caller's own password. The server voids every earlier refresh token and answers a fresh
   * session, which this client adopts when the session is its own (a host-given token is the
   * host's to renew).
   */
  async changePassword(
    userId: number,
    body: ChangePasswordBody,
    signal?: AbortSignal,
  ): Promise<void> {
    const pair = await this.call(routes.changePassword, { params: { userId }, body, signal });
    if (this.session?.refresh) {
      this.session = { access: pair.access, refresh: pair.refresh };
      this.options.onSessionChange?.(this.session);
    }
  }

  /** A member's IAM role (204). */
  setRole(
    clientId: number,
    userId: number,
    body: ClientUserRole,
    signal?: AbortSignal,
  ): Promise<void> {
    return this.call(routes.setRole, { params: { clientId, userId }, body, signal });
  }

  /** A member's Cloud role assignments: every page of them. */
  cloudAssignments(userId: number, signal?: AbortSignal): Promise<CloudAssignment[]> {
    return everyPage((offset) =>
      this.call(routes.listCloudAssignments, { query: { user_id: userId, offset }, signal }),
    );
  }

  /**
   * Gives a Cloud role (project null: Client scope). Gcore's body: `client_id`, the account, goes
   * with a project.
   */
  async createCloudAssignment(
    body: { user_id: number; client_id: number; project_id: number | null; role: CloudRole },
    signal?: AbortSignal,
  ): Promise<void> {
    await this.call(routes.createCloudAssignment, { body, signal });
  }

  /** Changes the role of an assignment; Gcore's body names its user too. */
  async updateCloudAssignment(
    id: number,
    body: { role: CloudRole; user_id: number },
    signal?: AbortSignal,
  ): Promise<void> {
    await this.call(routes.updateCloudAssignment, { params: { id }, body, signal });
  }

  /** Takes a Cloud role away. */
  async deleteCloudAssignment(id: number, signal?: AbortSignal): Promise<void> {
    await this.call(routes.deleteCloudAssignment, { params: { id }, signal });
  }

  /**
   * Removes a member from the account (Administrators; refused while they hold active API
   * tokens, and for oneself).
   */
  deleteUser(
    clientId: number,
    userId: number,
    signal?: AbortSignal,
  ): Promise<{ status: 'removed'; user_deleted: boolean }> {
    return this.call(routes.removeMember, { params: { clientId, userId }, signal });
  }

  /**
   * API tokens, newest first; every token of the account for Administrators, one's own for
   * others. `deleted: true` lists the deleted ones instead.
   */
  listTokens(
    clientId: number,
    query: { deleted?: boolean; role?: number; issued_by?: number; not_issued_by?: number } = {},
    signal?: AbortSignal,
  ): Promise<Token[]> {
    return this.call(routes.listTokens, { params: { clientId }, query, signal });
  }

  /** A new token; its secret is in the answer, once. */
  createToken(
    clientId: number,
    body: CreateTokenBody,
    signal?: AbortSignal,
  ): Promise<CreatedToken> {
    return this.call(routes.createToken, { params: { clientId }, body, signal });
  }

  /** The next request with the token is refused. */
  deleteToken(clientId: number, tokenId: number, signal?: AbortSignal): Promise<void> {
    return this.call(routes.deleteToken, { params: { clientId, tokenId }, signal });
  }

  /** A page of the account's audit trail, newest first (Administrators). */
  activity(query: ActivityQueryInput, signal?: AbortSignal): Promise<ActivityPage> {
    return this.call(routes.listActivity, { query, signal });
  }

  /** Every row of the audit trail that `query` matches, as the BFF's CSV file. */
  async activityCsv(query: ActivityQueryInput, signal?: AbortSignal): Promise<Blob> {
    const response = await this.respond(routes.listActivity, {
      query: { ...query, format: 'csv', limit: undefined, offset: undefined },
      signal,
    });
    return response.blob();
  }

  /** Tokens for another account of the caller. */
  switchAccount(clientId: number, signal?: AbortSignal): Promise<TokenPair> {
    return this.call(routes.switchAccount, { params: { clientId }, signal });
  }

  /** What an invitation link is (no Authorization). */
  invitation(token: string, signal?: AbortSignal): Promise<InvitationState> {
    return this.call(routes.getInvitation, { params: { token }, signal });
  }

  /** Joins the account (no Authorization). */
  acceptInvitation(
    token: string,
    body: AcceptInvitationBody,
    signal?: AbortSignal,
  ): Promise<{ status: 'accepted'; email: string; client_id: number }> {
    return this.call(routes.acceptInvitation, { params: { token }, body, signal });
  }

  /** A new secret and its `otpauth://` URL (2FA not on yet). */
  twoFaSetup(signal?: AbortSignal): Promise<TwoFaSetup> {
    return this.call(routes.setUpTwoFa, { signal });
  }

  /** Turns 2FA on with a right code; 5 backup codes, once. */
  enableTwoFa(code: string, password: string, signal?: AbortSignal): Promise<BackupCodes> {
    return this.call(routes.enableTwoFa, { body: { code, password }, signal });
  }

  /** A new set of backup codes; the old ones stop working. */
  regenerateBackupCodes(code: string, signal?: AbortSignal): Promise<BackupCodes> {
    return this.call(routes.replaceBackupCodes, { body: { code }, signal });
  }

  /** Emails a single-use confirmation link (1 hour). */
  requestTwoFaDisable(signal?: AbortSignal): Promise<{ status: 'sent' }> {
    return this.call(routes.requestTwoFaDisable, { signal });
  }

  /** The emailed link's token turns 2FA off (no auth). */
  confirmTwoFaDisable(token: string, signal?: AbortSignal): Promise<{ status: 'disabled' }> {
    return this.call(routes.confirmTwoFaDisable, { body: { token }, signal });
  }

  /** Sign-in attempts, newest first (one's own by default), filtered by date, IP and result. */
  logins(
    query: {
      limit: number;
      offset: number;
      user_id?: number;
      /** ISO 8601 instants: the range's first and last moment. */
      from?: string;
      to?: string;
      ip?: string;
      success?: 'true' | 'false';
    },
    signal?: AbortSignal,
  ): Promise<LoginsPage> {
    return this.call(routes.listLogins, { query, signal });
  }
}
