import * as z from 'zod/mini';
import {
  booleanParam,
  described,
  idParam,
  integerParam,
  maxChars,
  requiredText,
} from './fields.ts';
import { CLOUD_ROLES } from './roles.ts';

/**
 * Cloud role assignments and projects (`/cloud/v1/…`), in the shape of Gcore's Cloud API: the
 * bodies its clients send and the answers they read (docs/gcore-compatibility.md; where this BFF
 * differs on purpose: docs/decisions/019-cloud-projects-and-assignments-vs-gcore.md).
 */

/** Gcore's Cloud lists: at most 1000 rows a page, 1000 when `limit` is not given. */
export const CLOUD_PAGE_LIMIT = 1000;

const limitParam = described(
  z.optional(integerParam(1, CLOUD_PAGE_LIMIT)),
  `rows per page (default and most: ${CLOUD_PAGE_LIMIT})`,
);
const offsetParam = described(z.optional(integerParam(0)), 'rows to skip');

/** Gcore's offset page (`SyncOffsetPage`): the total `count` and one page of `results`. */
const offsetPage = /* @__NO_SIDE_EFFECTS__ */ <T extends z.ZodMiniType>(item: T) =>
  z.object({ count: z.int(), results: z.array(item) });

export const cloudAssignment = z.object({
  id: z.int(),
  user_id: z.int(),
  client_id: z.int(),
  /** null: Client scope, every project of the account. */
  project_id: z.nullable(z.int()),
  role: z.enum(CLOUD_ROLES),
  assigned_by: z.nullable(z.int()),
  created_at: z.string(),
  /** When the role last changed; null until it does. */
  updated_at: z.nullable(z.string()),
});
export type CloudAssignment = z.infer<typeof cloudAssignment>;

export const cloudAssignmentsPage = offsetPage(cloudAssignment);
export type CloudAssignmentsPage = z.infer<typeof cloudAssignmentsPage>;

/** What Gcore answers to a change or a removal of an assignment (`RoleAssignmentUpdateDelete`). */
export const assignmentRef = z.object({ assignment_id: z.int() });

const roleField = z.enum(CLOUD_ROLES, { error: `Must be one of: ${CLOUD_ROLES.join(', ')}.` });

/** ClientAdministrator goes with Client scope (no project), every other role with a project. */
const scopeMatchesRole = (body: { project_id?: number | null; role: string }) =>
  (body.project_id === null || body.project_id === undefined) ===
  (body.role === 'ClientAdministrator');

/** Gcore: "Client ID. Required if project_id is specified". */
const clientIdWithProject = (body: { project_id?: number | null; client_id?: number | null }) =>
  body.project_id === null ||
  body.project_id === undefined ||
  (body.client_id !== null && body.client_id !== undefined);

const assignmentFields = {
  role: roleField,
  user_id: idParam,
  client_id: described(
    z.optional(z.nullable(idParam)),
    "the caller's account; required with project_id",
  ),
  project_id: described(z.optional(z.nullable(idParam)), 'null or absent: Client scope'),
};

const CLIENT_ID_REQUIRED = 'This field is required when project_id is given.';

export const createCloudAssignmentBody = z.strictObject(assignmentFields).check(
  z.refine(scopeMatchesRole, {
    path: ['role'],
    error:
      'ClientAdministrator applies to the whole account (no project); other roles need a project.',
  }),
  z.refine(clientIdWithProject, { path: ['client_id'], error: CLIENT_ID_REQUIRED }),
);
export type CreateCloudAssignmentBody = z.input<typeof createCloudAssignmentBody>;

/**
 * Gcore's PATCH takes the same four fields. Only the role changes here: a user or project other
 * than the assignment's is refused (the route checks that, knowing the assignment).
 */
export const updateCloudAssignmentBody = z
  .strictObject(assignmentFields)
  .check(z.refine(clientIdWithProject, { path: ['client_id'], error: CLIENT_ID_REQUIRED }));
export type UpdateCloudAssignmentBody = z.input<typeof updateCloudAssignmentBody>;

export const cloudAssignmentsQuery = z.object({
  user_id: z.optional(idParam),
  project_id: z.optional(idParam),
  limit: limitParam,
  offset: offsetParam,
});

export const cloudAssignmentParams = z.object({ id: idParam });

export const PROJECT_STATES = ['ACTIVE', 'DELETED'] as const;

export const project = z.object({
  id: z.int(),
  client_id: z.int(),
  name: z.string(),
  description: z.nullable(z.string()),
  /** Gcore's default project; this BFF has none (decision 019), so always false. */
  is_default: z.boolean(),
  state: z.enum(PROJECT_STATES),
  created_at: z.string(),
  deleted_at: z.nullable(z.string()),
  /** Gcore's running task on the project; this BFF runs none, so always null. */
  task_id: z.nullable(z.string()),
});
export type Project = z.infer<typeof project>;

export const projectsPage = offsetPage(project);
export type ProjectsPage = z.infer<typeof projectsPage>;

export const PROJECT_ORDERS = [
  'created_at.asc',
  'created_at.desc',
  'name.asc',
  'name.desc',
] as const;

export const projectsQuery = z.object({
  client_id: described(z.optional(idParam), "the caller's account (any other: 404)"),
  name: described(z.optional(z.string().check(z.trim(), maxChars(255))), 'exact name'),
  include_deleted: described(z.optional(booleanParam), 'true: deleted projects too'),
  order_by: described(
    z.optional(z.enum(PROJECT_ORDERS, { error: `Must be one of: ${PROJECT_ORDERS.join(', ')}.` })),
    'default name.asc',
  ),
  limit: limitParam,
  offset: offsetParam,
});

const descriptionField = z.optional(z.nullable(z.string().check(z.trim(), maxChars(255))));

export const createProjectBody = z.strictObject({
  name: requiredText(255),
  description: descriptionField,
  client_id: described(z.optional(z.nullable(idParam)), "the caller's account (any other: 404)"),
});
export type CreateProjectBody = z.input<typeof createProjectBody>;

/** PATCH: only the fields given change (Gcore's newer clients). */
export const updateProjectBody = z.strictObject({
  name: z.optional(requiredText(255)),
  description: descriptionField,
});

/** PUT: the name is required (Gcore's older clients send this). */
export const replaceProjectBody = z.strictObject({
  name: requiredText(255),
  description: descriptionField,
});

export const projectParams = z.object({ id: idParam });

/** What Gcore answers to a deletion: the tasks doing it. This BFF deletes at once: none. */
export const taskIdList = z.object({ tasks: z.array(z.string()) });
