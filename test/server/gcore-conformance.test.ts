import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { startBff, type RunningBff } from '../../server/start.ts';
import { problemsOf } from '../gcore/conforms.ts';
import {
  ACCOUNT_OVERVIEW,
  API_TOKEN,
  API_TOKEN_CREATED,
  CLIENT_USER_ROLE,
  NOT_SERVED,
  PROJECT,
  PROJECTS_PAGE,
  ROLE_ASSIGNMENT,
  ROLE_ASSIGNMENT_UPDATE_DELETE,
  ROLE_ASSIGNMENTS_PAGE,
  TASK_ID_LIST,
  USER,
  USER_GET,
  USER_INVITED,
  USERS_PAGE,
  type FieldType,
} from '../gcore/reference.ts';
import { createPostgresDatabase } from '../support/databases.ts';

/**
 * Gcore's clients against the running BFF, over HTTP only: the bodies Gcore's generated clients
 * send (test/gcore/reference.ts names the sources), and every answer checked against the shapes of
 * Gcore's reference kept there as data, not against this project's own schemas. The BFF runs as
 * `npm start` runs it (demo seed), once on PGlite and once on PostgreSQL when DATABASE_URL is set.
 * The client authenticates as a client of Gcore's API does: `Authorization: APIKey <token>`.
 */

interface Answer {
  status: number;
  body: unknown;
}

/** A client of the BFF speaking Gcore's API; it records every answer's status. */
class GcoreClient {
  readonly statuses: string[] = [];
  constructor(
    private readonly baseUrl: string,
    private readonly authorization: string,
  ) {}

  async send(method: string, path: string, body?: unknown): Promise<Answer> {
    const response = await fetch(`${this.baseUrl}${path}`, {
      method,
      headers: {
        Authorization: this.authorization,
        Accept: 'application/json',
        ...(body === undefined ? {} : { 'Content-Type': 'application/json' }),
      },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await response.text();
    this.statuses.push(`${response.status} ${method} ${path}`);
    return { status: response.status, body: text === '' ? undefined : JSON.parse(text) };
  }

  /**
   * Sends, requires a success, and checks the answer against Gcore's shape. The answer is untyped
   * on purpose: this suite must not borrow this project's types, only Gcore's shapes (checked).
   */
  async expect(
    method: string,
    path: string,
    body: unknown,
    shape: FieldType | undefined,
    notServed: readonly string[] = [],
    // eslint-disable-next-line @typescript-eslint/no-explicit-any
  ): Promise<any> {
    const answer = await this.send(method, path, body);
    assert.ok(
      answer.status >= 200 && answer.status < 300,
      `${method} ${path}: ${answer.status} ${JSON.stringify(answer.body)}`,
    );
    if (shape)
      assert.deepEqual(problemsOf(answer.body, shape, '$', notServed), [], `${method} ${path}`);
    return answer.body;
  }
}

/** Every row of a Cloud offset page list, as Gcore's auto-paging clients fetch them. */
async function everyRow(client: GcoreClient, path: string, limit: number, shape: FieldType) {
  const rows: { id: number }[] = [];
  const separator = path.includes('?') ? '&' : '?';
  for (let pages = 0; ; pages++) {
    assert.ok(pages < 100, 'paging ends');
    const page = await client.expect(
      'GET',
      `${path}${separator}limit=${limit}&offset=${rows.length}`,
      undefined,
      shape,
    );
    assert.ok(page.results.length <= limit);
    rows.push(...page.results);
    if (page.results.length === 0 || rows.length >= page.count) {
      assert.equal(rows.length, page.count);
      return rows;
    }
  }
}

const databases = [
  { name: 'pglite', url: async () => undefined },
  ...(process.env.DATABASE_URL
    ? [{ name: 'postgres', url: () => createPostgresDatabase(process.env.DATABASE_URL!) }]
    : []),
];

for (const database of databases) {
  describe(`Gcore's clients against the running BFF [${database.name}]`, () => {
    let bff: RunningBff;
    let created: { url: string; drop(): Promise<void> } | undefined;
    let accountId: number;
    let adminId: number;
    /** A client with an Administrators-role API token, as a script against Gcore's API has. */
    let client: GcoreClient;

    before(async () => {
      created = await database.url();
      bff = await startBff({
        PORT: '0',
        DATA_DIR: 'memory://',
        DEMO_SEED: 'true',
        LOG_LEVEL: 'silent',
        ...(created ? { DATABASE_URL: created.url } : {}),
      });
      // Sign in once, as a person would, to issue the API token the client then uses.
      const login = await fetch(`${bff.url}/iam/auth/jwt/login`, {
        method: 'POST',
        headers: { 'Content-Type': 'application/json' },
        body: JSON.stringify({
          username: bff.config.demoAdmin.email,
          password: bff.config.demoAdmin.password,
        }),
      });
      const { access } = (await login.json()) as { access: string };
      const signedIn = new GcoreClient(bff.url, `Bearer ${access}`);
      const me = await signedIn.expect('GET', '/iam/clients/me', undefined, undefined);
      accountId = me.id;
      adminId = me.currentUser;
      const token = await signedIn.expect(
        'POST',
        `/iam/v2/clients/${accountId}/tokens`,
        {
          name: 'Gcore client',
          exp_date: null,
          client_user: { role: { id: 1, name: 'Administrators' } },
        },
        API_TOKEN_CREATED,
      );
      client = new GcoreClient(bff.url, `APIKey ${token.token}`);
    });

    after(async () => {
      await bff?.close();
      await created?.drop();
    });

    it('answers the account overview, users, one user and a client user in Gcore’s shapes', async () => {
      await client.expect(
        'GET',
        '/iam/clients/me',
        undefined,
        ACCOUNT_OVERVIEW,
        NOT_SERVED.ACCOUNT_OVERVIEW,
      );
      const all = await client.expect('GET', '/iam/users', undefined, undefined);
      assert.ok(all.length > 1);
      for (const user of all) {
        assert.deepEqual(problemsOf(user, USER, '$', NOT_SERVED.USER), []);
      }
      // Gcore's user list pages by offset while `offset + len(results) < count`.
      const paged: { id: number }[] = [];
      for (;;) {
        const page = await client.expect(
          'GET',
          `/iam/users?limit=7&offset=${paged.length}`,
          undefined,
          undefined,
        );
        assert.deepEqual(problemsOf(page, { ...USERS_PAGE, results: [{}] }), []);
        for (const user of page.results) {
          assert.deepEqual(problemsOf(user, USER, '$', NOT_SERVED.USER), []);
        }
        paged.push(...page.results);
        if (page.results.length === 0 || paged.length >= page.count) break;
      }
      assert.deepEqual(
        paged.map((u) => u.id).sort((a, b) => a - b),
        all.map((u: { id: number }) => u.id).sort((a: number, b: number) => a - b),
      );
      await client.expect('GET', `/iam/users/${adminId}`, undefined, USER_GET, NOT_SERVED.USER_GET);
      await client.expect(
        'GET',
        `/iam/clients/${accountId}/client-users/${adminId}`,
        undefined,
        CLIENT_USER_ROLE,
      );
    });

    it('runs the whole cycle with an API token and Gcore’s request bodies, meeting no 4xx', async () => {
      client.statuses.length = 0;
      // List users (every page).
      const before = await client.expect(
        'GET',
        '/iam/users?limit=10&offset=0',
        undefined,
        undefined,
      );

      // Invite (UserInviteParams), then update (UserUpdateParams) and set the IAM role.
      const email = `gcore-cycle-${database.name}@example.test`;
      const invited = await client.expect(
        'POST',
        '/iam/clients/invite_user',
        {
          client_id: accountId,
          email,
          user_role: { id: 2, name: 'Users' },
          name: 'Cycle Person',
          lang: 'en',
        },
        USER_INVITED,
      );
      const userId: number = invited.user_id;
      const updated = await client.expect(
        'PATCH',
        `/iam/users/${userId}`,
        // As Gcore's Go client sends it: `email` always, empty when not set (iam/user.go).
        { name: 'Cycle P. Person', lang: 'de', email: '' },
        USER,
        NOT_SERVED.USER,
      );
      assert.deepEqual([updated.name, updated.lang], ['Cycle P. Person', 'de']);
      await client.expect(
        'PUT',
        `/iam/clients/${accountId}/client-users/${userId}`,
        { user_role: { id: 5, name: 'Engineers' } },
        undefined,
      );

      // Create, list, read and delete a token (APITokenNewParams).
      const minted = await client.expect(
        'POST',
        `/iam/v2/clients/${accountId}/tokens`,
        {
          name: 'cycle token',
          description: 'made by a token',
          exp_date: '2099-01-01T00:00:00Z',
          client_user: { role: { id: 5, name: 'Engineers' } },
        },
        API_TOKEN_CREATED,
      );
      const tokens = await client.expect('GET', `/iam/v2/clients/${accountId}/tokens`, undefined, [
        API_TOKEN,
      ]);
      assert.ok(tokens.some((t: { id: number }) => t.id === minted.id));
      await client.expect(
        'GET',
        `/iam/v2/clients/${accountId}/tokens/${minted.id}`,
        undefined,
        API_TOKEN,
      );
      await client.expect(
        'DELETE',
        `/iam/v2/clients/${accountId}/tokens/${minted.id}`,
        undefined,
        undefined,
      );

      // Create a project (ProjectNewParams), assign, change and remove a Cloud role.
      const project = await client.expect(
        'POST',
        '/cloud/v1/projects',
        { name: `Cycle project ${database.name}`, description: 'For the cycle' },
        PROJECT,
      );
      const assignment = await client.expect(
        'POST',
        '/cloud/v1/users/assignments',
        { role: 'Observer', user_id: userId, client_id: accountId, project_id: project.id },
        ROLE_ASSIGNMENT,
      );
      const changed = await client.expect(
        'PATCH',
        `/cloud/v1/users/assignments/${assignment.id}`,
        {
          role: 'ProjectAdministrator',
          user_id: userId,
          client_id: accountId,
          project_id: project.id,
        },
        ROLE_ASSIGNMENT_UPDATE_DELETE,
      );
      assert.equal(changed.assignment_id, assignment.id);
      // Client scope, as Gcore's Python client sends it when given None for the project.
      const clientScope = await client.expect(
        'POST',
        '/cloud/v1/users/assignments',
        { role: 'ClientAdministrator', user_id: userId, client_id: null, project_id: null },
        ROLE_ASSIGNMENT,
      );

      // List both with paging, one row per page, as Gcore's auto-paging clients do.
      const assignments = await everyRow(
        client,
        `/cloud/v1/users/assignments?user_id=${userId}`,
        1,
        ROLE_ASSIGNMENTS_PAGE,
      );
      assert.deepEqual(
        assignments.map((a) => a.id).sort((a, b) => a - b),
        [assignment.id, clientScope.id].sort((a, b) => a - b),
      );
      const projects = await everyRow(client, '/cloud/v1/projects', 2, PROJECTS_PAGE);
      assert.ok(projects.some((p) => p.id === project.id));
      await client.expect('GET', `/cloud/v1/projects/${project.id}`, undefined, PROJECT);
      await client.expect(
        'PATCH',
        `/cloud/v1/projects/${project.id}`,
        { description: 'Renamed next' },
        PROJECT,
      );
      await client.expect(
        'PUT',
        `/cloud/v1/projects/${project.id}`,
        { name: `Cycle project ${database.name} (renamed)`, description: null },
        PROJECT,
      );

      for (const id of [assignment.id, clientScope.id]) {
        const removed = await client.expect(
          'DELETE',
          `/cloud/v1/users/assignments/${id}`,
          undefined,
          ROLE_ASSIGNMENT_UPDATE_DELETE,
        );
        assert.equal(removed.assignment_id, id);
      }
      await client.expect('DELETE', `/cloud/v1/projects/${project.id}`, undefined, TASK_ID_LIST);

      // Remove the user from the account.
      await client.expect(
        'DELETE',
        `/iam/clients/${accountId}/client-users/${userId}`,
        undefined,
        undefined,
      );
      const after = await client.expect(
        'GET',
        '/iam/users?limit=10&offset=0',
        undefined,
        undefined,
      );
      assert.equal(after.count, before.count);

      assert.deepEqual(
        client.statuses.filter((line) => Number(line.slice(0, 3)) >= 400),
        [],
      );
    });
  });
}
