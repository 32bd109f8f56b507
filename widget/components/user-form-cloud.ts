import { html, nothing, type ReactiveControllerHost } from 'lit';
import { repeat } from 'lit/directives/repeat.js';
import { Task } from '@lit/task';
import type { Project } from '../../shared/invitations.ts';
import { CLOUD_PROJECT_ROLES } from '../../shared/roles.ts';
import { isAbortError, type ApiClient } from '../api/client.ts';
import type { FormController } from '../controllers/form.ts';
import type { LocalizeController } from '../controllers/localize.ts';

export type ProjectRole = (typeof CLOUD_PROJECT_ROLES)[number];
export type Scope = 'client' | 'project';

export interface ProjectRow {
  /** Stable key of the row, so removing one does not shuffle the others' fields. */
  key: number;
  projectId: number | undefined;
  role: ProjectRole;
}

/** The Cloud access part of what the Invite and Edit user forms hold. */
export interface CloudState {
  scope: Scope;
  clientRole: '' | 'ClientAdministrator';
  rows: ProjectRow[];
}

/** Least privilege until the administrator picks more. */
const DEFAULT_PROJECT_ROLE: ProjectRole = 'Observer';

let nextRowKey = 0;

/** A new project row (its key unique on the page). */
export function projectRow(projectId: number | undefined, role: ProjectRole): ProjectRow {
  return { key: ++nextRowKey, projectId, role };
}

/** Cloud access of the form as the BFF's `cloud` object of an invitation expects it. */
export function cloudOf(form: CloudState): {
  client_role: 'ClientAdministrator' | null;
  projects: { project_id: number; role: ProjectRole }[];
} {
  return form.scope === 'client'
    ? { client_role: form.clientRole || null, projects: [] }
    : {
        client_role: null,
        projects: form.rows.map((row) => ({ project_id: row.projectId ?? 0, role: row.role })),
      };
}

const PROJECT_FIELD = /^cloud\.projects\.(\d+)\.(project_id|role)$/;

type Host = ReactiveControllerHost & HTMLElement & { client: ApiClient };

/** How the Cloud access part reads and changes the state of the form it belongs to. */
export interface CloudStateAccess {
  get(): CloudState;
  patch(change: Partial<CloudState>): void;
}

/**
 * The Cloud access fieldset of `<um-user-form>` (PRODUCT.md "Invite user"): the scope, the client
 * role or the project rows, the account's projects they choose from, and the errors at each of
 * them. It renders into the form's light DOM with the form's field errors; the state stays the
 * form's (`value`).
 */
export class CloudAccess {
  /** The administrator changed Cloud access by hand: a role change no longer resets it. */
  touched = false;

  /** The account's projects, asked again on each `reset`. */
  readonly projects: Task<readonly [ApiClient], Project[]>;

  constructor(
    private readonly host: Host,
    private readonly localize: LocalizeController,
    private readonly fields: FormController,
    private readonly form: CloudStateAccess,
  ) {
    this.projects = new Task(host, {
      task: async ([client], { signal }) => {
        const projects = await client.projects(signal);
        this.addDefaultRow(projects);
        return projects;
      },
      args: () => [this.host.client] as const,
      autoRun: false,
    });
  }

  /** The form starts over from `state`: its Cloud access counts as chosen, and projects load. */
  reset(state: CloudState) {
    this.touched = state.scope === 'project' || state.clientRole !== '';
    void this.projects.run();
  }

  /** Whether an error of `field` is shown at a Cloud access field. */
  isPlaced(field: string): boolean {
    if (['cloud.client_role', 'cloud.projects', 'cloud'].includes(field)) return true;
    const project = PROJECT_FIELD.exec(field);
    if (project) return Number(project[1]) < this.form.get().rows.length;
    return /^cloud\.projects\.\d+$/.test(field) && this.form.get().scope === 'project';
  }

  render() {
    const f = this.form.get();
    return html`
      <fieldset>
        <legend>${this.localize.t('invite.cloud')}</legend>
        <p class="accent-hint">${this.localize.t('invite.cloudHint')}</p>
        <label class="field">
          <span>${this.localize.t('invite.scope')}</span>
          <select part="input" name="scope" @change=${(event: Event) => this.onScope(event)}>
            <option value="client" ?selected=${f.scope === 'client'}>
              ${this.localize.t('invite.scope.client')}
            </option>
            <option value="project" ?selected=${f.scope === 'project'}>
              ${this.localize.t('invite.scope.project')}
            </option>
          </select>
        </label>
        ${f.scope === 'client' ? this.renderClientRole(f) : this.renderProjectRows(f)}
        ${this.fields.message('cloud')}
      </fieldset>
    `;
  }

  private renderClientRole(f: CloudState) {
    return html`
      <div class="field">
        <label for="user-client-role">${this.localize.t('invite.clientRole')}</label>
        <select
          id="user-client-role"
          part="input"
          name="client_role"
          data-field="cloud.client_role"
          aria-invalid=${this.fields.invalid('cloud.client_role')}
          aria-describedby=${this.fields.describedBy('cloud.client_role')}
          @change=${(event: Event) => {
            this.touched = true;
            this.form.patch({
              clientRole: (event.target as HTMLSelectElement).value as CloudState['clientRole'],
            });
          }}
        >
          <option value="" ?selected=${f.clientRole === ''}>
            ${this.localize.t('invite.clientRole.none')}
          </option>
          <option value="ClientAdministrator" ?selected=${f.clientRole === 'ClientAdministrator'}>
            ${this.localize.t('invite.clientRole.ClientAdministrator')}
          </option>
        </select>
        ${this.fields.message('cloud.client_role')}
      </div>
    `;
  }

  private renderProjectRows(f: CloudState) {
    const projects = this.projects.value ?? [];
    const rows = f.rows;
    const status = this.projects.render({
      pending: () =>
        html`<p class="hint" role="status">${this.localize.t('invite.projectsLoading')}</p>`,
      error: (error) =>
        isAbortError(error)
          ? nothing
          : html`<p class="field-error">
              ${this.localize.t('invite.projectsFailed')}
              <button type="button" part="button" class="link" @click=${() => this.projects.run()}>
                ${this.localize.t('users.retry')}
              </button>
            </p>`,
      complete: (list) =>
        list.length === 0
          ? html`<p class="hint">${this.localize.t('invite.noProjects')}</p>`
          : nothing,
    });
    return html`
      ${status}
      ${
        rows.length
          ? html`<div class="project-head" aria-hidden="true">
              <span class="label">${this.localize.t('invite.project')}</span>
              <span class="label">${this.localize.t('invite.projectRole')}</span>
            </div>`
          : projects.length
            ? html`<p class="hint">${this.localize.t('invite.noProjectRows')}</p>`
            : nothing
      }
      <div class="project-rows">
        ${repeat(
          rows,
          (row) => row.key,
          (row, index) => this.renderProjectRow(row, index, rows, projects),
        )}
      </div>
      ${this.fields.message('cloud.projects')}
      <div>
        <button
          type="button"
          part="button"
          data-action="add-project"
          aria-label=${this.localize.t('invite.addProject')}
          title=${this.localize.t('invite.addProject')}
          ?disabled=${rows.length >= projects.length}
          @click=${() => this.addRow()}
        >
          +
        </button>
      </div>
    `;
  }

  private renderProjectRow(
    row: ProjectRow,
    index: number,
    rows: ProjectRow[],
    projects: Project[],
  ) {
    const n = index + 1;
    const projectField = `cloud.projects.${index}.project_id`;
    const roleField = `cloud.projects.${index}.role`;
    const taken = new Set(rows.filter((r) => r.key !== row.key).map((r) => r.projectId));
    // A row may name a project the list does not hold (yet, or any more): keep it selectable.
    const known = projects.some((project) => project.id === row.projectId);
    return html`
      <div class="project-row" data-row=${index}>
        <select
          part="input"
          name="project_id"
          aria-label=${this.localize.t('invite.projectN', { n })}
          data-field=${projectField}
          aria-invalid=${this.fields.invalid(projectField)}
          aria-describedby=${this.fields.describedBy(projectField)}
          @change=${(event: Event) =>
            this.updateRow(row, { projectId: Number((event.target as HTMLSelectElement).value) })}
        >
          ${row.projectId === undefined ? html`<option value="" selected></option>` : nothing}
          ${
            row.projectId !== undefined && !known
              ? html`<option value=${row.projectId} selected>
                  ${this.localize.t('edit.projectN', { id: row.projectId })}
                </option>`
              : nothing
          }
          ${projects.map(
            (project) => html`
              <option
                value=${project.id}
                ?selected=${row.projectId === project.id}
                ?disabled=${taken.has(project.id)}
              >
                ${project.name}
              </option>
            `,
          )}
        </select>
        <select
          part="input"
          name="project_role"
          aria-label=${this.localize.t('invite.projectRoleN', { n })}
          data-field=${roleField}
          aria-invalid=${this.fields.invalid(roleField)}
          aria-describedby=${this.fields.describedBy(roleField)}
          @change=${(event: Event) =>
            this.updateRow(row, { role: (event.target as HTMLSelectElement).value as ProjectRole })}
        >
          ${CLOUD_PROJECT_ROLES.map(
            (role) => html`
              <option value=${role} ?selected=${row.role === role}>
                ${this.localize.t(`cloudRole.${role}`)}
              </option>
            `,
          )}
        </select>
        <button
          type="button"
          part="button"
          data-action="remove-project"
          aria-label=${this.localize.t('invite.removeProject', { n })}
          title=${this.localize.t('invite.removeProject', { n })}
          @click=${() => this.removeRow(row)}
        >
          <span aria-hidden="true">✕</span>
        </button>
        ${this.fields.message(projectField)} ${this.fields.message(roleField)}
        ${this.fields.message(`cloud.projects.${index}`)}
      </div>
    `;
  }

  private onScope(event: Event) {
    const scope = (event.target as HTMLSelectElement).value as Scope;
    this.touched = true;
    this.form.patch({ scope, clientRole: '', rows: [] });
    if (scope === 'project') this.addDefaultRow(this.projects.value ?? []);
  }

  /** Project scope starts with one row, on the first project. */
  private addDefaultRow(projects: Project[]) {
    const f = this.form.get();
    if (f.scope === 'project' && f.rows.length === 0 && projects.length) this.addRow(projects);
  }

  /**
   * `projects`: the list when it has just arrived; the task stores it only after its function
   * returns, so a scope chosen while it loaded would otherwise get no row.
   */
  private addRow(projects: Project[] = this.projects.value ?? []) {
    const rows = this.form.get().rows;
    const used = new Set(rows.map((row) => row.projectId));
    const free = projects.find((project) => !used.has(project.id));
    if (!free) return;
    this.touched = true;
    this.form.patch({ rows: [...rows, projectRow(free.id, DEFAULT_PROJECT_ROLE)] });
  }

  private removeRow(row: ProjectRow) {
    this.touched = true;
    this.form.patch({ rows: this.form.get().rows.filter((r) => r.key !== row.key) });
    // Removing the row that had focus would drop focus on the body: keep it in the form.
    void this.host.updateComplete.then(() =>
      this.host.querySelector<HTMLButtonElement>('[data-action="add-project"]')?.focus(),
    );
  }

  /** Rows are matched by key: a handler of an older render still finds its row. */
  private updateRow(row: ProjectRow, change: Partial<ProjectRow>) {
    this.touched = true;
    this.form.patch({
      rows: this.form.get().rows.map((r) => (r.key === row.key ? { ...r, ...change } : r)),
    });
  }
}
