import assert from 'node:assert/strict';
import { before, it } from 'node:test';
import { sql } from 'kysely';
import type { ActivityEntry, ActivityPage } from '../../shared/activity.ts';
import { ROLE } from '../../shared/roles.ts';
import type { CreatedToken } from '../../shared/tokens.ts';
import { recordAudit } from '../audit.ts';
import { eachDatabase } from '../../test/support/context.ts';
import { allActivity } from './repository.ts';

const PATH = '/iam/activity_log/actions';

eachDatabase(
  'the audit trail: GET /iam/activity_log/actions',
  (ctx, dialect) => {
    let accountId: number;
    let otherAccountId: number;
    let admin: { id: number; email: string };
    let bob: { id: number; email: string };
    let adminToken: string;
    let apiToken: CreatedToken;

    const list = async (query: string, token = adminToken) => {
      const response = await ctx().request(`${PATH}${query}`, { token });
      assert.equal(response.status, 200, await response.clone().text());
      return (await response.json()) as ActivityPage;
    };
    const actions = (page: ActivityPage) => page.results.map((entry) => entry.action);

    before(async () => {
      const f = ctx().fixtures;
      accountId = await f.account('Audit Co');
      otherAccountId = await f.account('Elsewhere Ltd');
      admin = await f.member(accountId, { role: ROLE.administrators, name: 'Ada Admin' });
      // A name a spreadsheet would run as a formula, with a comma for the quoting.
      bob = await f.member(accountId, { name: '=HYPERLINK("http://evil.test"),Bob' });
      adminToken = await ctx().tokenFor(admin.id, accountId);
      const fromProxy = { 'X-Forwarded-For': '198.51.100.1, 203.0.113.7' };

      // Through a session: the Administrator renames Bob.
      const renamed = await ctx().request(`/iam/users/${bob.id}`, {
        method: 'PATCH',
        token: adminToken,
        json: { name: '=HYPERLINK("http://evil.test"),Bobby' },
        headers: fromProxy,
      });
      assert.equal(renamed.status, 200, await renamed.clone().text());
      ctx().clock.advance(60_000);
      // Through an API token: a token of the Administrator changes Bob's role.
      const created = await ctx().request(`/iam/v2/clients/${accountId}/tokens`, {
        method: 'POST',
        token: adminToken,
        json: {
          name: 'CI deploy',
          exp_date: null,
          client_user: { role: { id: ROLE.administrators } },
        },
      });
      assert.equal(created.status, 201, await created.clone().text());
      apiToken = (await created.json()) as CreatedToken;
      ctx().clock.advance(60_000);
      const roleChanged = await ctx().request(`/iam/clients/${accountId}/client-users/${bob.id}`, {
        method: 'PUT',
        headers: { Authorization: `APIKey ${apiToken.token}`, ...fromProxy },
        json: { user_role: { id: ROLE.engineers, name: 'Engineers' } },
      });
      assert.equal(roleChanged.status, 204, await roleChanged.text());
      ctx().clock.advance(60_000);

      // Another account's life goes on beside it.
      const stranger = await f.member(otherAccountId, { role: ROLE.administrators });
      const strangerToken = await ctx().tokenFor(stranger.id, otherAccountId);
      const elsewhere = await ctx().request(`/iam/users/${stranger.id}`, {
        method: 'PATCH',
        token: strangerToken,
        json: { name: 'Somebody Else' },
      });
      assert.equal(elsewhere.status, 200);
    });

    it("answers the account's rows newest first: who, what, on whom, when, from where, and how", async () => {
      const page = await list('?action=user.updated,user.role_changed');
      assert.deepEqual(actions(page), ['user.role_changed', 'user.updated']);
      const [byToken, bySession] = page.results as [ActivityEntry, ActivityEntry];
      assert.deepEqual(bySession.actor, { id: admin.id, name: 'Ada Admin', email: admin.email });
      assert.equal(bySession.via, 'session');
      assert.equal(bySession.token, null);
      // Behind TRUST_PROXY, the address the proxy saw: the rightmost entry.
      assert.equal(bySession.ip, '203.0.113.7');
      assert.deepEqual(bySession.target, {
        type: 'user',
        id: String(bob.id),
        name: '=HYPERLINK("http://evil.test"),Bobby',
        email: bob.email,
      });
      assert.equal(byToken.via, 'api_token');
      assert.deepEqual(byToken.token, { id: apiToken.id, name: 'CI deploy' });
      assert.equal(byToken.ip, '203.0.113.7');
      assert.ok(Date.parse(byToken.date) > Date.parse(bySession.date));
      assert.match(bySession.request_id ?? '', /^[0-9a-f-]{36}$/);
    });

    it('filters by actor, action, target, person and date range, and pages with a count', async () => {
      assert.deepEqual(actions(await list(`?actor_id=${admin.id}&action=user.updated`)), [
        'user.updated',
      ]);
      assert.equal((await list(`?actor=ADA%20ADM&action=token.created`)).count, 1);
      assert.equal((await list(`?actor=nobody-like-this`)).count, 0);
      // "%" is taken literally, not as a wildcard.
      assert.equal((await list(`?actor=%25`)).count, 0);
      assert.deepEqual(actions(await list(`?target=bobby`)), ['user.role_changed', 'user.updated']);
      assert.deepEqual(actions(await list(`?target=${encodeURIComponent(bob.email)}`)).sort(), [
        'user.role_changed',
        'user.updated',
      ]);
      assert.equal((await list(`?target_type=token&target_id=${apiToken.id}`)).count, 1);
      const history = await list(`?user_id=${bob.id}`);
      assert.deepEqual(actions(history), ['user.role_changed', 'user.updated']);

      const updated = (await list('?action=user.updated')).results[0]!;
      const at = Date.parse(updated.date);
      const iso = (ms: number) => new Date(ms).toISOString();
      assert.deepEqual(actions(await list(`?user_id=${bob.id}&date_from=${iso(at + 1)}`)), [
        'user.role_changed',
      ]);
      assert.deepEqual(actions(await list(`?user_id=${bob.id}&date_to=${iso(at + 1)}`)), [
        'user.updated',
      ]);
      // A date alone is a whole day (UTC): "to" that day includes it.
      const day = updated.date.slice(0, 10);
      assert.equal((await list(`?user_id=${bob.id}&date_from=${day}&date_to=${day}`)).count, 2);

      const all = await list(`?actor_id=${admin.id}&limit=1000`);
      assert.ok(all.count >= 3);
      const second = await list(`?actor_id=${admin.id}&limit=1&offset=1`);
      assert.equal(second.count, all.count);
      assert.deepEqual(second.results, [all.results[1]]);
    });

    it('refuses malformed filters with 400 naming the field', async () => {
      const cases: [string, string][] = [
        ['?date_from=yesterday', 'date_from'],
        ['?date_from=2026-12-02&date_to=2026-12-01', 'date_to'],
        ['?action=DROP%20TABLE', 'action'],
        ['?limit=0', 'limit'],
        ['?limit=1001', 'limit'],
        ['?offset=-1', 'offset'],
        ['?user_id=abc', 'user_id'],
        ['?actor_id=0', 'actor_id'],
        ['?format=xml', 'format'],
        ['?target_type=User%20Table', 'target_type'],
      ];
      for (const [query, field] of cases) {
        const response = await ctx().request(`${PATH}${query}`, { token: adminToken });
        assert.equal(response.status, 400, query);
        const body = (await response.json()) as { errors: Record<string, string[]> };
        assert.deepEqual(Object.keys(body.errors), [field], query);
      }
    });

    it('answers Administrators only: other roles get 403, and the refusal is itself audited', async () => {
      for (const role of [ROLE.users, ROLE.engineers, ROLE.purgeApiWeb]) {
        const member = await ctx().fixtures.member(accountId, { role });
        const token = await ctx().tokenFor(member.id, accountId);
        const response = await ctx().request(PATH, { token });
        assert.equal(response.status, 403, `role ${role}`);
        const csv = await ctx().request(`${PATH}?format=csv`, { token });
        assert.equal(csv.status, 403, `role ${role}, csv`);
        const refused = await list(`?actor_id=${member.id}&action=permission.denied`);
        assert.equal(refused.results[0]?.target?.id, 'activity.read');
      }
      const anonymous = await ctx().request(PATH);
      assert.equal(anonymous.status, 401);
    });

    it("never shows another account's rows, not even when asked for its people", async () => {
      const stranger = await ctx().fixtures.member(otherAccountId, { role: ROLE.administrators });
      const strangerToken = await ctx().tokenFor(stranger.id, otherAccountId);
      const theirs = await list('?limit=1000', strangerToken);
      assert.ok(theirs.results.every((entry) => entry.actor?.id !== admin.id));
      assert.equal((await list(`?user_id=${bob.id}`, strangerToken)).count, 0);
      assert.equal((await list(`?actor_id=${admin.id}`, strangerToken)).count, 0);
      const ours = await list('?limit=1000');
      assert.ok(ours.results.every((entry) => entry.actor?.name !== 'Somebody Else'));
      const csv = await ctx().request(`${PATH}?format=csv&user_id=${bob.id}`, {
        token: strangerToken,
      });
      assert.equal((await csv.text()).replace(/^\uFEFF/, '').split('\r\n').length, 2);
    });

    it('exports the filtered rows as CSV, formulas defused', async () => {
      for (const init of [
        { query: `?user_id=${bob.id}&format=csv` },
        { query: `?user_id=${bob.id}`, accept: 'text/csv' },
      ]) {
        const response = await ctx().request(`${PATH}${init.query}`, {
          token: adminToken,
          headers: init.accept ? { Accept: init.accept } : {},
        });
        assert.equal(response.status, 200);
        assert.match(response.headers.get('Content-Type') ?? '', /^text\/csv; charset=utf-8/);
        assert.match(response.headers.get('Content-Disposition') ?? '', /^attachment; filename=/);
        const text = await response.text();
        const lines = text.replace(/^\uFEFF/, '').split('\r\n');
        assert.equal(lines.pop(), '');
        assert.equal(lines[0]?.split(',')[0], 'date');
        assert.equal(lines.length, 3, text);
        assert.match(lines[1]!, /^[^,]+,user\.role_changed,/);
        // The formula is text now, and the comma stays inside its quoted cell.
        assert.ok(
          lines[2]!.includes(`,"'=HYPERLINK(""http://evil.test""),Bobby",${bob.email},`),
          lines[2],
        );
        assert.ok(!lines.slice(1).some((line) => line.split(',').some((c) => /^[=+@-]/.test(c))));
      }
    });

    it('streams an export a batch at a time without skipping or repeating rows', async () => {
      const at = new Date('2026-11-20T08:00:00.000Z');
      const target = await ctx().fixtures.member(accountId);
      // Same instant for several rows: the cursor must tell them apart by id.
      for (let i = 0; i < 7; i++) {
        await recordAudit(ctx().db, {
          accountId,
          actorUserId: admin.id,
          action: 'user.updated',
          targetType: 'user',
          targetId: target.id,
          details: { i },
          at: i < 4 ? at : new Date(at.getTime() + i * 1234),
        });
      }
      const seen: number[] = [];
      let batches = 0;
      for await (const batch of allActivity(ctx().db, accountId, { user_id: target.id }, 2)) {
        batches++;
        seen.push(...batch.map((entry) => entry.details.i as number));
      }
      assert.equal(batches, 4);
      assert.deepEqual(seen, [6, 5, 4, 3, 2, 1, 0]);
      const page = await list(`?user_id=${target.id}&limit=100`);
      assert.deepEqual(
        page.results.map((entry) => entry.details.i),
        seen,
      );
    });

    it('keeps the history of a removed member, named as the account knew them', async () => {
      const carol = await ctx().fixtures.member(accountId, { name: 'Carol Leaving' });
      const carolToken = await ctx().tokenFor(carol.id, accountId);
      const own = await ctx().request(`/iam/users/${carol.id}`, {
        method: 'PATCH',
        token: carolToken,
        json: { lang: 'de' },
      });
      assert.equal(own.status, 200);
      const removed = await ctx().request(`/iam/clients/${accountId}/client-users/${carol.id}`, {
        method: 'DELETE',
        token: adminToken,
      });
      assert.equal(removed.status, 200, await removed.text());
      const history = await list(`?user_id=${carol.id}`);
      assert.deepEqual(actions(history), ['user.removed', 'user.updated']);
      assert.deepEqual(history.results[0]?.target, {
        type: 'user',
        id: String(carol.id),
        name: 'Carol Leaving',
        email: carol.email,
      });
      assert.equal(history.results[1]?.actor?.name, 'Carol Leaving');
      // Deleting the person's row outright is refused while history points at it.
      await assert.rejects(ctx().db.deleteFrom('users').where('id', '=', carol.id).execute());
      assert.equal((await list(`?user_id=${carol.id}`)).count, 2);
    });

    it('is append-only: UPDATE, DELETE and TRUNCATE of audit rows fail, for the owner too', async () => {
      const db = ctx().db;
      const before = await list(`?user_id=${bob.id}`);
      await assert.rejects(
        db.updateTable('audit_log').set({ action: 'nothing.happened' }).execute(),
        /append-only/,
      );
      await assert.rejects(db.deleteFrom('audit_log').execute(), /append-only/);
      await assert.rejects(sql`truncate audit_log`.execute(db), /append-only/);
      assert.deepEqual(await list(`?user_id=${bob.id}`), before);
      // A user's, account's or token's deletion never rewrites a row (no `on delete set null`).
      const actions = await sql<{ action: string }>`select confdeltype as action from pg_constraint
        where conrelid = 'audit_log'::regclass and contype = 'f'`.execute(db);
      assert.deepEqual(
        actions.rows.map((row) => row.action),
        ['a', 'a', 'a'],
      );
    });

    if (dialect === 'postgres') {
      it('on PostgreSQL, denies the owner UPDATE and DELETE by privilege, before any trigger', async () => {
        const db = ctx().db;
        const role = `um_audit_owner_${process.pid}_${Math.floor(Math.random() * 1e6)}`;
        for (const statement of [
          sql`update audit_log set action = 'nothing.happened'`,
          sql`delete from audit_log`,
          sql`truncate audit_log`,
        ]) {
          // A non-superuser role that owns the table, as a BFF's database user would; all of it
          // (the role too) is rolled back with the failed transaction.
          await assert.rejects(
            db.transaction().execute(async (trx) => {
              await sql`create role ${sql.id(role)}`.execute(trx);
              await sql`alter table audit_log owner to ${sql.id(role)}`.execute(trx);
              await sql`set local role ${sql.id(role)}`.execute(trx);
              await statement.execute(trx);
            }),
            /permission denied for table audit_log/,
          );
        }
        const stillThere = await sql<{ n: string }>`select count(*) as n from pg_roles
          where rolname = ${role}`.execute(db);
        assert.equal(Number(stillThere.rows[0]?.n), 0);
      });
    }
  },
  { TRUST_PROXY: 'true' },
);
