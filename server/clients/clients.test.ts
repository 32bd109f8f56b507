import assert from 'node:assert/strict';
import { before, it } from 'node:test';
import type { TokenPair } from '../../shared/auth.ts';
import { ROLE } from '../../shared/roles.ts';
import { eachDatabase } from '../../test/support/context.ts';

eachDatabase('accounts: /iam/clients/me and /iam/clients/create', (ctx) => {
  let accountId: number;
  let member: { id: number; email: string };
  let admin: { id: number; email: string };
  let token: string;

  before(async () => {
    accountId = await ctx().fixtures.account('Me Corp');
    admin = await ctx().fixtures.member(accountId, { role: ROLE.administrators, name: 'Boss' });
    member = await ctx().fixtures.member(accountId, { role: ROLE.purgeApiWeb, lang: 'zh' });
    await ctx().fixtures.member(accountId, { role: ROLE.administrators, status: 'not_activated' });
    token = await ctx().tokenFor(member.id, accountId);
  });

  it('describes the account in scope, its active administrators and the accounts to switch to', async () => {
    const response = await ctx().request('/iam/clients/me', { token });
    assert.equal(response.status, 200);
    assert.deepEqual(await response.json(), {
      id: accountId,
      client_id: accountId,
      companyName: 'Me Corp',
      name: 'Me Corp',
      currentUser: member.id,
      currentUserRole: { id: 3009, name: 'Purge and Prefetch only (API+Web)' },
      currentUserLang: 'zh',
      users: [{ id: admin.id, email: admin.email, name: 'Boss' }],
      clients: [{ id: accountId, companyName: 'Me Corp' }],
      two_fa_requirement: {
        required: false,
        grace_period_ends_at: null,
        state: 'not_required',
        days_left: null,
      },
    });
  });

  it("tells the caller's language as it is now, after they change it", async () => {
    const other = await ctx().fixtures.member(accountId, { role: ROLE.users, lang: 'ru' });
    const otherToken = await ctx().tokenFor(other.id, accountId);
    const lang = async () =>
      (await (await ctx().request('/iam/clients/me', { token: otherToken })).json())
        .currentUserLang;
    assert.equal(await lang(), 'ru');
    const changed = await ctx().request(`/iam/users/${other.id}`, {
      method: 'PATCH',
      token: otherToken,
      json: { lang: 'de' },
    });
    assert.equal(changed.status, 200);
    assert.equal(await lang(), 'de', 'read with the caller on each request, not from the token');
  });

  it('creates an account whose Administrator is the caller, who can then switch to it', async () => {
    const response = await ctx().request('/iam/clients/create', {
      method: 'POST',
      token,
      json: { company: '  New Venture ' },
    });
    assert.equal(response.status, 201);
    const created = await response.json();
    assert.deepEqual(created, { id: created.id, company: 'New Venture' });

    const switched = (await (
      await ctx().request(`/iam/auth/jwt/clients/${created.id}/login`, { token })
    ).json()) as TokenPair;
    const me = await (await ctx().request('/iam/clients/me', { token: switched.access })).json();
    assert.equal(me.id, created.id);
    assert.deepEqual(me.currentUserRole, { id: 1, name: 'Administrators' });
    assert.deepEqual(me.clients.map((c: { companyName: string }) => c.companyName).sort(), [
      'Me Corp',
      'New Venture',
    ]);

    const audit = await ctx()
      .db.selectFrom('audit_log')
      .selectAll()
      .where('action', '=', 'account.created')
      .where('account_id', '=', created.id)
      .executeTakeFirstOrThrow();
    assert.equal(audit.actor_user_id, member.id);
    assert.ok(audit.request_id);
  });

  it('refuses a blank or missing company name, naming the field, and creates nothing', async () => {
    const countAccounts = async () =>
      Number(
        (
          await ctx()
            .db.selectFrom('accounts')
            .select((eb) => eb.fn.countAll().as('n'))
            .executeTakeFirstOrThrow()
        ).n,
      );
    const before = await countAccounts();
    for (const body of [{ company: '   ' }, {}, { company: 'x'.repeat(256) }]) {
      const response = await ctx().request('/iam/clients/create', {
        method: 'POST',
        token,
        json: body,
      });
      assert.equal(response.status, 400, JSON.stringify(body));
      assert.ok((await response.json()).errors.company);
    }
    assert.equal(await countAccounts(), before);
  });

  it('needs credentials', async () => {
    assert.equal((await ctx().request('/iam/clients/me')).status, 401);
    assert.equal(
      (await ctx().request('/iam/clients/create', { method: 'POST', json: { company: 'X' } }))
        .status,
      401,
    );
  });
});
