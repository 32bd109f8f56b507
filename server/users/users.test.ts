import assert from 'node:assert/strict';
import { before, it } from 'node:test';
import { ROLE } from '../../shared/roles.ts';
import type { User, UsersPage } from '../../shared/users.ts';
import { eachDatabase } from '../../test/support/context.ts';

const HOUR = 60 * 60 * 1000;

eachDatabase('GET /iam/users', (ctx) => {
  let accountId: number;
  let adminToken: string;
  let adminId: number;
  const emails: Record<string, string> = {};

  before(async () => {
    const { fixtures } = ctx();
    accountId = await fixtures.account('Users Inc');
    const admin = await fixtures.member(accountId, {
      role: ROLE.administrators,
      name: 'Zed Admin',
      email: `zed-admin-${ctx().dialect}@users.test`,
    });
    adminId = admin.id;
    adminToken = await ctx().tokenFor(admin.id, accountId);
    const people = [
      {
        key: 'anna',
        name: 'Anna Berg',
        role: ROLE.engineers,
        lang: 'de',
        status: 'active',
        twoFa: true,
      },
      { key: 'boris', name: 'Boris Petrov', role: ROLE.users, lang: 'ru', status: 'not_activated' },
      {
        key: 'chen',
        name: 'Chen Wei',
        role: ROLE.purgeApi,
        lang: 'zh',
        status: 'invitation_expired',
      },
      {
        key: 'dora',
        name: 'Dora 100% Percent_Under',
        role: ROLE.users,
        lang: 'en',
        status: 'active',
      },
    ] as const;
    for (const person of people) {
      const user = await fixtures.member(accountId, {
        name: person.name,
        email: `${person.key}-${ctx().dialect}@users.test`,
        role: person.role,
        lang: person.lang,
        status: person.status,
        twoFa: 'twoFa' in person,
      });
      emails[person.key] = user.email;
    }
    // Someone in another account, who must never appear here.
    const otherAccount = await fixtures.account('Elsewhere');
    emails.outsider = (
      await fixtures.member(otherAccount, { email: `anna-outsider-${ctx().dialect}@users.test` })
    ).email;
  });

  const list = async (query: string) => {
    const response = await ctx().request(`/iam/users?${query}`, { token: adminToken });
    assert.equal(response.status, 200, await response.clone().text());
    return (await response.json()) as UsersPage;
  };
  const emailsOf = (page: UsersPage | User[]) =>
    (Array.isArray(page) ? page : page.results).map((u) => u.email);

  it('answers an array without limit and a page with it, members of this account only', async () => {
    const all = (await (await ctx().request('/iam/users', { token: adminToken })).json()) as User[];
    assert.ok(Array.isArray(all));
    assert.equal(all.length, 5);
    assert.ok(!emailsOf(all).includes(emails.outsider));

    const page = await list('limit=2');
    assert.equal(page.count, 5);
    assert.equal(page.results.length, 2);
    assert.equal(page.previous, null);
    // `next` also carries the keyset cursor of the page's last row (docs/decisions/022).
    assert.match(page.next!, /^http:\/\/um\.test\/iam\/users\?limit=2&offset=2&cursor=[\w-]+$/);
    const second = await list('limit=2&offset=2');
    const followed = await list(page.next!.replace('http://um.test/iam/users?', ''));
    assert.deepEqual(followed.results, second.results);
    assert.equal(second.previous, 'http://um.test/iam/users?limit=2&offset=0');
    const last = await list('limit=2&offset=4');
    assert.equal(last.results.length, 1);
    assert.equal(last.next, null);
  });

  it('returns users in the shape of API.md', async () => {
    const page = await list(`email=${encodeURIComponent(emails.anna)}&limit=10`);
    const anna = page.results[0];
    assert.deepEqual(
      { ...anna, id: 0 },
      {
        id: 0,
        email: emails.anna,
        name: 'Anna Berg',
        phone: null,
        company: 'Users Inc',
        lang: 'de',
        client: accountId,
        deleted: false,
        groups: [{ id: 5, name: 'Engineers' }],
        activated: true,
        is_active: true,
        sso_auth: false,
        two_fa: true,
        auth_types: ['password'],
        user_type: 'common',
        client_and_roles: [
          {
            client_id: accountId,
            client_company_name: 'Users Inc',
            user_id: anna.id,
            user_roles: ['Engineers'],
          },
        ],
        status: 'active',
        shared_profile: false,
        invitation_expires_at: null,
        cloud: { client_role: null, projects: [] },
      },
    );
  });

  it('filters by email and name substrings, case-insensitively, taking % and _ literally', async () => {
    assert.deepEqual(emailsOf(await list('limit=10&email=ANNA-')), [emails.anna]);
    assert.deepEqual(emailsOf(await list('limit=10&name=petrov')), [emails.boris]);
    assert.deepEqual(emailsOf(await list('limit=10&name=100%25')), [emails.dora]);
    assert.deepEqual(emailsOf(await list('limit=10&name=t_u')), [emails.dora]);
    assert.deepEqual(emailsOf(await list('limit=10&name=nobody-has-this')), []);
  });

  it('filters by id substring', async () => {
    const page = await list(`limit=10&id=${adminId}`);
    assert.ok(page.results.some((u) => u.id === adminId));
    assert.ok(page.results.every((u) => String(u.id).includes(String(adminId))));
  });

  it('filters by roles, repeated or comma-separated', async () => {
    assert.deepEqual(emailsOf(await list('limit=10&role=2&ordering=email')), [
      emails.boris,
      emails.dora,
    ]);
    assert.deepEqual(emailsOf(await list('limit=10&role=5&role=3022&ordering=email')), [
      emails.anna,
      emails.chen,
    ]);
    assert.deepEqual(emailsOf(await list('limit=10&role=5,3022&ordering=email')), [
      emails.anna,
      emails.chen,
    ]);
  });

  it('filters by language, status and 2FA', async () => {
    assert.deepEqual(emailsOf(await list('limit=10&lang=ru')), [emails.boris]);
    assert.deepEqual(emailsOf(await list('limit=10&lang=zh&lang=de&ordering=email')), [
      emails.anna,
      emails.chen,
    ]);
    assert.deepEqual(emailsOf(await list('limit=10&status=not_activated')), [emails.boris]);
    assert.deepEqual(emailsOf(await list('limit=10&status=invitation_expired')), [emails.chen]);
    assert.equal((await list('limit=10&status=active')).count, 3);
    assert.deepEqual(emailsOf(await list('limit=10&two_fa=true')), [emails.anna]);
    assert.equal((await list('limit=10&two_fa=false')).count, 4);
  });

  it('shows a pending invitation as expired once 24 hours have passed', async () => {
    const [boris] = (await list(`limit=10&email=${encodeURIComponent(emails.boris)}`)).results;
    assert.equal(boris.status, 'not_activated');
    assert.equal(boris.activated, false);
    assert.ok(boris.invitation_expires_at);
    ctx().clock.advance(24 * HOUR);
    const earlierToken = adminToken;
    adminToken = await ctx().tokenFor(adminId, accountId); // the old one has expired too
    try {
      const [later] = (await list(`limit=10&email=${encodeURIComponent(emails.boris)}`)).results;
      assert.equal(later.status, 'invitation_expired');
      assert.deepEqual(emailsOf(await list('limit=10&status=invitation_expired&ordering=email')), [
        emails.boris,
        emails.chen,
      ]);
    } finally {
      ctx().clock.advance(-24 * HOUR);
      adminToken = earlierToken;
    }
  });

  it('orders by the requested field, ascending or descending', async () => {
    const byEmail = emailsOf(await list('limit=10&ordering=email'));
    assert.deepEqual(byEmail, [...byEmail].sort());
    assert.deepEqual(emailsOf(await list('limit=10&ordering=-email')), [...byEmail].reverse());
    const byName = (await list('limit=10&ordering=name')).results.map((u) => u.name);
    assert.deepEqual(byName, [
      'Anna Berg',
      'Boris Petrov',
      'Chen Wei',
      'Dora 100% Percent_Under',
      'Zed Admin',
    ]);
    const byRole = (await list('limit=10&ordering=role')).results.map((u) => u.groups[0].name);
    assert.deepEqual(byRole, [...byRole].sort());
    const byStatus = (await list('limit=10&ordering=-status')).results.map((u) => u.status);
    assert.deepEqual(byStatus, [...byStatus].sort().reverse());
    const ids = (await list('limit=10&ordering=-id')).results.map((u) => u.id);
    assert.deepEqual(
      ids,
      [...ids].sort((a, b) => b - a),
    );
  });

  it('refuses bad query values with 400 naming each field', async () => {
    const response = await ctx().request(
      '/iam/users?limit=-1&ordering=DROP&role=abc&status=gone&two_fa=maybe&offset=x',
      {
        token: adminToken,
      },
    );
    assert.equal(response.status, 400);
    const body = await response.json();
    assert.equal(body.code, 'validation_failed');
    assert.deepEqual(Object.keys(body.errors).sort(), [
      'limit',
      'offset',
      'ordering',
      'role',
      'status',
      'two_fa',
    ]);
    assert.match(body.errors.limit[0], /greater than or equal to 1/);
    assert.match(body.errors.ordering[0], /Must be one of/);
    assert.match(body.errors.role[0], /valid integer|role ids/);
    const unknownRole = await ctx().request('/iam/users?role=7', { token: adminToken });
    assert.equal(unknownRole.status, 400);
    assert.match((await unknownRole.json()).errors.role[0], /role ids 1, 5, 3009, 3022, 2/);
    // An id's text is digits only, ten at most: nothing else reaches the id's trigram index.
    for (const id of ['abc', '12%', '12345678901']) {
      const badId = await ctx().request(`/iam/users?id=${encodeURIComponent(id)}`, {
        token: adminToken,
      });
      assert.equal(badId.status, 400, id);
      assert.deepEqual((await badId.json()).errors, { id: ['Enter digits of a user ID.'] }, id);
    }
  });

  it('needs credentials', async () => {
    const response = await ctx().request('/iam/users');
    assert.equal(response.status, 401);
    assert.equal((await response.json()).code, 'not_authenticated');
  });
});

eachDatabase('GET /iam/users/{userId}', (ctx) => {
  let accountId: number;
  let token: string;
  let callerId: number;

  before(async () => {
    const { fixtures } = ctx();
    accountId = await fixtures.account('Home');
    const caller = await fixtures.member(accountId, { role: ROLE.users });
    callerId = caller.id;
    token = await ctx().tokenFor(caller.id, accountId);
  });

  it('answers one member of the account, pending ones included', async () => {
    const pending = await ctx().fixtures.member(accountId, {
      status: 'not_activated',
      name: 'Pending Pat',
    });
    const response = await ctx().request(`/iam/users/${pending.id}`, { token });
    assert.equal(response.status, 200);
    const body = (await response.json()) as User;
    assert.equal(body.email, pending.email);
    assert.equal(body.status, 'not_activated');
  });

  it('answers 404 for a user of another account, exactly as for no user at all', async () => {
    const other = await ctx().fixtures.account();
    const stranger = await ctx().fixtures.member(other);
    const foreign = await ctx().request(`/iam/users/${stranger.id}`, { token });
    const missing = await ctx().request('/iam/users/2147483647', { token });
    assert.equal(foreign.status, 404);
    assert.equal(missing.status, 404);
    assert.deepEqual(await foreign.json(), await missing.json());
  });

  it('refuses a user id that is not a positive integer', async () => {
    for (const bad of ['abc', '-1', '0', '99999999999']) {
      const response = await ctx().request(`/iam/users/${bad}`, { token });
      assert.equal(response.status, 400, bad);
      assert.ok((await response.json()).errors.userId, bad);
    }
  });

  it("shows the caller all their accounts, but another member's other accounts never", async () => {
    const second = await ctx().fixtures.account('Second Home');
    await ctx().fixtures.join(second, callerId);
    const colleague = await ctx().fixtures.member(accountId);
    await ctx().fixtures.join(second, colleague.id);

    const self = (await (await ctx().request(`/iam/users/${callerId}`, { token })).json()) as User;
    assert.deepEqual(self.client_and_roles.map((r) => r.client_company_name).sort(), [
      'Home',
      'Second Home',
    ]);
    const other = (await (
      await ctx().request(`/iam/users/${colleague.id}`, { token })
    ).json()) as User;
    assert.deepEqual(
      other.client_and_roles.map((r) => r.client_company_name),
      ['Home'],
    );
  });

  it('shows Cloud access at client and project scope', async () => {
    const { fixtures } = ctx();
    const member = await fixtures.member(accountId);
    const project = await fixtures.project(accountId, 'Edge');
    await fixtures.cloudRole(accountId, member.id, null, 'ClientAdministrator');
    await fixtures.cloudRole(accountId, member.id, project, 'Observer');
    const body = (await (await ctx().request(`/iam/users/${member.id}`, { token })).json()) as User;
    assert.deepEqual(body.cloud, {
      client_role: 'ClientAdministrator',
      projects: [{ project_id: project, project_name: 'Edge', role: 'Observer' }],
    });
  });
});
