import assert from 'node:assert/strict';
import { before, it } from 'node:test';
import { sql } from 'kysely';
import { z } from 'zod';
import { OPERATIONS } from '../../server/app.ts';
import { IAM_ROLES, ROLE } from '../../shared/roles.ts';
import { eachDatabase, type TestContext } from '../support/context.ts';

/**
 * Every endpoint against every kind of caller, from one table. Each cell asserts the status; an
 * allowed call's JSON answer must match the operation's schema exactly (no field more: a secret
 * added to an answer is caught), a refusal must be an error answer, and a refused call must leave
 * the data exactly as it was.
 *
 * Callers: each IAM role of account A; a Project Administrator (IAM Users with that Cloud role)
 * and a Users member with no Cloud access; an Administrator's API tokens with the Users role and
 * with the Administrators role (`Authorization: APIKey`; decision 020: a token manages tokens as
 * its issuer would, capped by its own role, but never the login itself); an administrator of account B, once with A's ids in the path and
 * once with B's own account id beside A's resource ids (so that a lost account filter on a
 * resource is noticed, not hidden by the path check); anonymous; the unexpired
 * tokens of an Administrator demoted since, of a user deleted since, of a member removed since,
 * and of an invitee who never accepted.
 */

type CallerName =
  | (typeof IAM_ROLES)[number]['name']
  | 'project administrator'
  | 'no cloud access'
  | 'demoted admin'
  | "admin's Users-role API token"
  | "admin's Administrators-role API token"
  | 'other account admin'
  | "other account admin, own account's id in the path"
  | 'anonymous'
  | 'deleted user'
  | 'removed member'
  | 'pending invitee';

interface World {
  accountA: number;
  accountB: number;
  userInA: number;
  /** A member of A whose invitation is pending: what resend acts on. */
  pendingInA: number;
  /** A member of A who has also joined B (decision 018: each account sees its own part). */
  sharedInA?: number;
  projectInA: number;
  /** Projects of A to give roles in (one per call) and to delete (one per DELETE). */
  projectsToAssign: number[];
  projectsToDelete: number[];
  /** Cloud role assignments in A to change and to delete. */
  assignmentToChange: number;
  assignmentsToDelete: number[];
  /** A token issued by A's Administrator, and members of A to remove. */
  adminTokenId: number;
  /** Live tokens of A's Administrator, one per DELETE, so that each caller meets a live one. */
  tokensToDelete: number[];
  victims: number[];
  tokens: Record<CallerName, string | undefined>;
}

interface Endpoint {
  name: string;
  request: (world: World) => { method: string; path: string; json?: unknown };
  /** Expected status per caller; callers not listed expect `otherwise`. */
  expect: Partial<Record<CallerName, number>>;
  otherwise: number;
}

/** B's administrator, with B's id where the path names the account and A's resource ids. */
const OWN_PATH = "other account admin, own account's id in the path" as const;

/** Managing the login itself takes a signed-in session, not an API token. */
const SIGNED_IN = {
  "admin's Users-role API token": 403,
  "admin's Administrators-role API token": 403,
} as const;
const REVOKED = {
  anonymous: 401,
  'deleted user': 401,
  'removed member': 401,
  'pending invitee': 401,
} as const;
/** Members of A who are not Administrators (now). */
const NON_ADMINS = [
  'Engineers',
  'Purge and Prefetch only (API+Web)',
  'Purge and Prefetch only (API)',
  'Users',
  'project administrator',
  'no cloud access',
  'demoted admin',
  "admin's Users-role API token",
] as const;
const refusedFor = (callers: readonly CallerName[], status: number) =>
  Object.fromEntries(callers.map((caller) => [caller, status])) as Partial<
    Record<CallerName, number>
  >;
/** Only Administrators of the account; everyone else of it is refused. */
const ADMINS_ONLY = { ...REVOKED, ...refusedFor(NON_ADMINS, 403) };
/** Only the user themself (here: `userInA`, who is none of the callers). */
const SELF_ONLY = {
  ...REVOKED,
  ...refusedFor(
    [
      'Administrators',
      ...NON_ADMINS,
      "admin's Administrators-role API token",
      'other account admin',
    ],
    403,
  ),
};
let unique = 0;

const ENDPOINTS: Endpoint[] = [
  {
    name: 'GET /iam/users',
    request: () => ({ method: 'GET', path: '/iam/users?limit=5' }),
    expect: REVOKED,
    otherwise: 200,
  },
  {
    name: 'GET /iam/users/{id} of account A',
    request: (w) => ({ method: 'GET', path: `/iam/users/${w.userInA}` }),
    expect: { ...REVOKED, 'other account admin': 404 },
    otherwise: 200,
  },
  {
    name: 'GET /iam/clients/me',
    request: () => ({ method: 'GET', path: '/iam/clients/me' }),
    expect: REVOKED,
    otherwise: 200,
  },
  {
    name: 'GET /iam/clients/{A}/security',
    request: (w) => ({ method: 'GET', path: `/iam/clients/${w.accountA}/security` }),
    expect: { ...REVOKED, 'other account admin': 404, [OWN_PATH]: 200 },
    otherwise: 200,
  },
  {
    // A grace period of 30 days: the rows after this one still serve A's members without 2FA.
    name: 'PUT /iam/clients/{A}/security',
    request: (w) => ({
      method: 'PUT',
      path: `/iam/clients/${w.accountA}/security`,
      json: { require_2fa: true, grace_period_days: 30 },
    }),
    // Administrators, signed in: an API token must not lower the account's guard (decision 026).
    expect: { ...ADMINS_ONLY, ...SIGNED_IN, 'other account admin': 404, [OWN_PATH]: 200 },
    otherwise: 200,
  },
  {
    // Both A and B require 2FA by now (the row above).
    name: 'POST /iam/clients/{A}/security/remind',
    request: (w) => ({ method: 'POST', path: `/iam/clients/${w.accountA}/security/remind` }),
    expect: { ...ADMINS_ONLY, 'other account admin': 404, [OWN_PATH]: 200 },
    otherwise: 200,
  },
  {
    name: 'POST /iam/clients/create',
    request: () => ({
      method: 'POST',
      path: '/iam/clients/create',
      json: { company: 'Matrix Co' },
    }),
    expect: { ...REVOKED, ...SIGNED_IN },
    otherwise: 201,
  },
  {
    name: 'GET /iam/auth/jwt/clients/{A}/login',
    request: (w) => ({ method: 'GET', path: `/iam/auth/jwt/clients/${w.accountA}/login` }),
    expect: { ...SIGNED_IN, ...REVOKED, 'other account admin': 404, [OWN_PATH]: 200 },
    otherwise: 200,
  },
  {
    name: 'POST /iam/clients/invite_user into account A',
    request: (w) => ({
      method: 'POST',
      path: '/iam/clients/invite_user',
      json: {
        client_id: w.accountA,
        email: `matrix-${unique++}-${Date.now()}@x.test`,
        user_role: { id: 2 },
      },
    }),
    expect: { ...ADMINS_ONLY, 'other account admin': 404, [OWN_PATH]: 200 },
    otherwise: 200,
  },
  {
    name: 'POST /iam/clients/invite_users into account A',
    request: (w) => ({
      method: 'POST',
      path: '/iam/clients/invite_users',
      json: {
        client_id: w.accountA,
        users: [{ email: `matrix-${unique++}-${Date.now()}@x.test`, user_role: { id: 2 } }],
      },
    }),
    expect: { ...ADMINS_ONLY, 'other account admin': 404, [OWN_PATH]: 200 },
    otherwise: 200,
  },
  {
    name: 'POST /iam/clients/invite_users into account A, dry run',
    request: (w) => ({
      method: 'POST',
      path: '/iam/clients/invite_users',
      json: {
        client_id: w.accountA,
        users: [{ email: `matrix-${unique++}-${Date.now()}@x.test`, user_role: { id: 2 } }],
        dry_run: true,
      },
    }),
    expect: { ...ADMINS_ONLY, 'other account admin': 404, [OWN_PATH]: 200 },
    otherwise: 200,
  },
  {
    name: 'POST /iam/clients/{A}/client-users/{pending}/resend_invite',
    request: (w) => ({
      method: 'POST',
      path: `/iam/clients/${w.accountA}/client-users/${w.pendingInA}/resend_invite`,
    }),
    expect: { ...ADMINS_ONLY, 'other account admin': 404 },
    otherwise: 200,
  },
  {
    name: 'GET /cloud/v1/projects',
    request: () => ({ method: 'GET', path: '/cloud/v1/projects' }),
    expect: REVOKED,
    otherwise: 200,
  },
  {
    name: 'POST /cloud/v1/projects',
    request: () => ({
      method: 'POST',
      path: '/cloud/v1/projects',
      json: { name: `Project ${unique++}` },
    }),
    expect: { ...ADMINS_ONLY, 'other account admin': 201 }, // in their own account
    otherwise: 201,
  },
  {
    name: 'GET /cloud/v1/projects/{id} of account A',
    request: (w) => ({ method: 'GET', path: `/cloud/v1/projects/${w.projectInA}` }),
    expect: { ...REVOKED, 'other account admin': 404 },
    otherwise: 200,
  },
  {
    name: 'PATCH /cloud/v1/projects/{id} of account A',
    request: (w) => ({
      method: 'PATCH',
      path: `/cloud/v1/projects/${w.projectInA}`,
      json: { description: `Described ${unique++}` },
    }),
    expect: { ...ADMINS_ONLY, 'other account admin': 404 },
    otherwise: 200,
  },
  {
    name: 'PUT /cloud/v1/projects/{id} of account A',
    request: (w) => ({
      method: 'PUT',
      path: `/cloud/v1/projects/${w.projectInA}`,
      json: { name: `Renamed project ${unique++}` },
    }),
    expect: { ...ADMINS_ONLY, 'other account admin': 404 },
    otherwise: 200,
  },
  {
    name: 'DELETE /cloud/v1/projects/{id} of account A',
    request: (w) => ({
      method: 'DELETE',
      path: `/cloud/v1/projects/${w.projectsToDelete.shift() ?? 0}`,
    }),
    expect: { ...ADMINS_ONLY, 'other account admin': 404 },
    otherwise: 200,
  },
  {
    name: "PATCH /iam/users/{id}: another member's profile",
    request: (w) => ({
      method: 'PATCH',
      path: `/iam/users/${w.userInA}`,
      json: { name: `Renamed ${unique++}` },
    }),
    expect: { ...ADMINS_ONLY, 'other account admin': 404 },
    otherwise: 200,
  },
  {
    name: "PUT /iam/users/{id}/email: another member's email",
    request: (w) => ({
      method: 'PUT',
      path: `/iam/users/${w.userInA}/email`,
      json: { new_email: `taken-over-${unique++}@x.test`, password: 'whatever it is' },
    }),
    expect: SELF_ONLY,
    otherwise: 200,
  },
  {
    name: "PUT /iam/users/{id}/password: another member's password",
    request: (w) => ({
      method: 'PUT',
      path: `/iam/users/${w.userInA}/password`,
      json: {
        old: 'whatever it is',
        new: 'a brand new passphrase',
        double: 'a brand new passphrase',
      },
    }),
    expect: SELF_ONLY,
    otherwise: 200,
  },
  {
    name: 'GET /iam/clients/{A}/client-users/{id}',
    request: (w) => ({
      method: 'GET',
      path: `/iam/clients/${w.accountA}/client-users/${w.userInA}`,
    }),
    expect: { ...REVOKED, 'other account admin': 404 },
    otherwise: 200,
  },
  {
    name: 'PUT /iam/clients/{A}/client-users/{id}',
    request: (w) => ({
      method: 'PUT',
      path: `/iam/clients/${w.accountA}/client-users/${w.userInA}`,
      json: { user_role: { id: ROLE.engineers } },
    }),
    expect: { ...ADMINS_ONLY, 'other account admin': 404 },
    otherwise: 204,
  },
  {
    name: 'GET /cloud/v1/users/assignments',
    request: () => ({ method: 'GET', path: '/cloud/v1/users/assignments' }),
    expect: REVOKED,
    otherwise: 200,
  },
  {
    name: 'POST /cloud/v1/users/assignments',
    request: (w) => ({
      method: 'POST',
      path: '/cloud/v1/users/assignments',
      json: {
        role: 'Observer',
        user_id: w.userInA,
        client_id: w.accountA,
        project_id: w.projectsToAssign[unique++ % w.projectsToAssign.length],
      },
    }),
    // B's administrator names A's account (404), or their own with A's user and project (400)
    expect: { ...ADMINS_ONLY, 'other account admin': 404, [OWN_PATH]: 400 },
    otherwise: 200,
  },
  {
    name: 'PATCH /cloud/v1/users/assignments/{id}',
    request: (w) => ({
      method: 'PATCH',
      path: `/cloud/v1/users/assignments/${w.assignmentToChange}`,
      json: { role: 'User', user_id: w.userInA },
    }),
    expect: { ...ADMINS_ONLY, 'other account admin': 404 },
    otherwise: 200,
  },
  {
    name: 'DELETE /cloud/v1/users/assignments/{id}',
    request: (w) => ({
      method: 'DELETE',
      path: `/cloud/v1/users/assignments/${w.assignmentsToDelete.shift() ?? 0}`,
    }),
    expect: { ...ADMINS_ONLY, 'other account admin': 404 },
    otherwise: 200,
  },
  {
    name: 'GET /iam/v2/clients/{A}/tokens',
    request: (w) => ({ method: 'GET', path: `/iam/v2/clients/${w.accountA}/tokens` }),
    expect: { ...REVOKED, 'other account admin': 404, [OWN_PATH]: 200 },
    otherwise: 200,
  },
  {
    name: 'POST /iam/v2/clients/{A}/tokens',
    request: (w) => ({
      method: 'POST',
      path: `/iam/v2/clients/${w.accountA}/tokens`,
      json: {
        name: `matrix ${unique++}`,
        exp_date: null,
        client_user: { role: { id: ROLE.users } },
      },
    }),
    // An API token may mint a token no higher than itself (decision 020).
    expect: { ...REVOKED, 'other account admin': 404, [OWN_PATH]: 201 },
    otherwise: 201,
  },
  {
    name: 'POST /iam/v2/clients/{A}/tokens with the Administrators role',
    request: (w) => ({
      method: 'POST',
      path: `/iam/v2/clients/${w.accountA}/tokens`,
      json: {
        name: `matrix admin ${unique++}`,
        exp_date: null,
        client_user: { role: { id: ROLE.administrators } },
      },
    }),
    // Above the caller's role (or the calling token's): Gcore's 400 naming the role.
    expect: {
      ...REVOKED,
      ...refusedFor(NON_ADMINS, 400),
      'other account admin': 404,
      [OWN_PATH]: 201,
    },
    otherwise: 201,
  },
  {
    name: "GET /iam/v2/clients/{A}/tokens/{id}: the Administrator's token",
    request: (w) => ({
      method: 'GET',
      path: `/iam/v2/clients/${w.accountA}/tokens/${w.adminTokenId}`,
    }),
    // Only Administrators see others' tokens; to everyone else they do not exist.
    expect: { ...REVOKED, ...refusedFor(NON_ADMINS, 404), 'other account admin': 404 },
    otherwise: 200,
  },
  {
    name: "DELETE /iam/v2/clients/{A}/tokens/{id}: the Administrator's token",
    request: (w) => ({
      method: 'DELETE',
      path: `/iam/v2/clients/${w.accountA}/tokens/${w.tokensToDelete.shift() ?? 0}`,
    }),
    expect: { ...REVOKED, ...refusedFor(NON_ADMINS, 404), 'other account admin': 404 },
    otherwise: 204,
  },
  {
    name: 'DELETE /iam/clients/{A}/client-users/{id}',
    request: (w) => ({
      method: 'DELETE',
      path: `/iam/clients/${w.accountA}/client-users/${w.victims.shift() ?? 0}`,
    }),
    expect: { ...ADMINS_ONLY, 'other account admin': 404 },
    otherwise: 200,
  },
  {
    name: 'POST /iam/users/me/2fa/setup (always about oneself)',
    request: () => ({ method: 'POST', path: '/iam/users/me/2fa/setup' }),
    expect: { ...REVOKED, ...SIGNED_IN },
    otherwise: 200,
  },
  {
    name: 'POST /iam/users/me/2fa/enable with a wrong code',
    request: () => ({
      method: 'POST',
      path: '/iam/users/me/2fa/enable',
      json: { code: '000000', password: 'not the password' },
    }),
    expect: { ...REVOKED, ...SIGNED_IN },
    otherwise: 400,
  },
  {
    name: 'POST /iam/users/me/2fa/backup_codes while 2FA is off',
    request: () => ({
      method: 'POST',
      path: '/iam/users/me/2fa/backup_codes',
      json: { code: '000000' },
    }),
    expect: { ...REVOKED, ...SIGNED_IN },
    otherwise: 400,
  },
  {
    name: 'POST /iam/users/me/2fa/disable while 2FA is off',
    request: () => ({ method: 'POST', path: '/iam/users/me/2fa/disable' }),
    expect: { ...REVOKED, ...SIGNED_IN },
    otherwise: 400,
  },
  {
    name: 'GET /iam/activity_log/logins (one’s own)',
    request: () => ({ method: 'GET', path: '/iam/activity_log/logins' }),
    expect: REVOKED,
    otherwise: 200,
  },
  {
    name: "GET /iam/activity_log/logins?user_id= another member's",
    request: (w) => ({ method: 'GET', path: `/iam/activity_log/logins?user_id=${w.userInA}` }),
    expect: { ...ADMINS_ONLY, 'other account admin': 404 },
    otherwise: 200,
  },
  {
    name: "GET /iam/activity_log/actions (the account's audit trail)",
    request: () => ({ method: 'GET', path: '/iam/activity_log/actions?limit=5' }),
    // Another account's Administrator reads their own account's trail.
    expect: ADMINS_ONLY,
    otherwise: 200,
  },
  {
    name: 'GET /iam/activity_log/logins?user_id= a member A shares with B (each sees its part)',
    request: (w) => ({ method: 'GET', path: `/iam/activity_log/logins?user_id=${w.sharedInA}` }),
    expect: ADMINS_ONLY,
    otherwise: 200,
  },
  {
    name: "GET /iam/activity_log/actions?user_id= a member's history",
    request: (w) => ({ method: 'GET', path: `/iam/activity_log/actions?user_id=${w.userInA}` }),
    // Not 404 for another account's Administrator: their own trail, where A's member is nowhere.
    expect: ADMINS_ONLY,
    otherwise: 200,
  },
  {
    name: 'GET /iam/activity_log/logins?user_id= an invitee of A who has not joined',
    request: (w) => ({ method: 'GET', path: `/iam/activity_log/logins?user_id=${w.pendingInA}` }),
    expect: ADMINS_ONLY,
    otherwise: 404,
  },
  {
    name: 'GET /iam/activity_log/logins with a bad filter',
    request: () => ({ method: 'GET', path: '/iam/activity_log/logins?success=maybe&ip=x' }),
    expect: REVOKED,
    otherwise: 400,
  },
];

/**
 * A fingerprint of everything a refused call must leave untouched: the content of the account
 * tables, not just their row counts (the audit log and the login history may gain a row).
 */
async function snapshot(ctx: TestContext) {
  const { rows } = await sql<{ snapshot: string }>`
    select concat_ws('/',
      (select md5(coalesce(string_agg(concat_ws(',', id, company_name, require_2fa_since, two_fa_grace_days),
        ';' order by id), '')) from accounts),
      (select md5(coalesce(string_agg(concat_ws(',', id, email, name, lang, phone, password_hash,
        two_fa_secret, two_fa_enabled_at, two_fa_last_step, credentials_version, deleted_at), ';' order by id), ''))
        from users),
      (select md5(coalesce(string_agg(concat_ws(',', id, account_id, user_id, role_id,
        invitation_expires_at, accepted_at, invited_name, invited_lang), ';' order by id), '')) from memberships),
      (select md5(coalesce(string_agg(concat_ws(',', id, name, description, deleted_at), ';' order by id), ''))
        from projects),
      (select md5(coalesce(string_agg(concat_ws(',', id, user_id, project_id, role, updated_at), ';' order by id), ''))
        from cloud_role_assignments),
      (select md5(coalesce(string_agg(concat_ws(',', id, expires_at, used_at, revoked_at), ';' order by id), ''))
        from invitations),
      (select md5(coalesce(string_agg(concat_ws(',', id, account_id, user_id, name, description, role_id,
        expires_at, deleted_at, issuer_name, issuer_email), ';' order by id), '')) from api_tokens),
      (select md5(coalesce(string_agg(concat_ws(',', id, user_id, credentials_version, revoked_at), ';' order by id), ''))
        from sessions),
      (select md5(coalesce(string_agg(concat_ws(',', id, session_id, used_at, revoked_at), ';' order by id), ''))
        from refresh_tokens),
      (select md5(coalesce(string_agg(concat_ws(',', id, user_id, code_hash, used_at), ';' order by id), ''))
        from two_fa_backup_codes),
      (select md5(coalesce(string_agg(concat_ws(',', id, user_id, new_email, token_hash, expires_at, used_at),
        ';' order by id), '')) from email_change_requests),
      (select md5(coalesce(string_agg(concat_ws(',', id, user_id, token_hash, expires_at, used_at), ';' order by id), ''))
        from two_fa_disable_requests),
      (select count(*) from email_outbox)) as snapshot`.execute(ctx.db);
  return rows[0].snapshot;
}

/** Every error answer: API.md's shape, nothing more. */
const errorAnswer = z.strictObject({
  message: z.string(),
  code: z.string(),
  errors: z.optional(z.record(z.string(), z.unknown())),
  request_id: z.optional(z.string()),
});

/**
 * What is wrong with an answer, if anything: a success must be exactly what its operation's
 * schema describes (parsing drops unknown fields, so an answer with one more field differs from
 * its parse), an error must be an error answer.
 */
async function answerProblem(method: string, path: string, response: Response) {
  const pathname = path.split('?')[0];
  const op = OPERATIONS.find(
    (candidate) =>
      candidate.method === method.toLowerCase() &&
      new RegExp(`^${candidate.path.replace(/:\w+/g, '[^/]+')}$`).test(pathname),
  );
  if (!op) return 'no operation documents this path';
  const text = await response.text();
  if (response.status === 204) return text === '' ? undefined : 'a 204 with a body';
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    return `not JSON: ${text.slice(0, 80)}`;
  }
  const schema = response.status < 400 ? op.responses[response.status]?.schema : errorAnswer;
  if (!schema) return `no schema for ${response.status}`;
  const parsed = z.safeParse(schema, body);
  if (!parsed.success) return `does not match its schema: ${parsed.error.message.slice(0, 300)}`;
  try {
    assert.deepEqual(parsed.data, body);
  } catch {
    return `has fields its schema does not name: ${text.slice(0, 300)}`;
  }
  return undefined;
}

eachDatabase('authorization matrix', (ctx) => {
  const world = {} as World;

  const assignment = async (userId: number, projectId: number, role: string) =>
    (
      await ctx()
        .db.insertInto('cloud_role_assignments')
        .values({ account_id: world.accountA, user_id: userId, project_id: projectId, role })
        .returning('id')
        .executeTakeFirstOrThrow()
    ).id;

  before(async () => {
    const { fixtures } = ctx();
    world.accountA = await fixtures.account('Matrix A');
    const accountB = await fixtures.account('Matrix B');
    world.userInA = (await fixtures.member(world.accountA, { role: ROLE.users })).id;
    world.pendingInA = (await fixtures.member(world.accountA, { status: 'not_activated' })).id;
    const tokens = {} as World['tokens'];
    for (const role of IAM_ROLES) {
      const member = await fixtures.member(world.accountA, { role: role.id });
      tokens[role.name] = await ctx().tokenFor(member.id, world.accountA);
    }
    world.projectInA = await fixtures.project(world.accountA);
    const projectAdmin = await fixtures.member(world.accountA, { role: ROLE.users });
    await fixtures.cloudRole(
      world.accountA,
      projectAdmin.id,
      world.projectInA,
      'ProjectAdministrator',
    );
    tokens['project administrator'] = await ctx().tokenFor(projectAdmin.id, world.accountA);
    const noCloud = await fixtures.member(world.accountA, { role: ROLE.users });
    tokens['no cloud access'] = await ctx().tokenFor(noCloud.id, world.accountA);
    const demoted = await fixtures.member(world.accountA, { role: ROLE.administrators });
    tokens['demoted admin'] = await ctx().tokenFor(demoted.id, world.accountA);
    await ctx()
      .db.updateTable('memberships')
      .set({ role_id: ROLE.users })
      .where('user_id', '=', demoted.id)
      .execute();
    const otherProject = await fixtures.project(world.accountA);
    world.assignmentToChange = await assignment(world.userInA, otherProject, 'Observer');
    world.assignmentsToDelete = [];
    world.projectsToAssign = [];
    world.projectsToDelete = [];
    for (let i = 0; i < 20; i++) {
      const project = await fixtures.project(world.accountA);
      world.assignmentsToDelete.push(await assignment(world.pendingInA, project, 'Observer'));
      world.projectsToAssign.push(await fixtures.project(world.accountA));
      world.projectsToDelete.push(await fixtures.project(world.accountA));
    }

    world.victims = [];
    for (let i = 0; i < 20; i++) world.victims.push((await fixtures.member(world.accountA)).id);
    const tokenIssuer = await fixtures.member(world.accountA, { role: ROLE.administrators });
    const apiKeyHolder = await fixtures.member(world.accountA, { role: ROLE.administrators });
    const issue = async (roleId: number, issuerId: number) => {
      const response = await ctx().request(`/iam/v2/clients/${world.accountA}/tokens`, {
        method: 'POST',
        token: await ctx().tokenFor(issuerId, world.accountA),
        json: { name: 'matrix', exp_date: null, client_user: { role: { id: roleId } } },
      });
      return (await response.json()) as { id: number; token: string };
    };
    world.adminTokenId = (await issue(ROLE.administrators, tokenIssuer.id)).id;
    world.tokensToDelete = [];
    for (let i = 0; i < 20; i++) {
      const row = await ctx()
        .db.insertInto('api_tokens')
        .values({
          account_id: world.accountA,
          user_id: tokenIssuer.id,
          name: `to delete ${i}`,
          role_id: ROLE.users,
          secret_hash: Buffer.alloc(32, i),
        })
        .returning('id')
        .executeTakeFirstOrThrow();
      world.tokensToDelete.push(row.id);
    }
    tokens["admin's Users-role API token"] =
      `APIKey ${(await issue(ROLE.users, apiKeyHolder.id)).token}`;
    tokens["admin's Administrators-role API token"] =
      `APIKey ${(await issue(ROLE.administrators, apiKeyHolder.id)).token}`;

    const otherAdmin = await fixtures.member(accountB, { role: ROLE.administrators });
    tokens['other account admin'] = await ctx().tokenFor(otherAdmin.id, accountB);
    tokens[OWN_PATH] = tokens['other account admin'];
    world.accountB = accountB;
    world.sharedInA = (await fixtures.member(world.accountA)).id;
    await fixtures.join(accountB, world.sharedInA);
    tokens.anonymous = undefined;

    const deleted = await fixtures.member(world.accountA, { role: ROLE.administrators });
    tokens['deleted user'] = await ctx().tokenFor(deleted.id, world.accountA);
    await ctx()
      .db.updateTable('users')
      .set({ deleted_at: ctx().clock.now() })
      .where('id', '=', deleted.id)
      .execute();

    const removed = await fixtures.member(world.accountA, { role: ROLE.administrators });
    tokens['removed member'] = await ctx().tokenFor(removed.id, world.accountA);
    await ctx().db.deleteFrom('memberships').where('user_id', '=', removed.id).execute();

    const pending = await fixtures.member(world.accountA, {
      role: ROLE.administrators,
      status: 'not_activated',
    });
    tokens['pending invitee'] = await ctx().tokenFor(pending.id, world.accountA);
    world.tokens = tokens;
  });

  for (const endpoint of ENDPOINTS) {
    it(endpoint.name, async () => {
      const failures: string[] = [];
      for (const caller of Object.keys(world.tokens) as CallerName[]) {
        const expected =
          endpoint.expect[caller] ??
          (caller === OWN_PATH ? endpoint.expect['other account admin'] : undefined) ??
          endpoint.otherwise;
        const { method, path, json } = endpoint.request(
          caller === OWN_PATH ? { ...world, accountA: world.accountB } : world,
        );
        const before = await snapshot(ctx());
        const credential = world.tokens[caller];
        const response = await ctx().request(path, {
          method,
          json,
          ...(credential?.startsWith('APIKey ')
            ? { headers: { Authorization: credential } }
            : { token: credential }),
        });
        if (response.status !== expected)
          failures.push(`${caller}: ${response.status}, expected ${expected}`);
        const problem = await answerProblem(method, path, response);
        if (problem) failures.push(`${caller}: the answer ${problem}`);
        if (expected >= 400 && (await snapshot(ctx())) !== before)
          failures.push(`${caller}: refused, yet data changed`);
      }
      assert.deepEqual(failures, []);
    });
  }

  it('covers every authenticated operation of the BFF', async () => {
    const document = await (await ctx().request('/openapi.json')).json();
    const authenticated = Object.entries(
      document.paths as Record<string, Record<string, { security: unknown[] }>>,
    )
      .flatMap(([path, methods]) =>
        Object.entries(methods)
          .filter(([, op]) => op.security.length > 0)
          .map(([method]) => `${method.toUpperCase()} ${path}`),
      )
      .sort();
    const covered = ENDPOINTS.map((e) => {
      const { method, path } = e.request({
        accountA: 1,
        accountB: 9,
        userInA: 2,
        pendingInA: 3,
        projectInA: 4,
        projectsToAssign: [4],
        projectsToDelete: [4],
        assignmentToChange: 5,
        assignmentsToDelete: [6],
        adminTokenId: 7,
        tokensToDelete: [7],
        victims: [8],
        tokens: {} as World['tokens'],
      });
      const template = path
        .split('?')[0]
        .replace(/\/clients\/\d+/, '/clients/{clientId}')
        .replace(/\/(users|client-users)\/\d+/, '/$1/{userId}')
        .replace(/\/assignments\/\d+/, '/assignments/{id}')
        .replace(/\/projects\/\d+/, '/projects/{id}')
        .replace(/\/tokens\/\d+/, '/tokens/{tokenId}');
      return `${method} ${template}`;
    }).sort();
    assert.deepEqual([...new Set(covered)], authenticated);
  });
});
