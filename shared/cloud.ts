import * as z from 'zod/mini';
import { idParam, requiredText } from './fields.ts';
import { CLOUD_ROLES } from './roles.ts';

/** Cloud role assignments and projects (`/cloud/v1/…`, this product's additions). */

export const cloudAssignment = z.object({
  id: z.int(),
  user_id: z.int(),
  client_id: z.int(),
  /** null: Client scope, every project of the account. */
  project_id: z.nullable(z.int()),
  role: z.enum(CLOUD_ROLES),
  assigned_by: z.nullable(z.int()),
  created_at: z.string(),
});
export type CloudAssignment = z.infer<typeof cloudAssignment>;

const roleField = z.enum(CLOUD_ROLES, { error: `Must be one of: ${CLOUD_ROLES.join(', ')}.` });

/** ClientAdministrator goes with Client scope (no project), every other role with a project. */
const scopeMatchesRole = (body: { project_id?: number | null; role: string }) =>
  (body.project_id === null || body.project_id === undefined) ===
  (body.role === 'ClientAdministrator');

export const createCloudAssignmentBody = z
  .strictObject({
    user_id: idParam,
    project_id: z._default(z.nullable(idParam), null),
    role: roleField,
  })
  .check(
    z.refine(scopeMatchesRole, {
      path: ['role'],
      error:
        'ClientAdministrator applies to the whole account (no project); other roles need a project.',
    }),
  );

export const updateCloudAssignmentBody = z.strictObject({ role: roleField });

export const cloudAssignmentsQuery = z.object({
  user_id: z.optional(idParam),
  project_id: z.optional(idParam),
});

export const cloudAssignmentParams = z.object({ id: idParam });

export const createProjectBody = z.strictObject({ name: requiredText(255) });
