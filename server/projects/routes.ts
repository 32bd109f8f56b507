import { Hono } from 'hono';
import { z } from 'zod';
import { project } from '../../shared/invitations.ts';
import { authenticate, authorize, type AuthDeps } from '../auth/middleware.ts';
import type { AppEnv } from '../http/env.ts';
import { operation } from '../http/openapi.ts';

export const projectOperations = {
  list: operation({
    method: 'get',
    path: '/cloud/v1/projects',
    summary: "The account's projects",
    auth: true,
    responses: { 200: { description: 'Projects, by name', schema: z.array(project) } },
  }),
};

export function projectRoutes(deps: AuthDeps) {
  return new Hono<AppEnv>().get(projectOperations.list.path, authenticate(deps), async (c) => {
    const caller = await authorize(c, deps.db, 'projects.list');
    const rows = await deps.db
      .selectFrom('projects')
      .select(['id', 'name', 'account_id'])
      .where('account_id', '=', caller.accountId)
      .orderBy('name')
      .orderBy('id')
      .execute();
    return c.json(rows.map((row) => ({ id: row.id, name: row.name, client_id: row.account_id })));
  });
}
