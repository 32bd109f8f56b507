import { IAM_ROLES, ROLE, type IamRoleId } from './roles.ts';

/**
 * "May this caller do this?" — answered here once. The BFF calls `can` on every route and refuses
 * with 403 when it says no; the widget calls the same function only to hide or disable controls.
 * docs/permissions.md lists these rules as a table.
 */

export interface Actor {
  userId: number;
  roleId: IamRoleId;
}

export interface Target {
  userId?: number;
  /** The IAM role an action would give (a token's role). */
  roleId?: IamRoleId;
}

export type Action =
  /** See the account's users (every member: the "Users" role is "view only", not "view nothing"). */
  | 'users.list'
  /** See one user of the account. */
  | 'users.read'
  /** See the account in scope. */
  | 'account.read'
  /** Create a new account and become its Administrator. */
  | 'account.create'
  /** Invite a person into the account (PRODUCT.md: only Administrators add users). */
  | 'users.invite'
  /** Send a pending invitation again with a new link. */
  | 'users.resend_invite'
  /** See the account's projects (for Cloud access). */
  | 'projects.list'
  /** Create a project in the account. */
  | 'projects.create'
  /** Change a user's name, language and phone: the user themself, or an Administrator. */
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
  /** Create, see and delete one's own API tokens. */
  | 'tokens.own'
  /** Give a token this role: never above one's own (PRODUCT.md's table, as ranks). */
  | 'tokens.grant_role'
  /** See and delete every token of the account, not only one's own. */
  | 'tokens.manage_all'
  /** Remove a user from the account: Administrators, never themselves. */
  | 'users.delete'
  /** See a user's sign-in history: one's own, or any member's for Administrators. */
  | 'logins.read';

const anyMember = () => true;
const administrators = (actor: Actor) => actor.roleId === ROLE.administrators;
const self = (actor: Actor, target: Target) => target.userId === actor.userId;
const rank = (roleId: IamRoleId) => IAM_ROLES.find((role) => role.id === roleId)?.rank ?? 0;
const selfOrAdministrators = (actor: Actor, target: Target) =>
  self(actor, target) || administrators(actor);

const RULES: Record<Action, (actor: Actor, target: Target) => boolean> = {
  'users.list': anyMember,
  'users.read': anyMember,
  'account.read': anyMember,
  'account.create': anyMember,
  'users.invite': administrators,
  'users.resend_invite': administrators,
  'projects.list': anyMember,
  'projects.create': administrators,
  'users.update_profile': selfOrAdministrators,
  'users.change_email': self,
  'users.change_password': self,
  'users.read_role': anyMember,
  'users.change_role': administrators,
  'cloud.read': anyMember,
  'cloud.manage': administrators,
  'tokens.own': anyMember,
  'tokens.grant_role': (actor, target) =>
    target.roleId !== undefined && rank(target.roleId) <= rank(actor.roleId),
  'tokens.manage_all': administrators,
  'users.delete': (actor, target) => administrators(actor) && !self(actor, target),
  'logins.read': selfOrAdministrators,
};

export function can(actor: Actor, action: Action, target: Target = {}): boolean {
  return RULES[action](actor, target);
}
