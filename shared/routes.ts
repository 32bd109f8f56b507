import type * as z from 'zod/mini';
import type { loginBody, refreshBody, tokenPair } from './auth.ts';
import type { clientIdParams, clientMe, createClientBody, createdClient } from './clients.ts';
import type {
  cloudAssignment,
  cloudAssignmentParams,
  cloudAssignmentsQuery,
  createCloudAssignmentBody,
  createProjectBody,
  updateCloudAssignmentBody,
} from './cloud.ts';
import type {
  acceptInvitationBody,
  acceptInvitationResult,
  invitationState,
  invitationTokenParams,
  inviteUserBody,
  inviteUserResult,
  project,
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
 * carries no schema it does not validate with itself.
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

const route = <T extends RouteTypes = object>(descriptor: Route<T>) => descriptor;

export const ROUTES = {
  service: {
    health: route({ method: 'get', path: '/health', auth: false }),
    openapi: route({ method: 'get', path: '/openapi.json', auth: false }),
  },
  auth: {
    login: route<{ body: Body<typeof loginBody>; result: Result<typeof tokenPair> }>({
      method: 'post',
      path: '/iam/auth/jwt/login',
      auth: false,
    }),
    refresh: route<{ body: Body<typeof refreshBody>; result: Result<typeof tokenPair> }>({
      method: 'post',
      path: '/iam/auth/jwt/refresh',
      auth: false,
    }),
    logout: route<{ body: Body<typeof refreshBody> }>({
      method: 'post',
      path: '/iam/auth/jwt/logout',
      auth: false,
    }),
    switchAccount: route<{
      params: Params<typeof clientIdParams>;
      result: Result<typeof tokenPair>;
    }>({ method: 'get', path: '/iam/auth/jwt/clients/:clientId/login', auth: true }),
    jwks: route({ method: 'get', path: '/.well-known/jwks.json', auth: false }),
  },
  clients: {
    me: route<{ result: Result<typeof clientMe> }>({
      method: 'get',
      path: '/iam/clients/me',
      auth: true,
    }),
    create: route<{ body: Body<typeof createClientBody>; result: Result<typeof createdClient> }>({
      method: 'post',
      path: '/iam/clients/create',
      auth: true,
    }),
  },
  users: {
    /** Paged (`usersPage`) when the query has `limit`, else every user. */
    list: route<{
      query: Query<typeof usersQuery>;
      result: Result<typeof usersPage> | Result<typeof user>[];
    }>({ method: 'get', path: '/iam/users', auth: true }),
    get: route<{ params: Params<typeof userIdParams>; result: Result<typeof user> }>({
      method: 'get',
      path: '/iam/users/:userId',
      auth: true,
    }),
    update: route<{
      params: Params<typeof userIdParams>;
      body: Body<typeof updateUserBody>;
      result: Result<typeof user>;
    }>({ method: 'patch', path: '/iam/users/:userId', auth: true }),
    changeEmail: route<{
      params: Params<typeof userIdParams>;
      body: Body<typeof changeEmailBody>;
      result: Result<typeof emailChangeRequested>;
    }>({ method: 'put', path: '/iam/users/:userId/email', auth: true }),
    confirmEmail: route<{
      body: Body<typeof confirmEmailBody>;
      result: Result<typeof emailChanged>;
    }>({ method: 'post', path: '/iam/auth/email/confirm', auth: false }),
    changePassword: route<{
      params: Params<typeof userIdParams>;
      body: Body<typeof changePasswordBody>;
      result: Result<typeof tokenPair>;
    }>({ method: 'put', path: '/iam/users/:userId/password', auth: true }),
  },
  invitations: {
    invite: route<{ body: Body<typeof inviteUserBody>; result: Result<typeof inviteUserResult> }>({
      method: 'post',
      path: '/iam/clients/invite_user',
      auth: true,
    }),
    resend: route<{
      params: Params<typeof resendInviteParams>;
      result: Result<typeof resendInviteResult>;
    }>({
      method: 'post',
      path: '/iam/clients/:clientId/client-users/:userId/resend_invite',
      auth: true,
    }),
    state: route<{
      params: Params<typeof invitationTokenParams>;
      result: Result<typeof invitationState>;
    }>({ method: 'get', path: '/iam/auth/invitations/:token', auth: false }),
    accept: route<{
      params: Params<typeof invitationTokenParams>;
      body: Body<typeof acceptInvitationBody>;
      result: Result<typeof acceptInvitationResult>;
    }>({ method: 'post', path: '/iam/auth/invitations/:token/accept', auth: false }),
  },
  memberships: {
    getRole: route<{
      params: Params<typeof clientUserParams>;
      result: Result<typeof clientUserRoleAnswer>;
    }>({ method: 'get', path: '/iam/clients/:clientId/client-users/:userId', auth: true }),
    setRole: route<{ params: Params<typeof clientUserParams>; body: Body<typeof clientUserRole> }>({
      method: 'put',
      path: '/iam/clients/:clientId/client-users/:userId',
      auth: true,
    }),
    remove: route<{
      params: Params<typeof clientUserParams>;
      result: Result<typeof memberRemoved>;
    }>({ method: 'delete', path: '/iam/clients/:clientId/client-users/:userId', auth: true }),
  },
  cloud: {
    listProjects: route<{ result: Result<typeof project>[] }>({
      method: 'get',
      path: '/cloud/v1/projects',
      auth: true,
    }),
    createProject: route<{ body: Body<typeof createProjectBody>; result: Result<typeof project> }>({
      method: 'post',
      path: '/cloud/v1/projects',
      auth: true,
    }),
    listAssignments: route<{
      query: Query<typeof cloudAssignmentsQuery>;
      result: Result<typeof cloudAssignment>[];
    }>({ method: 'get', path: '/cloud/v1/users/assignments', auth: true }),
    createAssignment: route<{
      body: Body<typeof createCloudAssignmentBody>;
      result: Result<typeof cloudAssignment>;
    }>({ method: 'post', path: '/cloud/v1/users/assignments', auth: true }),
    updateAssignment: route<{
      params: Params<typeof cloudAssignmentParams>;
      body: Body<typeof updateCloudAssignmentBody>;
      result: Result<typeof cloudAssignment>;
    }>({ method: 'patch', path: '/cloud/v1/users/assignments/:id', auth: true }),
    deleteAssignment: route<{ params: Params<typeof cloudAssignmentParams> }>({
      method: 'delete',
      path: '/cloud/v1/users/assignments/:id',
      auth: true,
    }),
  },
  tokens: {
    list: route<{
      params: Params<typeof tokensParams>;
      query: Query<typeof tokensQuery>;
      result: Result<typeof tokenObject>[];
    }>({ method: 'get', path: '/iam/v2/clients/:clientId/tokens', auth: true }),
    create: route<{
      params: Params<typeof tokensParams>;
      body: Body<typeof createTokenBody>;
      result: Result<typeof createdToken>;
    }>({ method: 'post', path: '/iam/v2/clients/:clientId/tokens', auth: true }),
    get: route<{ params: Params<typeof tokenParams>; result: Result<typeof tokenObject> }>({
      method: 'get',
      path: '/iam/v2/clients/:clientId/tokens/:tokenId',
      auth: true,
    }),
    remove: route<{ params: Params<typeof tokenParams> }>({
      method: 'delete',
      path: '/iam/v2/clients/:clientId/tokens/:tokenId',
      auth: true,
    }),
  },
  twoFa: {
    setup: route<{ result: Result<typeof twoFaSetup> }>({
      method: 'post',
      path: '/iam/users/me/2fa/setup',
      auth: true,
    }),
    enable: route<{ body: Body<typeof twoFaEnableBody>; result: Result<typeof backupCodes> }>({
      method: 'post',
      path: '/iam/users/me/2fa/enable',
      auth: true,
    }),
    backupCodes: route<{ body: Body<typeof twoFaCodeBody>; result: Result<typeof backupCodes> }>({
      method: 'post',
      path: '/iam/users/me/2fa/backup_codes',
      auth: true,
    }),
    disable: route<{ result: Result<typeof twoFaDisableRequested> }>({
      method: 'post',
      path: '/iam/users/me/2fa/disable',
      auth: true,
    }),
    confirmDisable: route<{
      body: Body<typeof twoFaDisableConfirmBody>;
      result: Result<typeof twoFaDisabled>;
    }>({ method: 'post', path: '/iam/auth/2fa/disable/confirm', auth: false }),
  },
  logins: {
    list: route<{ query: Query<typeof loginsQuery>; result: Result<typeof loginsPage> }>({
      method: 'get',
      path: '/iam/activity_log/logins',
      auth: true,
    }),
  },
  /** The demo's built-in mailbox (served only with the demo seed and no SMTP server). */
  mailbox: {
    list: route({ method: 'get', path: '/dev/mailbox', auth: false }),
  },
};
