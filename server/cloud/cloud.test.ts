import assert from 'node:assert/strict';
import { before, it } from 'node:test';
import type { CloudAssignment } from '../../shared/cloud.ts';
import { ROLE } from '../../shared/roles.ts';
import { eachDatabase } from '../../test/support/context.ts';

eachDatabase('Cloud access: /cloud/v1/projects and /cloud/v1/users/assignments', (ctx) => {
  let accountId: number;
  let adminToken: string;
  let memberToken: string;
  let member: { id: number };
  let project: number;

  before(async () => {
    accountId = await ctx().fixtures.account();
    const admin = await ctx().fixtures.member(accountId, { role: ROLE.administrators });
    member = await ctx().fixtures.member(accountId);
    adminToken = await ctx().tokenFor(admin.id, accountId);
    memberToken = await ctx().tokenFor(member.id, accountId);
    project = await ctx().fixtures.project(accountId, 'Edge');
  });

  const call = (method: string, path: string, json?: unknown, token = adminToken) =>
    ctx().request(path, { method, json, token });

  it('creates projects, refusing a duplicate name', async () => {
    const created = await call('POST', '/cloud/v1/projects', { name: ' Core ' });
    assert.equal(created.status, 201);
    const body = await created.json();
    assert.deepEqual(body, { id: body.id, name: 'Core', client_id: accountId });
    const again = await call('POST', '/cloud/v1/projects', { name: 'Core' });
    assert.deepEqual((await again.json()).errors, {
      name: ['A project with this name already exists.'],
    });
    const names = (
      (await (await call('GET', '/cloud/v1/projects', undefined, memberToken)).json()) as {
        name: string;
      }[]
    ).map((p) => p.name);
    assert.deepEqual(names, ['Core', 'Edge']);
  });

  it('gives, changes and takes a role, at Client and at Project scope', async () => {
    const client = await call('POST', '/cloud/v1/users/assignments', {
      user_id: member.id,
      role: 'ClientAdministrator',
    });
    assert.equal(client.status, 201);
    const clientRole = (await client.json()) as CloudAssignment;
    assert.equal(clientRole.project_id, null);
    const perProject = await call('POST', '/cloud/v1/users/assignments', {
      user_id: member.id,
      project_id: project,
      role: 'Observer',
    });
    assert.equal(perProject.status, 201);
    const projectRole = (await perProject.json()) as CloudAssignment;

    const listed = (await (
      await call('GET', `/cloud/v1/users/assignments?user_id=${member.id}`, undefined, memberToken)
    ).json()) as CloudAssignment[];
    assert.deepEqual(
      listed.map((a) => [a.project_id, a.role]),
      [
        [null, 'ClientAdministrator'],
        [project, 'Observer'],
      ],
    );

    const changed = await call('PATCH', `/cloud/v1/users/assignments/${projectRole.id}`, {
      role: 'ProjectAdministrator',
    });
    assert.equal(changed.status, 200);
    assert.equal(((await changed.json()) as CloudAssignment).role, 'ProjectAdministrator');
    const mismatch = await call('PATCH', `/cloud/v1/users/assignments/${projectRole.id}`, {
      role: 'ClientAdministrator',
    });
    assert.equal(mismatch.status, 400);

    assert.equal(
      (await call('DELETE', `/cloud/v1/users/assignments/${clientRole.id}`)).status,
      204,
    );
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

  it('refuses mismatched scopes, duplicates, strangers and other accounts’ projects', async () => {
    const cases: Array<[unknown, string]> = [
      [{ user_id: member.id, role: 'Observer' }, 'role'],
      [{ user_id: member.id, project_id: project, role: 'ClientAdministrator' }, 'role'],
      [{ user_id: member.id, project_id: project, role: 'Janitor' }, 'role'],
      [{ user_id: 2147483647, project_id: project, role: 'Observer' }, 'user_id'],
      [
        {
          user_id: member.id,
          project_id: await ctx().fixtures.project(await ctx().fixtures.account()),
          role: 'User',
        },
        'project_id',
      ],
      [{ user_id: member.id, project_id: project, role: 'User', client_id: 1 }, 'non_field_errors'],
    ];
    for (const [body, field] of cases) {
      const response = await call('POST', '/cloud/v1/users/assignments', body);
      assert.equal(response.status, 400, JSON.stringify(body));
      assert.ok((await response.json()).errors[field], `${JSON.stringify(body)} names ${field}`);
    }
    const twin = await ctx().fixtures.member(accountId);
    assert.equal(
      (
        await call('POST', '/cloud/v1/users/assignments', {
          user_id: twin.id,
          project_id: project,
          role: 'User',
        })
      ).status,
      201,
    );
    const duplicate = await call('POST', '/cloud/v1/users/assignments', {
      user_id: twin.id,
      project_id: project,
      role: 'Observer',
    });
    assert.equal(duplicate.status, 400);
  });
});
