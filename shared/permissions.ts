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
  /** Create an API token (signed in: a token never mints another token). */
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
  | 'two_fa.manage';

const anyMember = () => true;
const administrators = (actor: Actor) => actor.roleId === ROLE.administrators;
const self = (actor: Actor, target: Target) => target.userId === actor.userId;
/**
 * Managing the login itself (email, password, second factor, new tokens, sessions for other
 * accounts, new accounts) takes a signed-in session: a leaked API token must not be able to
 * turn itself into one, or into something that outlives its deletion.
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
  'users.update_profile': (actor, target) =>
    self(actor, target) || (administrators(actor) && !target.sharedProfile),
  'users.change_email': (actor, target) => self(actor, target) && signedIn(actor),
  'users.change_password': (actor, target) => self(actor, target) && signedIn(actor),
  'users.read_role': anyMember,
  'users.change_role': administrators,
  'cloud.read': anyMember,
  'cloud.manage': administrators,
  'tokens.own': anyMember,
  'tokens.create': signedIn,
  'tokens.grant_role': (actor, target) =>
    target.roleId !== undefined && rank(target.roleId) <= rank(actor.roleId),
  'tokens.manage_all': administrators,
  'users.delete': (actor, target) => administrators(actor) && !self(actor, target),
  'logins.read': selfOrAdministrators,
  'logins.read_failures': (actor, target) =>
    self(actor, target) || (administrators(actor) && !target.sharedProfile),
  'two_fa.manage': signedIn,
};

export function can(actor: Actor, action: Action, target: Target = {}): boolean {
  return RULES[action](actor, target);
}
