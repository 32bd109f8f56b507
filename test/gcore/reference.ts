/**
 * The request and answer shapes of Gcore's public API for the operations this BFF serves, as
 * plain data: written by hand from Gcore's published reference and its generated clients (both
 * come from Gcore's one OpenAPI document), NOT derived from this project's zod schemas, so that a
 * change to our schemas cannot make the conformance test (test/server/gcore-conformance.test.ts)
 * agree with itself.
 *
 * Written from:
 * - https://github.com/G-Core/gcore-go/blob/main/iam/user.go (User, UserGetResponse, UserInvited,
 *   UserInviteParams, UserUpdateParams) and
 *   https://github.com/G-Core/gcore-python/blob/main/src/gcore/types/iam/user.py
 * - https://github.com/G-Core/gcore-go/blob/main/iam/apitoken.go (APIToken, APITokenClientUser,
 *   APITokenCreated, APITokenNewParams) and
 *   https://github.com/G-Core/gcore-python/blob/main/src/gcore/resources/iam/api_tokens.py (paths
 *   under /iam/v2/)
 * - https://github.com/G-Core/gcore-python/blob/main/src/gcore/types/iam/account_overview.py
 * - https://github.com/G-Core/gcore-go/blob/main/cloud/project.go (Project, ProjectNewParams,
 *   ProjectUpdateParams, ProjectListParams),
 *   https://github.com/G-Core/gcore-python/blob/main/src/gcore/types/cloud/project.py and
 *   https://gcore.com/docs/api-reference/cloud/projects/get-project,
 *   https://gcore.com/docs/api-reference/cloud/projects/delete-project
 * - https://github.com/G-Core/gcore-go/blob/main/cloud/userroleassignment.go (RoleAssignment,
 *   RoleAssignmentUpdateDelete, UserRoleAssignmentNewParams, UserRoleAssignmentUpdateParams,
 *   UserRoleAssignmentListParams),
 *   https://github.com/G-Core/gcore-python/blob/main/src/gcore/types/cloud/users/role_assignment.py
 *   and https://gcore.com/docs/api-reference/cloud/user-role-assignments/create-role-assignment,
 *   https://gcore.com/docs/api-reference/cloud/user-role-assignments/update-role-assignment
 * - https://github.com/G-Core/gcore-python/blob/main/src/gcore/pagination.py (SyncOffsetPage:
 *   `{count, results}`, the next page at `offset + len(results)` while below `count`)
 *
 * The notation: a field's type is 'integer', 'number', 'string', 'boolean' or 'date-time',
 * `| null` when Gcore documents null; `[type]` an array of it; a nested object is an object of
 * fields; `{ enum: [...] }` one of those strings. A field whose name ends in `?` is optional in
 * Gcore's reference; every other field must be present.
 */

export type FieldType =
  | 'integer'
  | 'integer | null'
  | 'number'
  | 'string'
  | 'string | null'
  | 'boolean'
  | 'date-time'
  | 'date-time | null'
  | { enum: readonly string[] }
  | readonly [FieldType]
  | Shape;

export interface Shape {
  readonly [field: string]: FieldType;
}

const LANGUAGE = { enum: ['de', 'en', 'ru', 'zh', 'az'] } as const;
const USER_GROUP = { id: 'integer', name: 'string' } as const;

/** GET /iam/users/{userId} (`UserGetResponse`). */
export const USER_GET: Shape = {
  id: 'integer',
  activated: 'boolean',
  auth_types: ['string'],
  client: 'number',
  company: 'string',
  deleted: 'boolean',
  email: 'string',
  groups: [USER_GROUP],
  is_active: 'boolean',
  lang: LANGUAGE,
  name: 'string | null',
  phone: 'string | null',
  reseller: 'integer',
  sso_auth: 'boolean',
  two_fa: 'boolean',
  user_type: { enum: ['common', 'reseller', 'seller'] },
};

/** A user of GET /iam/users and the answer to PATCH /iam/users/{userId} (`User`). */
export const USER: Shape = {
  ...USER_GET,
  client_and_roles: [
    {
      client_company_name: 'string',
      client_id: 'integer',
      user_id: 'integer',
      user_roles: ['string'],
    },
  ],
};

/** GET /iam/users?limit=&offset= (`SyncOffsetPage[User]`). */
export const USERS_PAGE: Shape = { count: 'integer', results: [USER] };

/** POST /iam/clients/invite_user (`UserInvited`). */
export const USER_INVITED: Shape = { status: 'string', user_id: 'integer' };

/** GET /iam/clients/me (`AccountOverview`; fields other than the ones below are optional). */
export const ACCOUNT_OVERVIEW: Shape = {
  id: 'integer',
  bill_type: 'string',
  capabilities: [{ enum: ['CDN', 'STORAGE', 'STREAMING', 'DNS', 'DDOS', 'CLOUD'] }],
  companyName: 'string',
  currentUser: 'integer',
  deleted: 'boolean',
  email: 'string',
  freeFeatures: {},
  has_active_admin: 'boolean',
  is_test: 'boolean',
  paidFeatures: {},
  serviceStatuses: {},
  status: {
    enum: ['new', 'trial', 'trialend', 'active', 'integration', 'paused', 'preparation', 'ready'],
  },
  'name?': 'string | null',
  'users?': [{ 'id?': 'integer', 'email?': 'string', 'name?': 'string | null' }],
};

/** GET /iam/clients/{clientId}/client-users/{userId} (API.md; no generated client calls it). */
export const CLIENT_USER_ROLE: Shape = { user_role: USER_GROUP };

/** An API token (`APIToken`): GET …/tokens (an array of them) and GET …/tokens/{tokenId}. */
export const API_TOKEN: Shape = {
  id: 'integer',
  client_user: {
    client_id: 'integer',
    deleted: 'boolean',
    role: { 'id?': 'integer', 'name?': 'string' },
    user_email: 'string',
    user_id: 'integer',
    user_name: 'string',
  },
  created: 'string',
  deleted: 'boolean',
  exp_date: 'string | null',
  expired: 'boolean',
  last_usage: 'string | null',
  name: 'string',
  'description?': 'string | null',
};

/** POST /iam/v2/clients/{clientId}/tokens (`APITokenCreated`). */
export const API_TOKEN_CREATED: Shape = { ...API_TOKEN, 'token?': 'string' };

/** A Cloud project (`Project`). */
export const PROJECT: Shape = {
  id: 'integer',
  client_id: 'integer',
  created_at: 'date-time',
  deleted_at: 'date-time | null',
  description: 'string | null',
  is_default: 'boolean',
  name: 'string',
  state: 'string',
  task_id: 'string | null',
};

/** GET /cloud/v1/projects (`SyncOffsetPage[Project]`). */
export const PROJECTS_PAGE: Shape = { count: 'integer', results: [PROJECT] };

/** DELETE /cloud/v1/projects/{project_id} (`TaskIDList`). */
export const TASK_ID_LIST: Shape = { tasks: ['string'] };

/** A Cloud role assignment (`RoleAssignment`). */
export const ROLE_ASSIGNMENT: Shape = {
  id: 'integer',
  assigned_by: 'integer | null',
  client_id: 'integer',
  created_at: 'date-time',
  project_id: 'integer | null',
  role: {
    enum: [
      'ClientAdministrator',
      'InternalNetworkOnlyUser',
      'Observer',
      'ProjectAdministrator',
      'User',
    ],
  },
  updated_at: 'date-time | null',
  user_id: 'integer',
};

/** GET /cloud/v1/users/assignments (`SyncOffsetPage[RoleAssignment]`). */
export const ROLE_ASSIGNMENTS_PAGE: Shape = { count: 'integer', results: [ROLE_ASSIGNMENT] };

/** PATCH and DELETE /cloud/v1/users/assignments/{assignment_id} (`RoleAssignmentUpdateDelete`). */
export const ROLE_ASSIGNMENT_UPDATE_DELETE: Shape = { assignment_id: 'integer' };

/**
 * Documented fields this BFF leaves out on purpose (docs/gcore-compatibility.md says why): the
 * test requires these, and only these, to be missing, so serving one means taking it off here.
 */
export const NOT_SERVED: Readonly<Record<string, readonly string[]>> = {
  USER: ['reseller'],
  USER_GET: ['reseller'],
  ACCOUNT_OVERVIEW: [
    'bill_type',
    'capabilities',
    'deleted',
    'email',
    'freeFeatures',
    'has_active_admin',
    'is_test',
    'paidFeatures',
    'serviceStatuses',
    'status',
  ],
};
