import assert from 'node:assert/strict';
import { it } from 'node:test';
import { ROLE } from '../../shared/roles.ts';
import { eachDatabase } from '../../test/support/context.ts';
import { holdOpen, waiters } from '../../test/support/locks.ts';

/**
 * A project being deleted (server/cloud/projects.ts: the project locked, its roles removed, then
 * marked deleted) while a role is given on it, by hand or with an invitation. On PostgreSQL only:
 * PGlite runs one transaction at a time, so this race cannot happen there.
 */
eachDatabase('a Cloud role on a project deleted at the same moment', (ctx, dialect) => {
  const skip = dialect === 'pglite' && 'PGlite runs one transaction at a time: no race to lose';

  /** The project's deletion, held open until `commit()` once `request` waits for it. */
  async function whileDeleting(project: number, request: () => Promise<Response>) {
    const deleting = await holdOpen(ctx().db, async (trx) => {
      await trx.selectFrom('projects').select('id').where('id', '=', project).forUpdate().execute();
      await trx
        .updateTable('projects')
        .set({ deleted_at: ctx().clock.now() })
        .where('id', '=', project)
        .execute();
    });
    const answer = request();
    await waiters(ctx().db, 1, answer);
    await deleting.commit();
    return answer;
  }

  const rolesOn = (project: number) =>
    ctx()
      .db.selectFrom('cloud_role_assignments')
      .select('id')
      .where('project_id', '=', project)
      .execute();

  it('refuses a role given by hand', { skip }, async () => {
    const accountId = await ctx().fixtures.account();
    const admin = await ctx().fixtures.member(accountId, { role: ROLE.administrators });
    const member = await ctx().fixtures.member(accountId);
    const project = await ctx().fixtures.project(accountId);
    const token = await ctx().tokenFor(admin.id, accountId);
    const answer = await whileDeleting(project, () =>
      ctx().request('/cloud/v1/users/assignments', {
        method: 'POST',
        token,
        json: { role: 'Observer', user_id: member.id, client_id: accountId, project_id: project },
      }),
    );
    assert.equal(answer.status, 400);
    assert.deepEqual((await answer.json()).errors, { project_id: ['Project not found.'] });
    assert.deepEqual(await rolesOn(project), []);
  });

  it('refuses an invitation with a role on it', { skip }, async () => {
    const accountId = await ctx().fixtures.account();
    const admin = await ctx().fixtures.member(accountId, { role: ROLE.administrators });
    const project = await ctx().fixtures.project(accountId);
    const token = await ctx().tokenFor(admin.id, accountId);
    const email = `raced-${project}@projects.test`;
    const answer = await whileDeleting(project, () =>
      ctx().request('/iam/clients/invite_user', {
        method: 'POST',
        token,
        json: {
          client_id: accountId,
          email,
          user_role: { id: ROLE.users },
          cloud: { projects: [{ project_id: project, role: 'Observer' }] },
        },
      }),
    );
    assert.equal(answer.status, 400);
    assert.deepEqual((await answer.json()).errors, {
      'cloud.projects.0.project_id': ['Project not found.'],
    });
    assert.deepEqual(await rolesOn(project), []);
  });
});
