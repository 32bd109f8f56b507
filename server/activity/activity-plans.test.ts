import assert from 'node:assert/strict';
import { before, it } from 'node:test';
import { CompiledQuery, sql } from 'kysely';
import { eachDatabase } from '../../test/support/context.ts';
import { pageSql, type ActivityFilters } from './repository.ts';

/**
 * The action filter reads the account's rows of that action only (migration 0012, decision
 * 038): through the account's index alone, a rare action walked the whole trail for its page
 * and again for its count. Checked on the plan of the statement the BFF sends, for a trail of
 * 20,000 rows of which 4 are the rare action, and for a common one (the same index, in order).
 */
const ROWS = 20_000;
const RARE_EVERY = 5_000;

eachDatabase('audit trail plans', (ctx) => {
  let account: number;

  before(async () => {
    const { fixtures, db } = ctx();
    account = await fixtures.account('Busy trail');
    await sql`
      insert into audit_log (occurred_at, account_id, action)
      select now() - k * interval '1 minute', ${account}::int,
             case when k % ${RARE_EVERY} = 17 then 'two_fa.disable_requested'
                  when k % 10 = 0 then 'user.role_changed'
                  else 'auth.signed_in' end
      from generate_series(1, ${ROWS}) k`.execute(db);
    await sql`analyze audit_log`.execute(db);
  });

  /** The plan's lines of a page's statement (page and bounded count) for `filters`. */
  async function planOf(filters: ActivityFilters) {
    const { db } = ctx();
    const statement = pageSql({
      accountId: account,
      filters,
      limit: 11,
      offset: 0,
      seek: undefined,
      count: true,
    }).compile(db);
    const { rows } = await db.executeQuery<{ 'QUERY PLAN': string }>(
      CompiledQuery.raw(`explain ${statement.sql}`, [...statement.parameters]),
    );
    return rows.map((row) => row['QUERY PLAN']).join('\n');
  }

  for (const action of ['two_fa.disable_requested', 'user.role_changed']) {
    it(`reads ${action} rows through the action's index, for the page and the count`, async () => {
      const plan = await planOf({ action: [action] });
      // The page's scan and the count's (an index scan, or a bitmap of it): the action's index.
      assert.equal(plan.match(/audit_log_account_action/g)?.length, 2, plan);
      assert.doesNotMatch(plan, /\baudit_log_account\b|Seq Scan on audit_log/, plan);
    });
  }
});
