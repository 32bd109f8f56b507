import type * as z from 'zod/mini';
import type { activityPage, activityQuery } from './activity.ts';
import type { loginAnswer, loginBody, refreshBody, tokenPair } from './auth.ts';
import type { clientIdParams, clientMe, createClientBody, createdClient } from './clients.ts';
import type { reminderSent, securitySettings, securitySettingsBody } from './security.ts';
import type {
  assignmentRef,
  cloudAssignment,
  cloudAssignmentParams,
  cloudAssignmentsPage,
  cloudAssignmentsQuery,
  createCloudAssignmentBody,
  createProjectBody,
  project,
  projectParams,
  projectsPage,
  projectsQuery,
  replaceProjectBody,
  taskIdList,
  updateCloudAssignmentBody,
  updateProjectBody,
} from './cloud.ts';
import type {
  acceptInvitationBody,
  acceptInvitationResult,
  invitationState,
  invitationTokenParams,
  inviteUserBody,
  inviteUserResult,
  inviteUsersBody,
  inviteUsersResult,
  resendInviteParams,
  resendInviteResult,
} from './invitations.ts';
import type {
  createdToken,
  createTokenBody,
  tokenObject,
  tokenParams,
  tokensParams,
  tokensQuery,
} from './tokens.ts';
import type {
  backupCodes,
  loginsPage,
  loginsQuery,
  twoFaCodeBody,
  twoFaDisableConfirmBody,
  twoFaDisabled,
  twoFaDisableRequested,
  twoFaEnableBody,
  twoFaSetup,
} from './two-fa.ts';
import type {
  changeEmailBody,
  changePasswordBody,
  clientUserParams,
  clientUserRole,
  clientUserRoleAnswer,
  confirmEmailBody,
  emailChanged,
  emailChangeRequested,
  memberRemoved,
  updateUserBody,
  user,
  userIdParams,
  usersPage,
  usersQuery,
} from './users.ts';

/**
 * Every route of the BFF, written once: its method, its path and whether it needs credentials.
 * The BFF declares its operations (validation, OpenAPI) on these, and the widget's client calls
 * them, so neither side writes a path of its own.
 *
 * They are plain objects on purpose: the schemas come in as types only, so the widget's bundle
 * carries no schema it does not validate with itself. And one export per route, not one object of
 * them all: the bundler then leaves out the routes the widget never calls.
 */

type Schema = z.ZodMiniType;

/** What a route takes and answers, for TypeScript only. */
export interface RouteTypes {
  /** The path's `:name` parts. */
  params?: object;
  query?: object;
  body?: unknown;
  /** The success answer's JSON; absent: no body the client reads (204). */
  result?: unknown;
}

export interface Route<T extends RouteTypes = RouteTypes> {
  method: 'get' | 'post' | 'put' | 'patch' | 'delete';
  /** Hono's path syntax (`/iam/users/:userId`). */
  path: string;
  /** false for the few endpoints that need no credentials. */
  auth: boolean;
  /** Never set: it only carries T to the client's `call()` and the BFF's `operation()`. */
  readonly types?: T;
}

/** A path's parameters as the caller has them; validation turns the path's strings into these. */
type Params<S extends Schema> = z.output<S>;
/** A query parameter may be given as the schema reads it or as it comes out (`true`, `'true'`). */
type Query<S extends Schema> = {
  [K in keyof z.output<S>]?: z.output<S>[K] | (K extends keyof z.input<S> ? z.input<S>[K] : never);
};
type Body<S extends Schema> = z.input<S>;
type Result<S extends Schema> = z.output<S>;

// The service itself
export const health: Route = { method: 'get', path: '/health', auth: false };
export const openapiDocument: Route = { method: 'get', path: '/openapi.json', auth: false };
export const healthLive: Route = { method: 'get', path: '/health/live', auth: false };
export const healthReady: Route = { method: 'get', path: '/health/ready', auth: false };
/** Behind METRICS_TOKEN when that is set, not behind a member's credentials. */
export const metrics: Route = { method: 'get', path: '/metrics', auth: false };

// Sign-in and sessions
export const login: Route<{ body: Body<typeof loginBody>; result: Result<typeof loginAnswer> }> = {
  method: 'post',
  path: '/iam/auth/jwt/login',
  auth: false,
};
export const refresh: Route<{ body: Body<typeof refreshBody>; result: Result<typeof tokenPair> }> =
  { method: 'post', path: '/iam/auth/jwt/refresh', auth: false };
export const logout: Route<{ body: Body<typeof refreshBody> }> = {
  method: 'post',
  path: '/iam/auth/jwt/logout',
  auth: false,
};
export const switchAccount: Route<{
  params: Params<typeof clientIdParams>;
  result: Result<typeof tokenPair>;
}> = { method: 'get', path: '/iam/auth/jwt/clients/:clientId/login', auth: true };
export const jwks: Route = { method: 'get', path: '/.well-known/jwks.json', auth: false };

// Accounts
export const me: Route<{ result: Result<typeof clientMe> }> = {
  method: 'get',
  path: '/iam/clients/me',
  auth: true,
};
export const createClient: Route<{
  body: Body<typeof createClientBody>;
  result: Result<typeof createdClient>;
}> = { method: 'post', path: '/iam/clients/create', auth: true };

// An account's security settings (an addition: docs/decisions/026)
export const getSecurity: Route<{
  params: Params<typeof clientIdParams>;
  result: Result<typeof securitySettings>;
}> = { method: 'get', path: '/iam/clients/:clientId/security', auth: true };
export const setSecurity: Route<{
  params: Params<typeof clientIdParams>;
  body: Body<typeof securitySettingsBody>;
  result: Result<typeof securitySettings>;
}> = { method: 'put', path: '/iam/clients/:clientId/security', auth: true };
export const remindTwoFa: Route<{
  params: Params<typeof clientIdParams>;
  result: Result<typeof reminderSent>;
}> = { method: 'post', path: '/iam/clients/:clientId/security/remind', auth: true };

// Users
/** Paged (`usersPage`) when the query has `limit`, else every user. */
export const listUsers: Route<{
  query: Query<typeof usersQuery>;
  result: Result<typeof usersPage> | Result<typeof user>[];
}> = { method: 'get', path: '/iam/users', auth: true };
export const getUser: Route<{ params: Params<typeof userIdParams>; result: Result<typeof user> }> =
  { method: 'get', path: '/iam/users/:userId', auth: true };
export const updateUser: Route<{
  params: Params<typeof userIdParams>;
  body: Body<typeof updateUserBody>;
  result: Result<typeof user>;
}> = { method: 'patch', path: '/iam/users/:userId', auth: true };
export const changeEmail: Route<{
  params: Params<typeof userIdParams>;
  body: Body<typeof changeEmailBody>;
  result: Result<typeof emailChangeRequested>;
}> = { method: 'put', path: '/iam/users/:userId/email', auth: true };
export const confirmEmail: Route<{
  body: Body<typeof confirmEmailBody>;
  result: Result<typeof emailChanged>;
}> = { method: 'post', path: '/iam/auth/email/confirm', auth: false };
export const changePassword: Route<{
  params: Params<typeof userIdParams>;
  body: Body<typeof changePasswordBody>;
  result: Result<typeof tokenPair>;
}> = { method: 'put', path: '/iam/users/:userId/password', auth: true };

// Invitations
export const inviteUser: Route<{
  body: Body<typeof inviteUserBody>;
  result: Result<typeof inviteUserResult>;
}> = { method: 'post', path: '/iam/clients/invite_user', auth: true };
/** An addition to API.md: up to 100 invitations, one result per row (docs/bulk-invitations.md). */
export const inviteUsers: Route<{
  body: Body<typeof inviteUsersBody>;
  result: Result<typeof inviteUsersResult>;
}> = { method: 'post', path: '/iam/clients/invite_users', auth: true };
export const resendInvite: Route<{
  params: Params<typeof resendInviteParams>;
  result: Result<typeof resendInviteResult>;
}> = {
  method: 'post',
  path: '/iam/clients/:clientId/client-users/:userId/resend_invite',
  auth: true,
};
export const getInvitation: Route<{
  params: Params<typeof invitationTokenParams>;
  result: Result<typeof invitationState>;
}> = { method: 'get', path: '/iam/auth/invitations/:token', auth: false };
export const acceptInvitation: Route<{
  params: Params<typeof invitationTokenParams>;
  body: Body<typeof acceptInvitationBody>;
  result: Result<typeof acceptInvitationResult>;
}> = { method: 'post', path: '/iam/auth/invitations/:token/accept', auth: false };

// Membership of an account
export const getRole: Route<{
  params: Params<typeof clientUserParams>;
  result: Result<typeof clientUserRoleAnswer>;
}> = { method: 'get', path: '/iam/clients/:clientId/client-users/:userId', auth: true };
export const setRole: Route<{
  params: Params<typeof clientUserParams>;
  body: Body<typeof clientUserRole>;
}> = { method: 'put', path: '/iam/clients/:clientId/client-users/:userId', auth: true };
export const removeMember: Route<{
  params: Params<typeof clientUserParams>;
  result: Result<typeof memberRemoved>;
}> = { method: 'delete', path: '/iam/clients/:clientId/client-users/:userId', auth: true };

// Cloud projects and roles (Gcore's Cloud API shapes)
export const listProjects: Route<{
  query: Query<typeof projectsQuery>;
  result: Result<typeof projectsPage>;
}> = { method: 'get', path: '/cloud/v1/projects', auth: true };
export const createProject: Route<{
  body: Body<typeof createProjectBody>;
  result: Result<typeof project>;
}> = { method: 'post', path: '/cloud/v1/projects', auth: true };
export const getProject: Route<{
  params: Params<typeof projectParams>;
  result: Result<typeof project>;
}> = { method: 'get', path: '/cloud/v1/projects/:id', auth: true };
export const updateProject: Route<{
  params: Params<typeof projectParams>;
  body: Body<typeof updateProjectBody>;
  result: Result<typeof project>;
}> = { method: 'patch', path: '/cloud/v1/projects/:id', auth: true };
export const replaceProject: Route<{
  params: Params<typeof projectParams>;
  body: Body<typeof replaceProjectBody>;
  result: Result<typeof project>;
}> = { method: 'put', path: '/cloud/v1/projects/:id', auth: true };
export const deleteProject: Route<{
  params: Params<typeof projectParams>;
  result: Result<typeof taskIdList>;
}> = { method: 'delete', path: '/cloud/v1/projects/:id', auth: true };
export const listCloudAssignments: Route<{
  query: Query<typeof cloudAssignmentsQuery>;
  result: Result<typeof cloudAssignmentsPage>;
}> = { method: 'get', path: '/cloud/v1/users/assignments', auth: true };
export const createCloudAssignment: Route<{
  body: Body<typeof createCloudAssignmentBody>;
  result: Result<typeof cloudAssignment>;
}> = { method: 'post', path: '/cloud/v1/users/assignments', auth: true };
export const updateCloudAssignment: Route<{
  params: Params<typeof cloudAssignmentParams>;
  body: Body<typeof updateCloudAssignmentBody>;
  result: Result<typeof assignmentRef>;
}> = { method: 'patch', path: '/cloud/v1/users/assignments/:id', auth: true };
export const deleteCloudAssignment: Route<{
  params: Params<typeof cloudAssignmentParams>;
  result: Result<typeof assignmentRef>;
}> = { method: 'delete', path: '/cloud/v1/users/assignments/:id', auth: true };

// API tokens
export const listTokens: Route<{
  params: Params<typeof tokensParams>;
  query: Query<typeof tokensQuery>;
  result: Result<typeof tokenObject>[];
}> = { method: 'get', path: '/iam/v2/clients/:clientId/tokens', auth: true };
export const createToken: Route<{
  params: Params<typeof tokensParams>;
  body: Body<typeof createTokenBody>;
  result: Result<typeof createdToken>;
}> = { method: 'post', path: '/iam/v2/clients/:clientId/tokens', auth: true };
export const getToken: Route<{
  params: Params<typeof tokenParams>;
  result: Result<typeof tokenObject>;
}> = { method: 'get', path: '/iam/v2/clients/:clientId/tokens/:tokenId', auth: true };
export const deleteToken: Route<{ params: Params<typeof tokenParams> }> = {
  method: 'delete',
  path: '/iam/v2/clients/:clientId/tokens/:tokenId',
  auth: true,
};

// Two-factor authentication
export const setUpTwoFa: Route<{ result: Result<typeof twoFaSetup> }> = {
  method: 'post',
  path: '/iam/users/me/2fa/setup',
  auth: true,
};
export const enableTwoFa: Route<{
  body: Body<typeof twoFaEnableBody>;
  result: Result<typeof backupCodes>;
}> = { method: 'post', path: '/iam/users/me/2fa/enable', auth: true };
export const replaceBackupCodes: Route<{
  body: Body<typeof twoFaCodeBody>;
  result: Result<typeof backupCodes>;
}> = { method: 'post', path: '/iam/users/me/2fa/backup_codes', auth: true };
export const requestTwoFaDisable: Route<{ result: Result<typeof twoFaDisableRequested> }> = {
  method: 'post',
  path: '/iam/users/me/2fa/disable',
  auth: true,
};
export const confirmTwoFaDisable: Route<{
  body: Body<typeof twoFaDisableConfirmBody>;
  result: Result<typeof twoFaDisabled>;
}> = { method: 'post', path: '/iam/auth/2fa/disable/confirm', auth: false };

// Sign-in history
export const listLogins: Route<{
  query: Query<typeof loginsQuery>;
  result: Result<typeof loginsPage>;
}> = { method: 'get', path: '/iam/activity_log/logins', auth: true };

// The account's audit trail (Administrators); also a CSV download (`format=csv`)
export const listActivity: Route<{
  query: Query<typeof activityQuery>;
  result: Result<typeof activityPage>;
}> = { method: 'get', path: '/iam/activity_log/actions', auth: true };

// The demo's built-in mailbox (served only with the demo seed and no SMTP server)
export const mailbox: Route = { method: 'get', path: '/dev/mailbox', auth: false };
