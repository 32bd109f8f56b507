/**
 * The role catalog: IAM roles (one per membership) and Cloud roles. Ids and names are Gcore's and
 * fixed; clients of Gcore's API send them back to us as `user_role: {id, name}`.
 */

export const IAM_ROLES = [
  { id: 1, name: 'Administrators', rank: 5 },
  { id: 5, name: 'Engineers', rank: 4 },
  { id: 3009, name: 'Purge and Prefetch only (API+Web)', rank: 3 },
  { id: 3022, name: 'Purge and Prefetch only (API)', rank: 2 },
  { id: 2, name: 'Users', rank: 1 },
] as const;

export type IamRole = (typeof IAM_ROLES)[number];
export type IamRoleId = IamRole['id'];

export const IAM_ROLE_IDS = IAM_ROLES.map((role) => role.id) as [IamRoleId, ...IamRoleId[]];

export const ROLE = {
  administrators: 1,
  engineers: 5,
  purgeApiWeb: 3009,
  purgeApi: 3022,
  users: 2,
} as const satisfies Record<string, IamRoleId>;

export function isIamRoleId(id: number): id is IamRoleId {
  return IAM_ROLES.some((role) => role.id === id);
}

export function iamRole(id: IamRoleId): IamRole {
  const role = IAM_ROLES.find((candidate) => candidate.id === id);
  if (!role) throw new Error(`unknown IAM role ${id}`);
  return role;
}

/** Cloud access: at Client scope (every project of the account) or per project. */
export const CLOUD_CLIENT_ROLES = ['ClientAdministrator'] as const;
export const CLOUD_PROJECT_ROLES = [
  'ProjectAdministrator',
  'User',
  'InternalNetworkOnlyUser',
  'Observer',
] as const;
export const CLOUD_ROLES = [...CLOUD_CLIENT_ROLES, ...CLOUD_PROJECT_ROLES] as const;
export type CloudRole = (typeof CLOUD_ROLES)[number];

export const LANGUAGES = ['en', 'de', 'zh', 'ru', 'az'] as const;
export type Language = (typeof LANGUAGES)[number];
/** Languages the product's interface and emails are offered in (`az` is accepted, as Gcore does). */
export const OFFERED_LANGUAGES = ['en', 'de', 'zh', 'ru'] as const satisfies readonly Language[];

export const USER_STATUSES = ['active', 'not_activated', 'invitation_expired'] as const;
export type UserStatus = (typeof USER_STATUSES)[number];
