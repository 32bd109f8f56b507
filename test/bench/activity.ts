import type { BenchContext, BenchRequest, Scenario } from './scenario.ts';
import { RARE_ACTION_EVERY } from './seed.ts';

/**
 * The Activity panel (the account's audit trail, test/bench/seed.ts `seedAuditTrail`) as it is
 * used: the first page of each account size, deep pages the way the panel reaches them and by
 * `offset`, and each kind of filter it offers, on the big account's million rows.
 */
export const scenario: Scenario = {
  name: 'activity',
  async requests(ctx) {
    const FIRST = 'activity ?limit=10 (big)';
    const MID = 'activity ?limit=10 (1,000 account)';
    const list = (
      name: string,
      query: string,
      extra: Partial<BenchRequest> = {},
    ): BenchRequest => ({
      name,
      path: `/iam/activity_log/actions?${query}`,
      as: 'big',
      versus: FIRST,
      sql: true,
      ...extra,
    });
    const deep = 50_000;
    const page = deep / 10 + 1;
    const { next, previous } = await panelPaths(ctx, deep);
    // A day's rows, a hundred days back (the seed writes a row a minute, newest now).
    const day = new Date(Date.now() - 100 * 24 * 3600 * 1000).toISOString().slice(0, 10);
    return [
      list(FIRST, 'limit=10', { versus: MID }),
      list(MID, 'limit=10', { as: 'mid' }),
      list('activity ?limit=10 (small account)', 'limit=10', { as: 'small' }),
      list(`activity page ${page} by Next`, next),
      list(`activity Previous from page ${page}`, previous),
      list('activity offset=500000', 'limit=10&offset=500000'),
      list('activity action=user.role_changed', 'limit=10&action=user.role_changed'),
      list(
        `activity action=two_fa.disable_requested (1 in ${RARE_ACTION_EVERY})`,
        'limit=10&action=two_fa.disable_requested',
      ),
      list('activity user_id=4242 (history)', 'limit=10&user_id=4242'),
      list('activity actor_id=4242', 'limit=10&actor_id=4242'),
      list('activity actor=bench name 1 (common text)', 'limit=10&actor=bench%20name%201'),
      list('activity actor=user-4242 (rare text)', 'limit=10&actor=user-4242'),
      list('activity target=user-4242 (rare text)', 'limit=10&target=user-4242'),
      list(`activity date_from=date_to=${day}`, `limit=10&date_from=${day}&date_to=${day}`),
    ];
  },
  comparisons() {
    const FIRST = 'activity ?limit=10 (big)';
    const MID = 'activity ?limit=10 (1,000 account)';
    const HEALTH = 'GET /health';
    return [
      {
        name: "the Activity panel's first page by account size",
        requests: [FIRST, MID],
        ratios: [
          { of: FIRST, to: HEALTH },
          { of: FIRST, to: MID },
        ],
      },
    ];
  },
};

/**
 * Next to page `deep / 10 + 1` and Previous from it, as the panel asks them: by the answer's
 * `next` and `previous` links where the BFF gives them, by offset before it did.
 */
async function panelPaths(ctx: BenchContext, deep: number) {
  const at = (offset: number) => `limit=10&offset=${offset}`;
  const links = async (query: string) => {
    const answer = await ctx.send({
      name: 'setup',
      path: `/iam/activity_log/actions?${query}`,
      as: 'big',
    });
    return JSON.parse(answer.body.toString()) as { next?: string | null; previous?: string | null };
  };
  const search = (link: string | null | undefined, fallback: string) =>
    link ? new URL(link).search.slice(1) : fallback;
  const [before, on] = [await links(at(deep - 10)), await links(at(deep))];
  return { next: search(before.next, at(deep)), previous: search(on.previous, at(deep - 10)) };
}
