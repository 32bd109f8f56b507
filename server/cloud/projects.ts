import { Hono, type Context } from 'hono';
import type { z } from 'zod';
import {
  CLOUD_PAGE_LIMIT,
  createProjectBody,
  project,
  projectParams,
  projectsPage,
  projectsQuery,
  replaceProjectBody,
  taskIdList,
  updateProjectBody,
  type Project,
} from '../../shared/cloud.ts';
import { auditBy } from '../audit.ts';
import { authenticate, authorize, type AuthDeps } from '../auth/middleware.ts';
import type { Db } from '../db/connect.ts';
import { notFound } from '../errors.ts';
import type { AppEnv } from '../http/env.ts';
import * as routes from '../../shared/routes.ts';
import { operation } from '../http/openapi.ts';
import { validate } from '../http/validate.ts';
import { checkClientId, invalid } from './assignments.ts';

/**
 * The account's projects (`/cloud/v1/projects`), in Gcore's shape. A deleted project keeps its
 * row with `deleted_at` (Gcore's `include_deleted`), loses its role assignments, and frees its
 * name; where this differs from Gcore: docs/decisions/019-cloud-projects-and-assignments-vs-gcore.md.
 */

export const projectOperations = {
  listProjects: operation(routes.listProjects, {
    summary: "The account's projects, one offset page",
    query: projectsQuery,
    responses: { 200: { description: 'A page of projects', schema: projectsPage } },
  }),
  createProject: operation(routes.createProject, {
    summary: 'Create a project (Administrators)',
    body: createProjectBody,
    responses: { 201: { description: 'The project', schema: project } },
  }),
  getProject: operation(routes.getProject, {
    summary: 'One project, deleted ones too',
    params: projectParams,
    responses: { 200: { description: 'The project', schema: project } },
  }),
  updateProject: operation(routes.updateProject, {
    summary: "Change a project's name or description (Administrators)",
    params: projectParams,
    body: updateProjectBody,
    responses: { 200: { description: 'The project', schema: project } },
  }),
  replaceProject: operation(routes.replaceProject, {
    summary: "Set a project's name and description (Administrators; Gcore's older clients)",
    params: projectParams,
    body: replaceProjectBody,
    responses: { 200: { description: 'The project', schema: project } },
  }),
  deleteProject: operation(routes.deleteProject, {
    summary: 'Delete a project and its role assignments (Administrators)',
    params: projectParams,
    responses: {
      200: { description: 'Deleted at once: no tasks to follow', schema: taskIdList },
    },
  }),
};

const projectColumns = [
  'id',
  'account_id',
  'name',
  'description',
  'created_at',
  'deleted_at',
] as const;

interface ProjectRow {
  id: number;
  account_id: number;
  name: string;
  description: string | null;
  created_at: Date;
  deleted_at: Date | null;
}

function toProject(row: ProjectRow): Project {
  return {
    id: row.id,
    client_id: row.account_id,
    name: row.name,
    description: row.description,
    is_default: false,
    state: row.deleted_at ? 'DELETED' : 'ACTIVE',
    created_at: row.created_at.toISOString(),
    deleted_at: row.deleted_at?.toISOString() ?? null,
    task_id: null,
  };
}

const ORDER = {
  'created_at.asc': ['created_at', 'asc'],
  'created_at.desc': ['created_at', 'desc'],
  'name.asc': ['name', 'asc'],
  'name.desc': ['name', 'desc'],
} as const;

async function listProjects(db: Db, accountId: number, query: z.output<typeof projectsQuery>) {
  let q = db.selectFrom('projects').where('account_id', '=', accountId);
  if (!query.include_deleted) q = q.where('deleted_at', 'is', null);
  if (query.name !== undefined) q = q.where('name', '=', query.name);
  const [column, direction] = ORDER[query.order_by ?? 'name.asc'];
  const [total, rows] = await Promise.all([
    q.select((eb) => eb.fn.countAll<string | number>().as('count')).executeTakeFirstOrThrow(),
    q
      .select(projectColumns)
      .orderBy(column, direction)
      .orderBy('id', direction)
      .limit(query.limit ?? CLOUD_PAGE_LIMIT)
      .offset(query.offset ?? 0)
      .execute(),
  ]);
  return { count: Number(total.count), results: rows.map(toProject) };
}

/** A project of the account (live only unless `deleted` is allowed), locked, or 404. */
async function findProject(db: Db, accountId: number, id: number, deleted = false) {
  const row = await db
    .selectFrom('projects')
    .select(projectColumns)
    .where('id', '=', id)
    .where('account_id', '=', accountId)
    .$if(!deleted, (q) => q.where('deleted_at', 'is', null))
    .forUpdate()
    .executeTakeFirst();
  if (!row) throw notFound();
  return row;
}

/** Live project names are unique in an account (the migration's partial index says so too). */
async function refuseTakenName(db: Db, accountId: number, name: string, except?: number) {
  const taken = await db
    .selectFrom('projects')
    .select('id')
    .where('account_id', '=', accountId)
    .where('name', '=', name)
    .where('deleted_at', 'is', null)
    .$if(except !== undefined, (q) => q.where('id', '!=', except!))
    .executeTakeFirst();
  if (taken) throw invalid('name', 'A project with this name already exists.');
}

export function projectRoutes(deps: AuthDeps) {
  const { db, clock } = deps;
  const ops = projectOperations;

  /**
   * PATCH and PUT (Gcore's older clients send PUT) answer alike: the fields given change,
   * audited, and the project comes back.
   */
  async function answerChange(
    c: Context<AppEnv>,
    id: number,
    body: { name?: string; description?: string | null },
  ) {
    const caller = await authorize(c, db, 'projects.manage');
    const row = await db.transaction().execute(async (trx) => {
      const current = await findProject(trx, caller.accountId, id);
      // Locks the account's projects against a concurrent create or rename to the same name.
      await trx
        .selectFrom('accounts')
        .select('id')
        .where('id', '=', caller.accountId)
        .forNoKeyUpdate()
        .execute();
      if (body.name !== undefined) await refuseTakenName(trx, caller.accountId, body.name, id);
      const row = await trx
        .updateTable('projects')
        .set({
          ...(body.name === undefined ? {} : { name: body.name }),
          ...(body.description === undefined ? {} : { description: body.description || null }),
        })
        .where('id', '=', id)
        .returning(projectColumns)
        .executeTakeFirstOrThrow();
      await auditBy(trx, caller, {
        action: 'project.changed',
        targetType: 'project',
        targetId: id,
        requestId: c.get('requestId'),
        details: {
          ...(body.name === undefined ? {} : { from_name: current.name, to_name: row.name }),
          ...(body.description === undefined ? {} : { description_changed: true }),
        },
      });
      return row;
    });
    return c.json(toProject(row));
  }

  return new Hono<AppEnv>()
    .get(
      ops.listProjects.path,
      authenticate(deps),
      validate('query', ops.listProjects.query),
      async (c) => {
        const caller = await authorize(c, db, 'projects.list');
        const query = c.req.valid('query');
        checkClientId(query.client_id, caller.accountId);
        return c.json(await listProjects(db, caller.accountId, query));
      },
    )

    .post(
      ops.createProject.path,
      authenticate(deps),
      validate('json', ops.createProject.body),
      async (c) => {
        const caller = await authorize(c, db, 'projects.create');
        const body = c.req.valid('json');
        checkClientId(body.client_id, caller.accountId);
        const created = await db.transaction().execute(async (trx) => {
          await trx
            .selectFrom('accounts')
            .select('id')
            .where('id', '=', caller.accountId)
            .forNoKeyUpdate()
            .execute();
          await refuseTakenName(trx, caller.accountId, body.name);
          const row = await trx
            .insertInto('projects')
            .values({
              account_id: caller.accountId,
              name: body.name,
              description: body.description || null,
              created_at: clock.now(),
            })
            .returning(projectColumns)
            .executeTakeFirstOrThrow();
          await auditBy(trx, caller, {
            action: 'project.created',
            targetType: 'project',
            targetId: row.id,
            requestId: c.get('requestId'),
          });
          return row;
        });
        return c.json(toProject(created), 201);
      },
    )

    .get(
      ops.getProject.path,
      authenticate(deps),
      validate('param', ops.getProject.params),
      async (c) => {
        const caller = await authorize(c, db, 'projects.list');
        const { id } = c.req.valid('param');
        return c.json(toProject(await findProject(db, caller.accountId, id, true)));
      },
    )

    .patch(
      ops.updateProject.path,
      authenticate(deps),
      validate('param', ops.updateProject.params),
      validate('json', ops.updateProject.body),
      (c) => answerChange(c, c.req.valid('param').id, c.req.valid('json')),
    )

    .put(
      ops.replaceProject.path,
      authenticate(deps),
      validate('param', ops.replaceProject.params),
      validate('json', ops.replaceProject.body),
      (c) => answerChange(c, c.req.valid('param').id, c.req.valid('json')),
    )

    .delete(
      ops.deleteProject.path,
      authenticate(deps),
      validate('param', ops.deleteProject.params),
      async (c) => {
        const caller = await authorize(c, db, 'projects.manage');
        const { id } = c.req.valid('param');
        const requestId = c.get('requestId');
        await db.transaction().execute(async (trx) => {
          await findProject(trx, caller.accountId, id);
          const removed = await trx
            .deleteFrom('cloud_role_assignments')
            .where('account_id', '=', caller.accountId)
            .where('project_id', '=', id)
            .returning(['id', 'user_id', 'role'])
            .execute();
          // Each role taken away is its own row, as when an Administrator takes it away by hand.
          for (const assignment of removed) {
            await auditBy(trx, caller, {
              action: 'cloud_role.removed',
              targetType: 'user',
              targetId: assignment.user_id,
              requestId,
              details: {
                assignment_id: assignment.id,
                project_id: id,
                role: assignment.role,
                reason: 'project_deleted',
              },
            });
          }
          await trx
            .updateTable('projects')
            .set({ deleted_at: clock.now() })
            .where('id', '=', id)
            .execute();
          await auditBy(trx, caller, {
            action: 'project.deleted',
            targetType: 'project',
            targetId: id,
            requestId,
            details: { removed_assignments: removed.map((a) => a.id) },
          });
        });
        return c.json({ tasks: [] });
      },
    );
}
