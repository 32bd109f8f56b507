import {
  iamRole,
  isIamRoleId,
  type IamRoleId,
  type Language,
  type UserStatus,
} from '../../shared/roles.ts';
import type { User } from '../../shared/users.ts';
import type { CloudRoleRow, MemberRow } from './repository.ts';

/** Database rows → the user object of API.md (Gcore's field names plus this product's). */

export function membershipStatus(
  row: Pick<MemberRow, 'accepted_at' | 'invitation_expires_at'>,
  now: Date,
): UserStatus {
  if (row.accepted_at) return 'active';
  if (row.invitation_expires_at && row.invitation_expires_at <= now) return 'invitation_expired';
  return 'not_activated';
}

const roleRef = (roleId: number) => {
  if (!isIamRoleId(roleId)) throw new Error(`unknown IAM role ${roleId} in the database`);
  const role = iamRole(roleId as IamRoleId);
  return { id: role.id, name: role.name };
};

export interface AccountRef {
  id: number;
  company_name: string;
  role_id: number;
}

export function toUser(
  row: MemberRow,
  cloudRoles: CloudRoleRow[],
  /** The user's accounts as the caller may see them: only the account in scope, unless it is the caller. */
  accounts: AccountRef[],
  now: Date,
): User {
  const status = membershipStatus(row, now);
  // Before someone joins, the account knows only what its invitation said (the name and language
  // come from the membership, see repository.ts): not the phone or second factor of a login they
  // may already have elsewhere.
  const joined = status === 'active';
  return {
    id: row.id,
    email: row.email,
    name: row.name,
    phone: joined ? row.phone : null,
    company: row.company_name,
    lang: row.lang as Language,
    client: row.account_id,
    deleted: row.deleted_at !== null,
    groups: [roleRef(row.role_id)],
    activated: status === 'active',
    is_active: row.deleted_at === null,
    sso_auth: false,
    two_fa: joined && row.two_fa_enabled_at !== null,
    auth_types: joined && row.password_hash_set ? ['password'] : [],
    user_type: 'common',
    client_and_roles: accounts.map((account) => ({
      client_id: account.id,
      client_company_name: account.company_name,
      user_id: row.id,
      user_roles: [roleRef(account.role_id).name],
    })),
    status,
    shared_profile: row.shared_profile,
    invitation_expires_at:
      status === 'active' || !row.invitation_expires_at
        ? null
        : row.invitation_expires_at.toISOString(),
    cloud: {
      client_role: cloudRoles.some((r) => r.project_id === null) ? 'ClientAdministrator' : null,
      projects: cloudRoles
        .filter((r) => r.project_id !== null)
        .map((r) => ({
          project_id: r.project_id!,
          project_name: r.project_name ?? '',
          role: r.role as User['cloud']['projects'][number]['role'],
        })),
    },
  };
}
