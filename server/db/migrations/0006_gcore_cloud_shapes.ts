import { sql, type Kysely } from 'kysely';

/**
 * Projects and Cloud role assignments in the shape of Gcore's Cloud API
 * (docs/decisions/019-cloud-projects-and-assignments-vs-gcore.md):
 *
 * - A project has a description, and deleting one keeps the row with `deleted_at` set, so that
 *   `?include_deleted=true` and the project's `deleted_at` mean what they mean in Gcore's API. Its
 *   name is unique only among the live projects of the account: a deleted one frees its name.
 * - An assignment records when its role last changed (`updated_at`, null until then).
 */
const statements = [
  `alter table projects add column description text check (length(description) <= 255)`,
  `alter table projects add column deleted_at timestamptz`,
  `alter table projects drop constraint projects_account_id_name_key`,
  `create unique index projects_live_name on projects (account_id, name) where deleted_at is null`,
  `alter table cloud_role_assignments add column updated_at timestamptz`,
];

export async function up(db: Kysely<unknown>): Promise<void> {
  for (const statement of statements) await sql.raw(statement).execute(db);
}
