import assert from 'node:assert/strict';
import { before, it } from 'node:test';
import type {
  CloudAssignment,
  CloudAssignmentsPage,
  Project,
  ProjectsPage,
} from '../../shared/cloud.ts';
import { ROLE } from '../../shared/roles.ts';
import { eachDatabase } from '../../test/support/context.ts';

eachDatabase('Cloud access: /cloud/v1/projects and /cloud/v1/users/assignments', (ctx) => {
  let accountId: number;
  let otherAccount: number;
  let adminToken: string;
  let memberToken: string;
  let member: { id: number };
  let project: number;

  before(async () => {
    accountId = await ctx().fixtures.account();
    otherAccount = await ctx().fixtures.account();
    const admin = await ctx().fixtures.member(accountId, { role: ROLE.administrators });
    member = await ctx().fixtures.member(accountId);
    adminToken = await ctx().tokenFor(admin.id, accountId);
    memberToken = await ctx().tokenFor(member.id, accountId);
    project = await ctx().fixtures.project(accountId, 'Edge');
  });

  const call = (method: string, path: string, json?: unknown, token = adminToken) =>
    ctx().request(path, { method, json, token });
  const json = async <T>(response: Promise<Response>) => (await (await response).json()) as T;
  const audit = async (action: string) =>
    ctx()
      .db.selectFrom('audit_log')
      .select(['target_id', 'details'])
      .where('account_id', '=', accountId)
      .where('action', '=', action)
      .orderBy('id')
      .execute();

  it('creates projects in Gcore’s shape, refusing a duplicate name and another account', async () => {
    const created = await call('POST', '/cloud/v1/projects', {
      name: ' Core ',
      description: 'The core',
      client_id: accountId,
    });
    assert.equal(created.status, 201);
    const body = (await created.json()) as Project;
    assert.deepEqual(body, {
      id: body.id,
      client_id: accountId,
      name: 'Core',
      description: 'The core',
      is_default: false,
      state: 'ACTIVE',
      created_at: ctx().clock.now().toISOString(),
      deleted_at: null,
      task_id: null,
    });
    const again = await call('POST', '/cloud/v1/projects', { name: 'Core' });
    assert.equal(again.status, 400);
    assert.deepEqual((await again.json()).errors, {
      name: ['A project with this name already exists.'],
    });
    const elsewhere = await call('POST', '/cloud/v1/projects', {
      name: 'Elsewhere',
      client_id: otherAccount,
    });
    assert.equal(elsewhere.status, 404);
    const page = await json<ProjectsPage>(
      call('GET', '/cloud/v1/projects', undefined, memberToken),
    );
    assert.deepEqual(
      page.results.map((p) => p.name),
      ['Core', 'Edge'],
    );
    assert.equal(page.count, 2);
  });

  it('lists projects as offset pages, with Gcore’s name, order_by and client_id', async () => {
    for (const name of ['P1', 'P2', 'P3']) await call('POST', '/cloud/v1/projects', { name });
    const first = await json<ProjectsPage>(call('GET', '/cloud/v1/projects?limit=2&offset=0'));
    const second = await json<ProjectsPage>(call('GET', '/cloud/v1/projects?limit=2&offset=2'));
    assert.equal(first.count, 5);
    assert.equal(second.count, 5);
    assert.deepEqual(
      [...first.results, ...second.results].map((p) => p.name),
      ['Core', 'Edge', 'P1', 'P2'],
    );
    const desc = await json<ProjectsPage>(call('GET', '/cloud/v1/projects?order_by=name.desc'));
    assert.deepEqual(
      desc.results.map((p) => p.name),
      ['P3', 'P2', 'P1', 'Edge', 'Core'],
    );
    const named = await json<ProjectsPage>(call('GET', '/cloud/v1/projects?name=P2'));
    assert.deepEqual(
      named.results.map((p) => p.name),
      ['P2'],
    );
    assert.equal((await call('GET', `/cloud/v1/projects?client_id=${accountId}`)).status, 200);
    assert.equal((await call('GET', `/cloud/v1/projects?client_id=${otherAccount}`)).status, 404);
    const bad = await call('GET', '/cloud/v1/projects?order_by=size');
    assert.equal(bad.status, 400);
    assert.ok((await bad.json()).errors.order_by);
  });

  it('reads, renames and describes a project; another account’s is 404', async () => {
    const id = (await json<ProjectsPage>(call('GET', '/cloud/v1/projects?name=P3'))).results[0].id;
    const read = await json<Project>(
      call('GET', `/cloud/v1/projects/${id}`, undefined, memberToken),
    );
    assert.equal(read.name, 'P3');
    const patched = await call('PATCH', `/cloud/v1/projects/${id}`, { description: 'Third' });
    assert.equal(patched.status, 200);
    assert.deepEqual(
      [((await patched.json()) as Project).name, 'Third'],
      ['P3', (await json<Project>(call('GET', `/cloud/v1/projects/${id}`))).description],
    );
    const put = await call('PUT', `/cloud/v1/projects/${id}`, { name: 'Three' });
    assert.equal(put.status, 200);
    assert.equal(((await put.json()) as Project).name, 'Three');
    const taken = await call('PATCH', `/cloud/v1/projects/${id}`, { name: 'Edge' });
    assert.equal(taken.status, 400);
    assert.ok((await taken.json()).errors.name);
    const foreign = await ctx().fixtures.project(otherAccount, 'Theirs');
    for (const [method, body] of [
      ['GET', undefined],
      ['PATCH', { name: 'Mine now' }],
      ['DELETE', undefined],
    ] as const) {
      assert.equal((await call(method, `/cloud/v1/projects/${foreign}`, body)).status, 404, method);
    }
    assert.equal(
      (await call('PATCH', `/cloud/v1/projects/${id}`, { name: 'X' }, memberToken)).status,
      403,
    );
  });

  it('gives, changes and takes a role with Gcore’s bodies, at Client and at Project scope', async () => {
    const client = await call('POST', '/cloud/v1/users/assignments', {
      role: 'ClientAdministrator',
      user_id: member.id,
    });
    assert.equal(client.status, 200);
    const clientRole = (await client.json()) as CloudAssignment;
    assert.equal(clientRole.project_id, null);
    assert.equal(clientRole.updated_at, null);
    const perProject = await call('POST', '/cloud/v1/users/assignments', {
      role: 'Observer',
      user_id: member.id,
      client_id: accountId,
      project_id: project,
    });
    assert.equal(perProject.status, 200);
    const projectRole = (await perProject.json()) as CloudAssignment;

    const listed = await json<CloudAssignmentsPage>(
      call('GET', `/cloud/v1/users/assignments?user_id=${member.id}`, undefined, memberToken),
    );
    assert.equal(listed.count, 2);
    assert.deepEqual(
      listed.results.map((a) => [a.project_id, a.role]),
      [
        [null, 'ClientAdministrator'],
        [project, 'Observer'],
      ],
    );
    const paged = await json<CloudAssignmentsPage>(
      call('GET', `/cloud/v1/users/assignments?user_id=${member.id}&limit=1&offset=1`),
    );
    assert.deepEqual([paged.count, paged.results.map((a) => a.id)], [2, [projectRole.id]]);

    ctx().clock.advance(60_000);
    const changed = await call('PATCH', `/cloud/v1/users/assignments/${projectRole.id}`, {
      role: 'ProjectAdministrator',
      user_id: member.id,
      client_id: accountId,
      project_id: project,
    });
    assert.equal(changed.status, 200);
    assert.deepEqual(await changed.json(), { assignment_id: projectRole.id });
    const after = (
      await json<CloudAssignmentsPage>(
        call('GET', `/cloud/v1/users/assignments?project_id=${project}`),
      )
    ).results.find((a) => a.id === projectRole.id)!;
    assert.equal(after.role, 'ProjectAdministrator');
    assert.equal(after.updated_at, ctx().clock.now().toISOString());

    const removed = await call('DELETE', `/cloud/v1/users/assignments/${clientRole.id}`);
    assert.equal(removed.status, 200);
    assert.deepEqual(await removed.json(), { assignment_id: clientRole.id });
    assert.equal(
      (await call('DELETE', `/cloud/v1/users/assignments/${clientRole.id}`)).status,
      404,
    );
    const user = await (await call('GET', `/iam/users/${member.id}`)).json();
    assert.deepEqual(user.cloud, {
      client_role: null,
      projects: [{ project_id: project, project_name: 'Edge', role: 'ProjectAdministrator' }],
    });
  });

  it('refuses a PATCH that moves an assignment, a mismatched role, or another account', async () => {
    const twin = await ctx().fixtures.member(accountId);
    const created = await json<CloudAssignment>(
      call('POST', '/cloud/v1/users/assignments', {
        role: 'User',
        user_id: twin.id,
        client_id: accountId,
        project_id: project,
      }),
    );
    const other = await ctx().fixtures.project(accountId);
    const patch = (body: unknown) =>
      call('PATCH', `/cloud/v1/users/assignments/${created.id}`, body);
    const cases: Array<[unknown, number, string?]> = [
      [{ role: 'Observer' }, 400, 'user_id'],
      [{ role: 'Observer', user_id: member.id }, 400, 'user_id'],
      [
        { role: 'Observer', user_id: twin.id, client_id: accountId, project_id: other },
        400,
        'project_id',
      ],
      [{ role: 'Observer', user_id: twin.id, project_id: null }, 400, 'project_id'],
      [{ role: 'Observer', user_id: twin.id, project_id: project }, 400, 'client_id'],
      [{ role: 'ClientAdministrator', user_id: twin.id }, 400, 'role'],
      [{ role: 'Observer', user_id: twin.id, client_id: otherAccount, project_id: project }, 404],
    ];
    for (const [body, status, field] of cases) {
      const response = await patch(body);
      assert.equal(response.status, status, JSON.stringify(body));
      if (field)
        assert.ok((await response.json()).errors[field], `${JSON.stringify(body)} names ${field}`);
    }
    const still = (
      await json<CloudAssignmentsPage>(
        call('GET', `/cloud/v1/users/assignments?user_id=${twin.id}`),
      )
    ).results;
    assert.deepEqual(
      still.map((a) => [a.role, a.project_id, a.updated_at]),
      [['User', project, null]],
    );
    // The same user and scope as the assignment's are fine, with or without client_id.
    assert.equal((await patch({ role: 'Observer', user_id: twin.id })).status, 200);
  });

  it('refuses mismatched scopes, duplicates, strangers and other accounts’ projects', async () => {
    const foreignProject = await ctx().fixtures.project(otherAccount);
    const cases: Array<[unknown, string]> = [
      [{ user_id: member.id, role: 'Observer' }, 'role'],
      [
        {
          user_id: member.id,
          client_id: accountId,
          project_id: project,
          role: 'ClientAdministrator',
        },
        'role',
      ],
      [{ user_id: member.id, client_id: accountId, project_id: project, role: 'Janitor' }, 'role'],
      [{ user_id: member.id, project_id: project, role: 'User' }, 'client_id'],
      [
        { user_id: 2147483647, client_id: accountId, project_id: project, role: 'Observer' },
        'user_id',
      ],
      [
        { user_id: member.id, client_id: accountId, project_id: foreignProject, role: 'User' },
        'project_id',
      ],
      [
        { user_id: member.id, client_id: accountId, project_id: project, role: 'User', state: 'x' },
        'non_field_errors',
      ],
    ];
    for (const [body, field] of cases) {
      const response = await call('POST', '/cloud/v1/users/assignments', body);
      assert.equal(response.status, 400, JSON.stringify(body));
      assert.ok((await response.json()).errors[field], `${JSON.stringify(body)} names ${field}`);
    }
    const elsewhere = await call('POST', '/cloud/v1/users/assignments', {
      user_id: member.id,
      client_id: otherAccount,
      project_id: project,
      role: 'User',
    });
    assert.equal(elsewhere.status, 404);
    const twin = await ctx().fixtures.member(accountId);
    const body = { user_id: twin.id, client_id: accountId, project_id: project, role: 'User' };
    assert.equal((await call('POST', '/cloud/v1/users/assignments', body)).status, 200);
    const duplicate = await call('POST', '/cloud/v1/users/assignments', {
      ...body,
      role: 'Observer',
    });
    assert.equal(duplicate.status, 400);
  });

  it('deletes a project: its assignments go (audited), its name is free, include_deleted shows it', async () => {
    const doomed = await json<Project>(call('POST', '/cloud/v1/projects', { name: 'Doomed' }));
    const holder = await ctx().fixtures.member(accountId);
    const assignment = await json<CloudAssignment>(
      call('POST', '/cloud/v1/users/assignments', {
        role: 'User',
        user_id: holder.id,
        client_id: accountId,
        project_id: doomed.id,
      }),
    );
    assert.equal(
      (await call('DELETE', `/cloud/v1/projects/${doomed.id}`, undefined, memberToken)).status,
      403,
    );
    ctx().clock.advance(1000);
    const deleted = await call('DELETE', `/cloud/v1/projects/${doomed.id}`);
    assert.equal(deleted.status, 200);
    assert.deepEqual(await deleted.json(), { tasks: [] });

    const left = await json<CloudAssignmentsPage>(
      call('GET', `/cloud/v1/users/assignments?user_id=${holder.id}`),
    );
    assert.deepEqual(left, { count: 0, results: [] });
    const removedRows = (await audit('cloud_role.removed')).filter(
      (row) => (row.details as { assignment_id: number }).assignment_id === assignment.id,
    );
    assert.equal(removedRows.length, 1);
    assert.equal((removedRows[0].details as { reason: string }).reason, 'project_deleted');
    assert.ok((await audit('project.deleted')).some((row) => row.target_id === String(doomed.id)));

    const live = await json<ProjectsPage>(call('GET', '/cloud/v1/projects?name=Doomed'));
    assert.equal(live.count, 0);
    const all = await json<ProjectsPage>(
      call('GET', '/cloud/v1/projects?name=Doomed&include_deleted=true'),
    );
    assert.deepEqual(
      all.results.map((p) => [p.id, p.state, p.deleted_at]),
      [[doomed.id, 'DELETED', ctx().clock.now().toISOString()]],
    );
    const read = await json<Project>(call('GET', `/cloud/v1/projects/${doomed.id}`));
    assert.equal(read.state, 'DELETED');
    assert.equal((await call('DELETE', `/cloud/v1/projects/${doomed.id}`)).status, 404);
    assert.equal(
      (await call('PATCH', `/cloud/v1/projects/${doomed.id}`, { name: 'Back' })).status,
      404,
    );
    const reassign = await call('POST', '/cloud/v1/users/assignments', {
      role: 'User',
      user_id: holder.id,
      client_id: accountId,
      project_id: doomed.id,
    });
    assert.equal(reassign.status, 400);
    const invite = await call('POST', '/iam/clients/invite_user', {
      client_id: accountId,
      email: `invitee-${doomed.id}@example.test`,
      user_role: { id: ROLE.users },
      cloud: { projects: [{ project_id: doomed.id, role: 'User' }] },
    });
    assert.equal(invite.status, 400);
    assert.deepEqual((await invite.json()).errors, {
      'cloud.projects.0.project_id': ['Project not found.'],
    });
    assert.equal((await call('POST', '/cloud/v1/projects', { name: 'Doomed' })).status, 201);
  });
});
