import type { z } from 'zod';
import type { CloudAssignment, cloudAssignmentsQuery } from '../../shared/cloud.ts';
import { CLOUD_PAGE_LIMIT } from '../../shared/cloud.ts';
import type { Db } from '../db/connect.ts';
import { AppError, notFound } from '../errors.ts';

/** Rows of `cloud_role_assignments` and how they cross the wire (Gcore's `RoleAssignment`). */

export const assignmentColumns = [
  'id',
  'user_id',
  'account_id',
  'project_id',
  'role',
  'assigned_by',
  'created_at',
  'updated_at',
] as const;

export interface AssignmentRow {
  id: number;
  user_id: number;
  account_id: number;
  project_id: number | null;
  role: string;
  assigned_by: number | null;
  created_at: Date;
  updated_at: Date | null;
}

export function toAssignment(row: AssignmentRow): CloudAssignment {
  return {
    id: row.id,
    user_id: row.user_id,
    client_id: row.account_id,
    project_id: row.project_id,
    role: row.role as CloudAssignment['role'],
    assigned_by: row.assigned_by,
    created_at: row.created_at.toISOString(),
    updated_at: row.updated_at?.toISOString() ?? null,
  };
}

export const invalid = (field: string, message: string) =>
  new AppError('validation_failed', 'Invalid input.', { [field]: [message] });

/**
 * A `client_id` in a body or query names an account; any but the caller's is unknown here (404,
 * as for any other account's object). Absent or null: the caller's.
 */
export function checkClientId(clientId: number | null | undefined, accountId: number): void {
  if (clientId !== undefined && clientId !== null && clientId !== accountId) throw notFound();
}

/** One assignment of the account, or 404. */
export async function findAssignment(
  db: Db,
  accountId: number,
  id: number,
): Promise<AssignmentRow> {
  const row = await db
    .selectFrom('cloud_role_assignments')
    .select(assignmentColumns)
    .where('id', '=', id)
    .where('account_id', '=', accountId)
    .forUpdate()
    .executeTakeFirst();
  if (!row) throw notFound();
  return row;
}

/** One offset page of the account's assignments, by user then id, and how many there are. */
export async function listAssignments(
  db: Db,
  accountId: number,
  query: z.output<typeof cloudAssignmentsQuery>,
) {
  let q = db.selectFrom('cloud_role_assignments').where('account_id', '=', accountId);
  if (query.user_id !== undefined) q = q.where('user_id', '=', query.user_id);
  if (query.project_id !== undefined) q = q.where('project_id', '=', query.project_id);
  const [total, rows] = await Promise.all([
    q.select((eb) => eb.fn.countAll<string | number>().as('count')).executeTakeFirstOrThrow(),
    q
      .select(assignmentColumns)
      .orderBy('user_id')
      .orderBy('id')
      .limit(query.limit ?? CLOUD_PAGE_LIMIT)
      .offset(query.offset ?? 0)
      .execute(),
  ]);
  return { count: Number(total.count), results: rows.map(toAssignment) };
}
