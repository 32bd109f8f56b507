import { Hono } from 'hono';
import { z } from 'zod';
import {
  cloudAssignment,
  cloudAssignmentParams,
  cloudAssignmentsQuery,
  createCloudAssignmentBody,
  createProjectBody,
  updateCloudAssignmentBody,
} from '../../shared/cloud.ts';
import { project } from '../../shared/invitations.ts';
import { auditBy } from '../audit.ts';
import { authenticate, authorize, type AuthDeps } from '../auth/middleware.ts';
import type { Db } from '../db/connect.ts';
import { AppError, notFound } from '../errors.ts';
import type { AppEnv } from '../http/env.ts';
import * as routes from '../../shared/routes.ts';
import { operation } from '../http/openapi.ts';
import { validate } from '../http/validate.ts';

/** Projects and Cloud role assignments of the account in scope (`/cloud/v1/…`). */

export const cloudOperations = {
  listProjects: operation(routes.listProjects, {
    summary: "The account's projects",
    responses: { 200: { description: 'Projects, by name', schema: z.array(project) } },
  }),
  createProject: operation(routes.createProject, {
    summary: 'Create a project (Administrators)',
    body: createProjectBody,
    responses: { 201: { description: 'The project', schema: project } },
  }),
  listAssignments: operation(routes.listCloudAssignments, {
    summary: 'Cloud role assignments of the account',
    query: cloudAssignmentsQuery,
    responses: { 200: { description: 'Assignments', schema: z.array(cloudAssignment) } },
  }),
  createAssignment: operation(routes.createCloudAssignment, {
    summary: 'Give a member a Cloud role at Client or Project scope (Administrators)',
    body: createCloudAssignmentBody,
    responses: { 201: { description: 'The assignment', schema: cloudAssignment } },
  }),
  updateAssignment: operation(routes.updateCloudAssignment, {
    summary: 'Change the role of an assignment (Administrators)',
    params: cloudAssignmentParams,
    body: updateCloudAssignmentBody,
    responses: { 200: { description: 'The assignment', schema: cloudAssignment } },
  }),
  deleteAssignment: operation(routes.deleteCloudAssignment, {
    summary: 'Take a Cloud role away (Administrators)',
    params: cloudAssignmentParams,
    responses: { 204: { description: 'Removed' } },
  }),
};

const assignmentColumns = [
  'id',
  'user_id',
  'account_id',
  'project_id',
  'role',
  'assigned_by',
  'created_at',
] as const;

function toAssignment(row: {
  id: number;
  user_id: number;
  account_id: number;
  project_id: number | null;
  role: string;
  assigned_by: number | null;
  created_at: Date;
}): z.infer<typeof cloudAssignment> {
  return {
    id: row.id,
    user_id: row.user_id,
    client_id: row.account_id,
    project_id: row.project_id,
    role: row.role as z.infer<typeof cloudAssignment>['role'],
    assigned_by: row.assigned_by,
    created_at: row.created_at.toISOString(),
  };
}

const invalid = (field: string, message: string) =>
  new AppError('validation_failed', 'Invalid input.', { [field]: [message] });

export function cloudRoutes(deps: AuthDeps) {
  const { db, clock } = deps;
  const ops = cloudOperations;

  async function findAssignment(accountId: number, id: number, trx: Db = db) {
    const row = await trx
      .selectFrom('cloud_role_assignments')
      .select(assignmentColumns)
      .where('id', '=', id)
      .where('account_id', '=', accountId)
      .executeTakeFirst();
    if (!row) throw notFound();
    return row;
  }

  return new Hono<AppEnv>()
    .get(ops.listProjects.path, authenticate(deps), async (c) => {
      const caller = await authorize(c, db, 'projects.list');
      const rows = await db
        .selectFrom('projects')
        .select(['id', 'name', 'account_id'])
        .where('account_id', '=', caller.accountId)
        .orderBy('name')
        .orderBy('id')
        .execute();
      return c.json(rows.map((row) => ({ id: row.id, name: row.name, client_id: row.account_id })));
    })

    .post(
      ops.createProject.path,
      authenticate(deps),
      validate('json', ops.createProject.body),
      async (c) => {
        const caller = await authorize(c, db, 'projects.create');
        const { name } = c.req.valid('json');
        const created = await db.transaction().execute(async (trx) => {
          const row = await trx
            .insertInto('projects')
            .values({ account_id: caller.accountId, name, created_at: clock.now() })
            .onConflict((conflict) => conflict.columns(['account_id', 'name']).doNothing())
            .returning(['id', 'name', 'account_id'])
            .executeTakeFirst();
          if (!row) throw invalid('name', 'A project with this name already exists.');
          await auditBy(trx, caller, {
            action: 'project.created',
            targetType: 'project',
            targetId: row.id,
            requestId: c.get('requestId'),
          });
          return row;
        });
        return c.json({ id: created.id, name: created.name, client_id: created.account_id }, 201);
      },
    )

    .get(
      ops.listAssignments.path,
      authenticate(deps),
      validate('query', ops.listAssignments.query),
      async (c) => {
        const caller = await authorize(c, db, 'cloud.read');
        const query = c.req.valid('query');
        let q = db
          .selectFrom('cloud_role_assignments')
          .select(assignmentColumns)
          .where('account_id', '=', caller.accountId);
        if (query.user_id !== undefined) q = q.where('user_id', '=', query.user_id);
        if (query.project_id !== undefined) q = q.where('project_id', '=', query.project_id);
        const rows = await q.orderBy('user_id').orderBy('id').limit(10_000).execute();
        return c.json(rows.map(toAssignment));
      },
    )

    .post(
      ops.createAssignment.path,
      authenticate(deps),
      validate('json', ops.createAssignment.body),
      async (c) => {
        const caller = await authorize(c, db, 'cloud.manage');
        const body = c.req.valid('json');
        const created = await db.transaction().execute(async (trx) => {
          const member = await trx
            .selectFrom('memberships')
            .select('id')
            .where('account_id', '=', caller.accountId)
            .where('user_id', '=', body.user_id)
            .executeTakeFirst();
          if (!member) throw invalid('user_id', 'No such user in this account.');
          if (body.project_id !== null) {
            const found = await trx
              .selectFrom('projects')
              .select('id')
              .where('id', '=', body.project_id)
              .where('account_id', '=', caller.accountId)
              .executeTakeFirst();
            if (!found) throw invalid('project_id', 'Project not found.');
          }
          const existing = await trx
            .selectFrom('cloud_role_assignments')
            .select('id')
            .where('account_id', '=', caller.accountId)
            .where('user_id', '=', body.user_id)
            .where((eb) =>
              body.project_id === null
                ? eb('project_id', 'is', null)
                : eb('project_id', '=', body.project_id),
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
              project_id: body.project_id,
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
            details: { assignment_id: row.id, project_id: body.project_id, role: body.role },
          });
          return row;
        });
        return c.json(toAssignment(created), 201);
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
        const { role } = c.req.valid('json');
        const updated = await db.transaction().execute(async (trx) => {
          const current = await findAssignment(caller.accountId, id, trx);
          if ((current.project_id === null) !== (role === 'ClientAdministrator')) {
            throw invalid(
              'role',
              'ClientAdministrator applies to the whole account; other roles to a project.',
            );
          }
          const row = await trx
            .updateTable('cloud_role_assignments')
            .set({ role })
            .where('id', '=', id)
            .returning(assignmentColumns)
            .executeTakeFirstOrThrow();
          await auditBy(trx, caller, {
            action: 'cloud_role.changed',
            targetType: 'user',
            targetId: current.user_id,
            requestId: c.get('requestId'),
            details: { assignment_id: id, from: current.role, to: role },
          });
          return row;
        });
        return c.json(toAssignment(updated));
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
          const current = await findAssignment(caller.accountId, id, trx);
          await trx.deleteFrom('cloud_role_assignments').where('id', '=', id).execute();
          await auditBy(trx, caller, {
            action: 'cloud_role.removed',
            targetType: 'user',
            targetId: current.user_id,
            requestId: c.get('requestId'),
            details: { assignment_id: id, project_id: current.project_id, role: current.role },
          });
        });
        return c.body(null, 204);
      },
    );
}
