import type { ClientMe } from './clients.ts';
import { iamRole, ROLE, type IamRoleId } from './roles.ts';

/**
 * "May this caller do this?" — answered here once. The BFF calls `can` on every route and refuses
 * with 403 when it says no; the widget calls the same function only to hide or disable controls.
 * docs/permissions.md lists these rules as a table.
 */

export interface Actor {
  userId: number;
  roleId: IamRoleId;
  /** How the caller authenticated: an API token may act, but not manage the login itself. */
  via?: 'jwt' | 'identity_provider' | 'api_token';
}

/** The widget's caller, as `GET /iam/clients/me` describes them (the BFF builds its own). */
export function actorOf(
  me: Pick<ClientMe, 'currentUser' | 'currentUserRole'> | undefined,
): Actor | undefined {
  return me ? { userId: me.currentUser, roleId: me.currentUserRole.id as IamRoleId } : undefined;
}

export interface Target {
  userId?: number;
  /** The IAM role an action would give (a token's role). */
  roleId?: IamRoleId;
  /**
   * The target has joined the account and also belongs to another one (the user object's
   * `shared_profile`): their name, phone and language are theirs alone to change.
   */
  sharedProfile?: boolean;
}

/** Why an Administrator may not change a profile that another account shares (docs/decisions/011). */
export const PROFILE_SHARED_MESSAGE =
  'This person also belongs to another account: only they can change their profile.';

export type Action =
  /** See the account's users (every member: the "Users" role is "view only", not "view nothing"). */
  | 'users.list'
  /** See one user of the account. */
  | 'users.read'
  /** See the account in scope. */
  | 'account.read'
  /** Create a new account and become its Administrator (signed in, not with an API token). */
  | 'account.create'
  /** Get a session for another account of one's own (signed in, not with an API token). */
  | 'account.switch'
  /** Invite a person into the account (PRODUCT.md: only Administrators add users). */
  | 'users.invite'
  /** Send a pending invitation again with a new link. */
  | 'users.resend_invite'
  /** See the account's projects (for Cloud access). */
  | 'projects.list'
  /** Create a project in the account. */
  | 'projects.create'
  /** Rename, describe and delete the account's projects. */
  | 'projects.manage'
  /**
   * Change a user's name, language and phone: the user themself, or an Administrator where the
   * user belongs to the Administrator's account alone (one account never edits another's view).
   */
  | 'users.update_profile'
  /** Change a user's email or password: only the user themself, with their password. */
  | 'users.change_email'
  | 'users.change_password'
  /** See a member's IAM role in the account. */
  | 'users.read_role'
  /** Change a member's IAM role. */
  | 'users.change_role'
  /** See the account's Cloud role assignments. */
  | 'cloud.read'
  /** Give, change and take Cloud roles. */
  | 'cloud.manage'
  /** See and delete one's own API tokens. */
  | 'tokens.own'
  /**
   * Create an API token: signed in, or with an API token, which then mints one no higher and no
   * longer-lived than itself (docs/decisions/020-api-tokens-that-manage-api-tokens.md).
   */
  | 'tokens.create'
  /** Give a token this role: never above one's own (PRODUCT.md's table, as ranks). */
  | 'tokens.grant_role'
  /** See and delete every token of the account, not only one's own. */
  | 'tokens.manage_all'
  /** Remove a user from the account: Administrators, never themselves. */
  | 'users.delete'
  /**
   * See a user's sign-in history: one's own (all of it), or any member's for Administrators
   * (their sign-ins into this account; `logins.read_failures` says whether more).
   */
  | 'logins.read'
  /**
   * Also see a person's failed attempts, which land in no account: the person themself, or an
   * Administrator where the person belongs to this account alone; of a person another account
   * shares, those attempts may be theirs there (docs/decisions/018).
   */
  | 'logins.read_failures'
  /** Set up, enable, regenerate and disable one's own second factor (signed in only). */
  | 'two_fa.manage'
  /** Read the account's audit trail (the Activity panel, a member's History): Administrators. */
  | 'activity.read'
  /** See whether the account requires 2FA, and how many members do not comply. */
  | 'account.read_security'
  /**
   * Require two-factor authentication of the account's members, with a grace period
   * (Administrators, signed in: a leaked token must not be able to lower the account's guard).
   */
  | 'account.manage_security'
  /** Email the members who have not set up a required second factor a reminder. */
  | 'account.remind_two_fa';

const anyMember = () => true;
const administrators = (actor: Actor) => actor.roleId === ROLE.administrators;
const self = (actor: Actor, target: Target) => target.userId === actor.userId;
/**
 * Managing the login itself (email, password, second factor, sessions for other accounts, new
 * accounts) takes a signed-in session: a leaked API token must not be able to turn itself into
 * one, or into something that outlives its deletion. (New tokens it may mint, capped by itself:
 * decision 020.)
 */
const signedIn = (actor: Actor) => actor.via !== 'api_token';
const rank = (roleId: IamRoleId) => iamRole(roleId).rank;
const selfOrAdministrators = (actor: Actor, target: Target) =>
  self(actor, target) || administrators(actor);

const RULES: Record<Action, (actor: Actor, target: Target) => boolean> = {
  'users.list': anyMember,
  'users.read': anyMember,
  'account.read': anyMember,
  'account.create': signedIn,
  'account.switch': signedIn,
  'users.invite': administrators,
  'users.resend_invite': administrators,
  'projects.list': anyMember,
  'projects.create': administrators,
  'projects.manage': administrators,
  'users.update_profile': (actor, target) =>
    self(actor, target) || (administrators(actor) && !target.sharedProfile),
  'users.change_email': (actor, target) => self(actor, target) && signedIn(actor),
  'users.change_password': (actor, target) => self(actor, target) && signedIn(actor),
  'users.read_role': anyMember,
  'users.change_role': administrators,
  'cloud.read': anyMember,
  'cloud.manage': administrators,
  'tokens.own': anyMember,
  'tokens.create': anyMember,
  'tokens.grant_role': (actor, target) =>
    target.roleId !== undefined && rank(target.roleId) <= rank(actor.roleId),
  'tokens.manage_all': administrators,
  'users.delete': (actor, target) => administrators(actor) && !self(actor, target),
  'logins.read': selfOrAdministrators,
  'logins.read_failures': (actor, target) =>
    self(actor, target) || (administrators(actor) && !target.sharedProfile),
  'two_fa.manage': signedIn,
  'activity.read': administrators,
  'account.read_security': anyMember,
  'account.manage_security': (actor) => administrators(actor) && signedIn(actor),
  'account.remind_two_fa': administrators,
};

/**
 * What a session may still do in an account that requires 2FA once the member's grace period is
 * over and they have none (docs/decisions/026): read the account and their own user (the
 * widget's setup view needs both), set the second factor up, and go to another account of theirs.
 * Everything else answers 403 `two_fa_required`. Signing out and renewing take no access token,
 * so they stay open; API tokens are never bound (only a session is asked for a second factor).
 */
export function allowedBeforeTwoFaSetup(actor: Actor, action: Action, target: Target = {}) {
  if (action === 'users.read') return self(actor, target);
  return action === 'account.read' || action === 'two_fa.manage' || action === 'account.switch';
}

export function can(actor: Actor, action: Action, target: Target = {}): boolean {
  return RULES[action](actor, target);
}
