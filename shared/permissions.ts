import type { IamRoleId } from './roles.ts';

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
}

export type Action =
  /** See the account's users (every member: the "Users" role is "view only", not "view nothing"). */
  | 'users.list'
  /** See one user of the account. */
  | 'users.read'
  /** See the account in scope. */
  | 'account.read'
  /** Create a new account and become its Administrator. */
  | 'account.create';

const anyMember = () => true;

const RULES: Record<Action, (actor: Actor, target: Target) => boolean> = {
  'users.list': anyMember,
  'users.read': anyMember,
  'account.read': anyMember,
  'account.create': anyMember,
};

export function can(actor: Actor, action: Action, target: Target = {}): boolean {
  return RULES[action](actor, target);
}
