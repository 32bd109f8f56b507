import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { sql } from 'kysely';
import { ROLE } from '../../shared/roles.ts';
import type { UsersPage } from '../../shared/users.ts';
import { eachDatabase } from '../../test/support/context.ts';
import { createPostgresDatabase } from '../../test/support/databases.ts';
import { migrate, openDatabase, type Db } from '../db/connect.ts';

/**
 * A deleted person is a member of no account, by the database's own rule (migration 0014,
 * docs/decisions/039): marking them deleted removes their memberships, none can be written for
 * them, and so each account's member count (which the Users list shows as its total) counts
 * exactly the rows it has, however the person was deleted, and deleted again.
 */

/** The kept count of each account, and the rows it should count. */
async function counts(db: Db, accountIds: number[]) {
  const rows = await sql<{ id: number; kept: number; real: number }>`
    select a.id, a.member_count as kept,
      (select count(*)::int from memberships m where m.account_id = a.id) as real
    from accounts a where a.id = any(${accountIds}::int[]) order by a.id`.execute(db);
  return rows.rows.map((row) => ({ id: row.id, kept: row.kept, real: row.real }));
}

eachDatabase('a deleted person belongs to no account', (ctx) => {
  const twoAccounts = async () => {
    const { fixtures } = ctx();
    const accounts = [await fixtures.account(), await fixtures.account()];
    for (const accountId of accounts) await fixtures.members(accountId, 3, `m${accountId}`);
    const person = await fixtures.member(accounts[0]!);
    await fixtures.join(accounts[1]!, person.id, ROLE.engineers);
    return { accounts, person };
  };
  const markDeleted = (userId: number) =>
    sql`update users set deleted_at = now() where id = ${userId}`.execute(ctx().db);

  it('marking a person deleted removes their memberships and Cloud roles, counted once', async () => {
    const { db, fixtures } = ctx();
    const { accounts, person } = await twoAccounts();
    const project = await fixtures.project(accounts[0]!);
    await sql`insert into cloud_role_assignments (account_id, user_id, project_id, role)
      values (${accounts[0]}, ${person.id}, ${project}, 'Observer')`.execute(db);
    assert.deepEqual(
      (await counts(db, accounts)).map((c) => c.kept),
      [4, 4],
    );

    await markDeleted(person.id);
    const memberships = await sql`select 1 from memberships where user_id = ${person.id}`.execute(
      db,
    );
    assert.equal(memberships.rows.length, 0);
    const roles =
      await sql`select 1 from cloud_role_assignments where user_id = ${person.id}`.execute(db);
    assert.equal(roles.rows.length, 0);
    assert.deepEqual(await counts(db, accounts), [
      { id: accounts[0], kept: 3, real: 3 },
      { id: accounts[1], kept: 3, real: 3 },
    ]);

    // The Users list's total is the kept count, and it lists what it counts.
    const admin = await fixtures.member(accounts[0]!, { role: ROLE.administrators });
    const token = await ctx().tokenFor(admin.id, accounts[0]!);
    const answer = await ctx().request('/iam/users?limit=100', { token });
    const page = (await answer.json()) as UsersPage;
    assert.equal(page.count, 4);
    assert.equal(page.results.length, 4);
    assert.ok(!page.results.some((user) => user.id === person.id));
  });

  it('deleting the row of a deleted person changes no count; of a live one, once', async () => {
    const { db } = ctx();
    const { accounts, person } = await twoAccounts();
    await markDeleted(person.id);
    // What an operator may do later: the person's row goes, with what still refers to it.
    await sql`delete from users where id = ${person.id}`.execute(db);
    assert.deepEqual(await counts(db, accounts), [
      { id: accounts[0], kept: 3, real: 3 },
      { id: accounts[1], kept: 3, real: 3 },
    ]);

    const live = await twoAccounts();
    await sql`delete from users where id = ${live.person.id}`.execute(db);
    assert.deepEqual(await counts(db, live.accounts), [
      { id: live.accounts[0], kept: 3, real: 3 },
      { id: live.accounts[1], kept: 3, real: 3 },
    ]);
  });

  it('refuses a membership for a deleted person, and counts nothing', async () => {
    const { db, fixtures } = ctx();
    const { accounts, person } = await twoAccounts();
    await markDeleted(person.id);
    await assert.rejects(
      fixtures.join(accounts[0]!, person.id),
      /a deleted person cannot be a member of an account/,
    );
    // A statement of many rows is refused whole: the live person's row is not written either.
    const live = await fixtures.user();
    await assert.rejects(
      sql`insert into memberships (account_id, user_id, role_id, accepted_at)
        values (${accounts[0]}, ${live.id}, ${ROLE.users}, now()),
               (${accounts[0]}, ${person.id}, ${ROLE.users}, now())`.execute(db),
      /a deleted person cannot be a member/,
    );
    assert.deepEqual(await counts(db, accounts), [
      { id: accounts[0], kept: 3, real: 3 },
      { id: accounts[1], kept: 3, real: 3 },
    ]);
  });

  it('an invitation brings a deleted person back as a member, counted once', async () => {
    const { db, fixtures } = ctx();
    const { accounts, person } = await twoAccounts();
    await markDeleted(person.id);
    const admin = await fixtures.member(accounts[1]!, { role: ROLE.administrators });
    const token = await ctx().tokenFor(admin.id, accounts[1]!);
    const invited = await ctx().request('/iam/clients/invite_user', {
      method: 'POST',
      token,
      json: {
        email: person.email,
        user_role: { id: ROLE.users, name: 'Users' },
        lang: 'en',
        name: 'Back Again',
        client_id: accounts[1],
      },
    });
    assert.equal(invited.status, 200, await invited.clone().text());
    assert.deepEqual(await counts(db, accounts), [
      { id: accounts[0], kept: 3, real: 3 },
      { id: accounts[1], kept: 5, real: 5 },
    ]);
  });
});

/**
 * The upgrade: memberships that earlier versions left to deleted people (the demo's seed kept one)
 * are removed by migration 0014, and the counts, which never counted them, stay as they were.
 */
describe('migration 0014 on a database of the earlier version', () => {
  const databases: { name: string; open(): Promise<{ db: Db; close(): Promise<void> }> }[] = [
    { name: 'pglite', open: () => openDatabase({ dataDir: 'memory://' }) },
  ];
  const serverUrl = process.env.DATABASE_URL;
  if (serverUrl) {
    databases.push({
      name: 'postgres',
      async open() {
        const created = await createPostgresDatabase(serverUrl);
        const database = await openDatabase({ databaseUrl: created.url });
        return {
          db: database.db,
          close: async () => {
            await database.close();
            await created.drop();
          },
        };
      },
    });
  }

  for (const database of databases) {
    it(`removes a deleted person's memberships and keeps the counts [${database.name}]`, async () => {
      const { db, close } = await database.open();
      try {
        await migrate(db, '0013_audit_names');
        for (const statement of [
          `insert into accounts (company_name) values ('Old One'), ('Old Two')`,
          `insert into users (email, name, lang)
             values ('kept@old.test', 'Kept', 'en'), ('gone@old.test', 'Gone', 'en')`,
          `insert into memberships (account_id, user_id, role_id, accepted_at)
             select a.id, u.id, ${ROLE.users}, now() from accounts a, users u`,
          `update users set deleted_at = now() where email = 'gone@old.test'`,
        ])
          await sql.raw(statement).execute(db);
        const accounts = (
          await sql<{ id: number }>`select id from accounts order by id`.execute(db)
        ).rows.map((row) => row.id);
        // As the earlier version kept them: the deleted person's rows there, not counted.
        assert.deepEqual(await counts(db, accounts), [
          { id: accounts[0], kept: 1, real: 2 },
          { id: accounts[1], kept: 1, real: 2 },
        ]);

        await migrate(db);
        assert.deepEqual(await counts(db, accounts), [
          { id: accounts[0], kept: 1, real: 1 },
          { id: accounts[1], kept: 1, real: 1 },
        ]);
      } finally {
        await close();
      }
    });
  }
});
