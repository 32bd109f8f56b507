import assert from 'node:assert/strict';
import { setTimeout as sleep } from 'node:timers/promises';
import { after, it } from 'node:test';
import type { InviteRowResult } from '../../shared/invitations.ts';
import { ROLE } from '../../shared/roles.ts';
import { eachDatabase, type TestContext } from '../../test/support/context.ts';
import { TestSmtpServer } from '../../test/support/smtp.ts';
import { OutboxSender } from '../mail/outbox.ts';
import { mailboxTransport, smtpTransport } from '../mail/transports.ts';

let sequence = 0;
const freshEmail = (label: string) => `${label}-${Date.now().toString(36)}-${sequence++}@bulk.test`;
const USERS = { id: ROLE.users, name: 'Users' };

const count = async (ctx: TestContext, table: 'users' | 'memberships' | 'audit_log') =>
  Number(
    (
      await ctx.db
        .selectFrom(table)
        .select((eb) => eb.fn.countAll().as('n'))
        .executeTakeFirstOrThrow()
    ).n,
  );
const outboxTo = async (ctx: TestContext, emails: string[]) =>
  (
    await ctx.db
      .selectFrom('email_outbox')
      .select('recipient')
      .where('recipient', 'in', emails)
      .execute()
  ).map((row) => row.recipient);

/** A new account with an administrator, and a way to send batches as them. */
async function administrator(ctx: TestContext) {
  const accountId = await ctx.fixtures.account('Bulk Co');
  const admin = await ctx.fixtures.member(accountId, { role: ROLE.administrators });
  const token = await ctx.tokenFor(admin.id, accountId);
  const send = (users: unknown[], extra: Record<string, unknown> = {}, as = token) =>
    ctx.request('/iam/clients/invite_users', {
      method: 'POST',
      token: as,
      json: { client_id: accountId, users, ...extra },
    });
  const results = async (users: unknown[], extra: Record<string, unknown> = {}) => {
    const response = await send(users, extra);
    assert.equal(response.status, 200, await response.clone().text());
    return ((await response.json()) as { results: InviteRowResult[] }).results;
  };
  return { accountId, admin, token, send, results };
}

eachDatabase(
  'bulk invitations',
  (ctx) => {
    const smtp = new TestSmtpServer();
    after(() => smtp.close());

    it('answers every kind of bad row in its place and invites the others, one email each', async () => {
      const { accountId, results } = await administrator(ctx());
      const member = await ctx().fixtures.member(accountId);
      const pending = await ctx().fixtures.member(accountId, { status: 'not_activated' });
      const otherAccount = await ctx().fixtures.account();
      const foreignProject = await ctx().fixtures.project(otherAccount);
      const project = await ctx().fixtures.project(accountId);
      const [a, b, c] = [freshEmail('a'), freshEmail('b'), freshEmail('c')];
      const rows = [
        { email: a, user_role: USERS, name: 'Ann', lang: 'de' },
        { email: 'not an email', user_role: USERS },
        { email: freshEmail('norole') },
        { email: freshEmail('extra'), user_role: USERS, is_admin: true },
        {
          email: freshEmail('foreign'),
          user_role: USERS,
          cloud: { projects: [{ project_id: foreignProject, role: 'Observer' }] },
        },
        { email: ` ${a.toUpperCase()} `, user_role: USERS },
        { email: member.email, user_role: USERS },
        { email: pending.email, user_role: USERS },
        {
          email: b,
          user_role: { id: ROLE.engineers },
          cloud: { projects: [{ project_id: project, role: 'Observer' }] },
        },
        'not even an object',
        { email: c, user_role: USERS, cloud: { client_role: 'ClientAdministrator' } },
        { email: freshEmail('over'), user_role: USERS },
      ];
      const answer = await results(rows);

      assert.deepEqual(
        answer.map((r) => [r.index, r.status]),
        [
          [0, 'invited'],
          [1, 'invalid'],
          [2, 'invalid'],
          [3, 'invalid'],
          [4, 'invalid'],
          [5, 'duplicate'],
          [6, 'already_member'],
          [7, 'already_invited'],
          [8, 'invited'],
          [9, 'invalid'],
          [10, 'invited'],
          [11, 'over_allowance'], // INVITES_PER_DAY is 3 here
        ],
      );
      assert.deepEqual(answer[1].errors, { email: ['Enter a valid email address.'] });
      assert.deepEqual(answer[2].errors, { user_role: ['This field is required.'] });
      assert.deepEqual(answer[3].errors, { non_field_errors: ['Unknown field(s): is_admin.'] });
      assert.deepEqual(answer[4].errors, { 'cloud.projects.0.project_id': ['Project not found.'] });
      assert.ok(answer[9].errors?.non_field_errors, JSON.stringify(answer[9]));
      assert.equal(answer[5].email, a, 'the email as the BFF reads it');
      assert.equal(answer[6].user_id, member.id);
      assert.equal(answer[7].user_id, pending.id);
      assert.match(answer[11].message ?? '', /at most 3 users a day/);

      const invited = [answer[0], answer[8], answer[10]];
      const roles = await ctx()
        .db.selectFrom('memberships')
        .select(['user_id', 'role_id', 'invited_lang', 'invited_name'])
        .where('account_id', '=', accountId)
        .where(
          'user_id',
          'in',
          invited.map((r) => r.user_id!),
        )
        .orderBy('role_id')
        .execute();
      assert.equal(roles.length, 3);
      assert.deepEqual(
        roles.find((r) => r.user_id === answer[0].user_id),
        {
          user_id: answer[0].user_id,
          role_id: ROLE.users,
          invited_lang: 'de',
          invited_name: 'Ann',
        },
      );
      assert.equal(roles.find((r) => r.user_id === answer[8].user_id)?.role_id, ROLE.engineers);
      const cloud = await ctx()
        .db.selectFrom('cloud_role_assignments')
        .select(['user_id', 'project_id', 'role'])
        .where('account_id', '=', accountId)
        .where('user_id', 'in', [answer[8].user_id!, answer[10].user_id!])
        .orderBy('role')
        .execute();
      assert.deepEqual(cloud, [
        { user_id: answer[10].user_id, project_id: null, role: 'ClientAdministrator' },
        { user_id: answer[8].user_id, project_id: project, role: 'Observer' },
      ]);
      assert.deepEqual(
        (await outboxTo(ctx(), [a, b, c, member.email, pending.email])).sort(),
        [a, b, c].sort(),
        'one email per invited person, none to those already in the account',
      );
    });

    it('invites no one twice when the same batch is sent twice at once, and again later', async () => {
      const { accountId, results, send } = await administrator(ctx());
      const emails = [freshEmail('twice'), freshEmail('twice'), freshEmail('twice')];
      const rows = emails.map((email) => ({ email, user_role: USERS }));
      const answers = await Promise.all([send(rows), send(rows)]);
      assert.deepEqual(
        answers.map((r) => r.status),
        [200, 200],
      );
      const [first, second] = (await Promise.all(answers.map((r) => r.json()))) as {
        results: InviteRowResult[];
      }[];
      emails.forEach((email, i) => {
        const statuses = [first.results[i].status, second.results[i].status].sort();
        assert.deepEqual(statuses, ['already_invited', 'invited'], email);
        assert.equal(first.results[i].user_id, second.results[i].user_id);
      });
      const again = await results(rows);
      assert.deepEqual(
        again.map((r) => r.status),
        ['already_invited', 'already_invited', 'already_invited'],
        'the allowance (3) is used up, yet the answer is "already invited"',
      );
      const memberships = await ctx()
        .db.selectFrom('memberships as m')
        .innerJoin('users as u', 'u.id', 'm.user_id')
        .innerJoin('invitations as i', (join) =>
          join.onRef('i.user_id', '=', 'm.user_id').onRef('i.account_id', '=', 'm.account_id'),
        )
        .select('u.email')
        .where('m.account_id', '=', accountId)
        .where('u.email', 'in', emails)
        .execute();
      assert.equal(memberships.length, 3, 'one membership and one link per person');
      assert.deepEqual((await outboxTo(ctx(), emails)).sort(), [...emails].sort());
    });

    it('delivers one email per person over real SMTP, however often the batch is sent', async () => {
      await new OutboxSender(ctx().db, mailboxTransport(ctx().db), ctx().clock, 1000).runOnce();
      const port = await smtp.listen();
      const sender = new OutboxSender(
        ctx().db,
        smtpTransport(`smtp://127.0.0.1:${port}`, 'Bulk <no-reply@um.test>'),
        ctx().clock,
      );
      const { results } = await administrator(ctx());
      const emails = [freshEmail('smtp'), freshEmail('smtp')];
      const rows = emails.map((email) => ({ email, user_role: USERS }));
      await Promise.all([results(rows), results(rows)]);
      await results(rows);
      assert.equal(await sender.runOnce(), 2);
      assert.equal(await sender.runOnce(), 0);
      const to = smtp.received.map((mail) =>
        mail.to && !Array.isArray(mail.to) ? mail.to.text : '',
      );
      assert.deepEqual(to.sort(), [...emails].sort());
    });

    it('previews with dry_run: the same answers, and nothing changes', async () => {
      const { accountId, results } = await administrator(ctx());
      const member = await ctx().fixtures.member(accountId);
      const rows = [
        { email: freshEmail('dry'), user_role: USERS },
        { email: member.email, user_role: USERS },
        { email: freshEmail('dry'), user_role: USERS },
        { email: 'nope', user_role: USERS },
        { email: freshEmail('dry'), user_role: USERS },
        { email: freshEmail('dry'), user_role: USERS },
      ];
      const before = await Promise.all(
        (['users', 'memberships', 'audit_log'] as const).map((t) => count(ctx(), t)),
      );
      const preview = await results(rows, { dry_run: true });
      assert.deepEqual(
        preview.map((r) => r.status),
        ['valid', 'already_member', 'valid', 'invalid', 'valid', 'over_allowance'],
      );
      assert.equal(preview[0].user_id, undefined, 'no one was created');
      const afterwards = await Promise.all(
        (['users', 'memberships', 'audit_log'] as const).map((t) => count(ctx(), t)),
      );
      assert.deepEqual(afterwards, before);
      assert.deepEqual(
        await outboxTo(
          ctx(),
          rows.map((r) => r.email),
        ),
        [],
      );
      const sent = await results(rows);
      assert.deepEqual(
        sent.map((r) => r.status),
        ['invited', 'already_member', 'invited', 'invalid', 'invited', 'over_allowance'],
        'sending does what the preview said',
      );
    });

    it('refuses a batch of more than 100 rows, an empty one and a malformed one, naming the field', async () => {
      const { send } = await administrator(ctx());
      const before = await count(ctx(), 'users');
      const rows = Array.from({ length: 101 }, () => ({
        email: freshEmail('many'),
        user_role: USERS,
      }));
      for (const [users, message] of [
        [rows, 'Ensure this field has no more than 100 elements.'],
        [[], 'Ensure this field has at least 1 element.'],
        [undefined, 'This field is required.'],
      ] as const) {
        const response = await send(users as unknown[]);
        assert.equal(response.status, 400);
        const body = await response.json();
        assert.equal(body.code, 'validation_failed');
        assert.deepEqual(body.errors, { users: [message] });
      }
      const nul = await send([{ email: freshEmail('nul'), user_role: USERS, name: 'Nu\u0000l' }]);
      assert.equal(nul.status, 400, 'a NUL character anywhere refuses the batch');
      assert.deepEqual((await nul.json()).errors, {
        'users.name': ['Null characters are not allowed.'],
      });
      const extra = await send(rows.slice(0, 1), { is_admin: true });
      assert.equal(extra.status, 400);
      assert.deepEqual((await extra.json()).errors, {
        non_field_errors: ['Unknown field(s): is_admin.'],
      });
      assert.equal(await count(ctx(), 'users'), before);
      const hundred = await send(rows.slice(0, 100), { dry_run: true });
      assert.equal(hundred.status, 200, 'exactly 100 is fine');
    });

    it("answers 404 for another account's id and 403 for a member who is not an Administrator, changing nothing", async () => {
      const { accountId, send } = await administrator(ctx());
      const otherAccount = await ctx().fixtures.account();
      const rows = [{ email: freshEmail('refused'), user_role: USERS }];
      const otherAdmin = (await administrator(ctx())).token;
      const engineer = await ctx().fixtures.member(accountId, { role: ROLE.engineers });
      const engineerToken = await ctx().tokenFor(engineer.id, accountId);
      const before = await count(ctx(), 'memberships');
      const foreign = await ctx().request('/iam/clients/invite_users', {
        method: 'POST',
        token: otherAdmin,
        json: { client_id: accountId, users: rows },
      });
      assert.equal(foreign.status, 404);
      const refused = await send(rows, {}, engineerToken);
      assert.equal(refused.status, 403);
      assert.equal((await send(rows, { client_id: otherAccount })).status, 404);
      assert.equal(await count(ctx(), 'memberships'), before);
      assert.deepEqual(await outboxTo(ctx(), [rows[0].email]), []);
    });

    it('answers each row "refused" when the administrator is demoted while the batch is on its way', async () => {
      const { accountId, admin, send } = await administrator(ctx());
      const emails = [freshEmail('demoted'), freshEmail('demoted')];
      let answer: Promise<Response> | undefined;
      // As test/server/demoted-in-flight.test.ts: the demotion holds the membership row while the
      // request starts. On PostgreSQL the request authenticates (a plain read) and each row then
      // waits for that row; PGlite runs one query at a time, so there the request is refused whole.
      await ctx()
        .db.transaction()
        .execute(async (trx) => {
          await trx
            .updateTable('memberships')
            .set({ role_id: ROLE.users })
            .where('account_id', '=', accountId)
            .where('user_id', '=', admin.id)
            .execute();
          answer = send(emails.map((email) => ({ email, user_role: USERS })));
          await sleep(ctx().dialect === 'postgres' ? 300 : 0);
        });
      const response = await answer!;
      if (ctx().dialect === 'postgres') {
        assert.equal(response.status, 200);
        const { results } = (await response.json()) as { results: InviteRowResult[] };
        assert.deepEqual(
          results.map((r) => [r.status, r.code]),
          [
            ['refused', 'forbidden'],
            ['refused', 'forbidden'],
          ],
        );
      } else assert.equal(response.status, 403);
      assert.deepEqual(await outboxTo(ctx(), emails), []);
      const created = await ctx()
        .db.selectFrom('users')
        .select('id')
        .where('email', 'in', emails)
        .execute();
      assert.deepEqual(created, []);
    });

    it('lets invite_user answer "already invited" even when the day\'s allowance is used up', async () => {
      const { accountId, token, results } = await administrator(ctx());
      const rows = [1, 2, 3].map(() => ({ email: freshEmail('single'), user_role: USERS }));
      await results(rows);
      const again = await ctx().request('/iam/clients/invite_user', {
        method: 'POST',
        token,
        json: { client_id: accountId, ...rows[0] },
      });
      assert.equal(again.status, 400);
      assert.equal((await again.json()).code, 'already_invited');
    });
  },
  { INVITES_PER_DAY: '3' },
);
