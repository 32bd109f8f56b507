import { Hono } from 'hono';
import {
  assignmentRef,
  cloudAssignment,
  cloudAssignmentParams,
  cloudAssignmentsPage,
  cloudAssignmentsQuery,
  createCloudAssignmentBody,
  updateCloudAssignmentBody,
} from '../../shared/cloud.ts';
import { auditBy } from '../audit.ts';
import { authenticate, authorize, type AuthDeps } from '../auth/middleware.ts';
import type { AppEnv } from '../http/env.ts';
import * as routes from '../../shared/routes.ts';
import { operation } from '../http/openapi.ts';
import { validate } from '../http/validate.ts';
import {
  assignmentColumns,
  checkClientId,
  findAssignment,
  invalid,
  listAssignments,
  toAssignment,
} from './assignments.ts';
import { projectOperations, projectRoutes } from './projects.ts';

/**
 * Cloud role assignments of the account in scope (`/cloud/v1/users/assignments`), as Gcore's
 * clients call them (shared/cloud.ts), and the account's projects (./projects.ts).
 */

export const cloudOperations = {
  ...projectOperations,
  listAssignments: operation(routes.listCloudAssignments, {
    summary: 'Cloud role assignments of the account, one offset page',
    query: cloudAssignmentsQuery,
    responses: {
      200: { description: 'A page, by user then id', schema: cloudAssignmentsPage },
    },
  }),
  createAssignment: operation(routes.createCloudAssignment, {
    summary: 'Give a member a Cloud role at Client or Project scope (Administrators)',
    body: createCloudAssignmentBody,
    responses: { 200: { description: 'The assignment', schema: cloudAssignment } },
  }),
  updateAssignment: operation(routes.updateCloudAssignment, {
    summary: 'Change the role of an assignment (Administrators)',
    params: cloudAssignmentParams,
    body: updateCloudAssignmentBody,
    responses: { 200: { description: 'Changed', schema: assignmentRef } },
  }),
  deleteAssignment: operation(routes.deleteCloudAssignment, {
    summary: 'Take a Cloud role away (Administrators)',
    params: cloudAssignmentParams,
    responses: { 200: { description: 'Removed', schema: assignmentRef } },
  }),
};

export function cloudRoutes(deps: AuthDeps) {
  const { db, clock } = deps;
  const ops = cloudOperations;

  return new Hono<AppEnv>()
    .route('/', projectRoutes(deps))

    .get(
      ops.listAssignments.path,
      authenticate(deps),
      validate('query', ops.listAssignments.query),
      async (c) => {
        const caller = await authorize(c, db, 'cloud.read');
        return c.json(await listAssignments(db, caller.accountId, c.req.valid('query')));
      },
    )

    .post(
      ops.createAssignment.path,
      authenticate(deps),
      validate('json', ops.createAssignment.body),
      async (c) => {
        const caller = await authorize(c, db, 'cloud.manage');
        const body = c.req.valid('json');
        checkClientId(body.client_id, caller.accountId);
        const projectId = body.project_id ?? null;
        const created = await db.transaction().execute(async (trx) => {
          const member = await trx
            .selectFrom('memberships')
            .select('id')
            .where('account_id', '=', caller.accountId)
            .where('user_id', '=', body.user_id)
            .executeTakeFirst();
          if (!member) throw invalid('user_id', 'No such user in this account.');
          if (projectId !== null) {
            const found = await trx
              .selectFrom('projects')
              .select('id')
              .where('id', '=', projectId)
              .where('account_id', '=', caller.accountId)
              .where('deleted_at', 'is', null)
              // A deletion under way (it locks the project) is waited for, then seen.
              .forShare()
              .executeTakeFirst();
            if (!found) throw invalid('project_id', 'Project not found.');
          }
          const existing = await trx
            .selectFrom('cloud_role_assignments')
            .select('id')
            .where('account_id', '=', caller.accountId)
            .where('user_id', '=', body.user_id)
            .where((eb) =>
              projectId === null ? eb('project_id', 'is', null) : eb('project_id', '=', projectId),
            )
            .executeTakeFirst();
          if (existing) {
            throw invalid(
              'project_id',
              'The user already has a role at this scope; change that one instead.',
            );
          }
          const row = await trx
            .insertInto('cloud_role_assignments')
            .values({
              account_id: caller.accountId,
              user_id: body.user_id,
              project_id: projectId,
              role: body.role,
              assigned_by: caller.userId,
              created_at: clock.now(),
            })
            .returning(assignmentColumns)
            .executeTakeFirstOrThrow();
          await auditBy(trx, caller, {
            action: 'cloud_role.assigned',
            targetType: 'user',
            targetId: body.user_id,
            requestId: c.get('requestId'),
            details: { assignment_id: row.id, project_id: projectId, role: body.role },
          });
          return row;
        });
        // Gcore answers 200 here, not 201 (its "Create role assignment" reference).
        return c.json(toAssignment(created), 200);
      },
    )

    .patch(
      ops.updateAssignment.path,
      authenticate(deps),
      validate('param', ops.updateAssignment.params),
      validate('json', ops.updateAssignment.body),
      async (c) => {
        const caller = await authorize(c, db, 'cloud.manage');
        const { id } = c.req.valid('param');
        const body = c.req.valid('json');
        checkClientId(body.client_id, caller.accountId);
        await db.transaction().execute(async (trx) => {
          const current = await findAssignment(trx, caller.accountId, id);
          // Gcore's clients send the assignment's user and scope along; they may not move it.
          if (body.user_id !== current.user_id) {
            throw invalid(
              'user_id',
              'An assignment stays with its user; give the other user a role.',
            );
          }
          if (body.project_id !== undefined && (body.project_id ?? null) !== current.project_id) {
            throw invalid(
              'project_id',
              'An assignment stays at its scope; give a role at the other scope instead.',
            );
          }
          if ((current.project_id === null) !== (body.role === 'ClientAdministrator')) {
            throw invalid(
              'role',
              'ClientAdministrator applies to the whole account; other roles to a project.',
            );
          }
          await trx
            .updateTable('cloud_role_assignments')
            .set({ role: body.role, updated_at: clock.now() })
            .where('id', '=', id)
            .execute();
          await auditBy(trx, caller, {
            action: 'cloud_role.changed',
            targetType: 'user',
            targetId: current.user_id,
            requestId: c.get('requestId'),
            details: { assignment_id: id, from: current.role, to: body.role },
          });
        });
        return c.json({ assignment_id: id });
      },
    )

    .delete(
      ops.deleteAssignment.path,
      authenticate(deps),
      validate('param', ops.deleteAssignment.params),
      async (c) => {
        const caller = await authorize(c, db, 'cloud.manage');
        const { id } = c.req.valid('param');
        await db.transaction().execute(async (trx) => {
          const current = await findAssignment(trx, caller.accountId, id);
          await trx.deleteFrom('cloud_role_assignments').where('id', '=', id).execute();
          await auditBy(trx, caller, {
            action: 'cloud_role.removed',
            targetType: 'user',
            targetId: current.user_id,
            requestId: c.get('requestId'),
            details: { assignment_id: id, project_id: current.project_id, role: current.role },
          });
        });
        return c.json({ assignment_id: id });
      },
    );
}
