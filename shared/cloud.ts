import { z } from 'zod';
import { idParam } from './fields.ts';
import { CLOUD_ROLES } from './roles.ts';

/** Cloud role assignments and projects (`/cloud/v1/…`, this product's additions). */

export const cloudAssignment = z.object({
  id: z.number().int(),
  user_id: z.number().int(),
  client_id: z.number().int(),
  /** null: Client scope, every project of the account. */
  project_id: z.number().int().nullable(),
  role: z.enum(CLOUD_ROLES),
  assigned_by: z.number().int().nullable(),
  created_at: z.string(),
});
export type CloudAssignment = z.infer<typeof cloudAssignment>;

const roleField = z.enum(CLOUD_ROLES, { error: `Must be one of: ${CLOUD_ROLES.join(', ')}.` });

/** ClientAdministrator goes with Client scope (no project), every other role with a project. */
const scopeMatchesRole = (body: { project_id?: number | null; role: string }) =>
  (body.project_id === null || body.project_id === undefined) ===
  (body.role === 'ClientAdministrator');

export const createCloudAssignmentBody = z
  .strictObject({ user_id: idParam, project_id: idParam.nullable().default(null), role: roleField })
  .refine(scopeMatchesRole, {
    path: ['role'],
    error:
      'ClientAdministrator applies to the whole account (no project); other roles need a project.',
  });

export const updateCloudAssignmentBody = z.strictObject({ role: roleField });

export const cloudAssignmentsQuery = z.object({
  user_id: idParam.optional(),
  project_id: idParam.optional(),
});

export const cloudAssignmentParams = z.object({ id: idParam });

export const createProjectBody = z.strictObject({
  name: z
    .string({ error: 'This field is required.' })
    .trim()
    .min(1, 'This field may not be blank.')
    .max(255, 'Ensure this field has no more than 255 characters.'),
});
