import assert from 'node:assert/strict';
import { before, it } from 'node:test';
import { sql } from 'kysely';
import { eachDatabase } from '../../test/support/context.ts';
import { planLines } from '../../test/support/plans.ts';
import { PLANNED_EACH_TIME } from '../db/connect.ts';
import { pageSql, type ActivityFilters } from './repository.ts';

/**
 * The action filter reads the account's rows of that action only (migration 0012, decision
 * 038): through the account's index alone, a rare action walked the whole trail for its page
 * and again for its count. Checked on the plan of the statement the BFF sends, for a trail of
 * 20,000 rows of which 4 are the rare action, and for a common one (the same index, in order).
 */
const ROWS = 20_000;
const RARE_EVERY = 5_000;
const PEOPLE = 250;

eachDatabase('audit trail plans', (ctx) => {
  let account: number;

  before(async () => {
    const { fixtures, db } = ctx();
    account = await fixtures.account('Busy trail');
    // 250 people act in turn, each on the next one.
    await sql`
      insert into users (email, name, lang)
      select 'p-' || i || '@plans.test', 'Person ' || i, 'en' from generate_series(1, ${PEOPLE}) i`.execute(
      db,
    );
    await sql`
      insert into audit_log (occurred_at, account_id, action, actor_user_id, actor_email, actor_name,
                             target_type, target_id, target_email, target_name)
      select now() - k * interval '1 minute', ${account}::int,
             case when k % ${RARE_EVERY} = 17 then 'two_fa.disable_requested'
                  when k % 10 = 0 then 'user.role_changed'
                  else 'auth.signed_in' end,
             u.id, u.email, u.name, 'user', t.id::text, t.email, t.name
      from generate_series(1, ${ROWS}) k
      join users u on u.email = 'p-' || (1 + k % ${PEOPLE}) || '@plans.test'
      join users t on t.email = 'p-' || (1 + (k + 1) % ${PEOPLE}) || '@plans.test'`.execute(db);
    await sql`analyze`.execute(db);
  });

  /** A page's statement (page and bounded count) for `filters`, as the BFF sends it. */
  const statementOf = (filters: ActivityFilters, offset = 0) =>
    pageSql({
      accountId: account,
      filters,
      limit: 11,
      offset,
      seek: undefined,
      count: true,
    }).compile(ctx().db);
  /** The plan's lines of that statement. */
  async function planOf(filters: ActivityFilters, explain = 'explain', offset = 0) {
    return (await planLines(ctx().db, statementOf(filters, offset), explain)).join('\n');
  }

  it("skips an offset's rows before it looks up their tokens' names", async () => {
    // Joined first, `offset=500000` of the bench's trail looked up a token for each skipped row.
    const plan = await planOf({}, 'explain (analyze, costs off, timing off)', ROWS - 100);
    const tokens = plan.split('\n').filter((line) => /on api_tokens/.test(line));
    assert.equal(tokens.length, 1, plan);
    const loops = Number(/loops=(\d+)/.exec(tokens[0]!)?.[1]);
    assert.ok(loops <= 11, plan);
  });

  for (const action of ['two_fa.disable_requested', 'user.role_changed']) {
    it(`reads ${action} rows through the action's index, for the page and the count`, async () => {
      const plan = await planOf({ action: [action] });
      // The page's scan and the count's (an index scan, or a bitmap of it): the action's index.
      assert.equal(plan.match(/audit_log_account_action/g)?.length, 2, plan);
      assert.doesNotMatch(plan, /\baudit_log_account\b|Seq Scan on audit_log/, plan);
    });
  }

  /** The plan's lines of the nodes that ran (EXPLAIN ANALYZE marks the others "never executed"). */
  const ran = async (filters: ActivityFilters) =>
    (await planOf(filters, 'explain (analyze, costs off, timing off)'))
      .split('\n')
      .filter((line) => !/never executed/.test(line))
      .join('\n');

  // A text naming a few of the 250 people (migration 0013): their names (by the search keys where
  // there are many), then their rows by the actor's or the target's index, for the page and the
  // count; the walk of the trail is planned beside it and never runs.
  const texts: [string, ActivityFilters][] = [
    ['actor', { actor: 'p-17@plans' }],
    ['target', { target: 'person 17' }],
  ];
  for (const [name, filters] of texts) {
    it(`reads a rare ${name} text's rows through the names and the ${name}'s index`, async () => {
      const plan = await ran(filters);
      assert.match(plan, new RegExp(`on audit_${name}_names`), plan);
      // The names are read three times: once for the gate (one CTE for every way that asks it),
      // once for the page's rows, once for the count's.
      assert.equal(plan.match(new RegExp(`on audit_${name}_names`, 'g'))?.length, 3, plan);
      assert.equal(
        plan.match(new RegExp(`using audit_log_account_${name}\\b`, 'g'))?.length,
        2,
        plan,
      );
      assert.doesNotMatch(plan, /\baudit_log_account\b|Seq Scan on audit_log/, plan);
    });
  }

  // A text naming every one of them: reading all their rows to sort them would read the trail;
  // walking it in order meets a page of matches at once. The names' way never runs.
  it('walks the trail for a text that names many', async () => {
    const plan = await ran({ actor: '@plans.test' });
    assert.doesNotMatch(plan, /audit_log_account_actor/, plan);
    assert.match(plan, /audit_log_account\b|Seq Scan on audit_log/, plan);
    // Each way stops by itself, the page's at its rows and the count's at the bound: the ways'
    // append never carries every match (appended first, the walk's 108,891 were sorted whole).
    const appended = [...plan.matchAll(/Append \(actual rows=(\d+)/g)].map((m) => Number(m[1]));
    assert.deepEqual(
      appended.sort((x, y) => x - y),
      [11, 1001],
      plan,
    );
  });

  it('plans a statement with a text each time, never as a kept generic plan', () => {
    const statement = (filters: ActivityFilters) => statementOf(filters).sql;
    assert.ok(statement({ actor: 'p-17' }).startsWith(PLANNED_EACH_TIME));
    assert.ok(statement({ target: 'p-17' }).startsWith(PLANNED_EACH_TIME));
    // Without one, the named statement's plan may be kept (decision 033).
    assert.ok(!statement({ action: ['user.role_changed'] }).startsWith(PLANNED_EACH_TIME));
  });
});
