import type { BenchContext, BenchRequest, Scenario } from './scenario.ts';
import { lastPageCursor } from '../../shared/users-cursor.ts';
import { BENCH_PASSWORD } from './seed.ts';

/**
 * The Users panel as it is used: every filter and ordering it offers on the big account, the
 * first page of each account size, deep pages by `offset` and by following `next`, the list
 * without `limit`, one user, the token list, sign-in, and the same page through an API token.
 */
export const scenario: Scenario = {
  name: 'users',
  async requests(ctx) {
    const { big, mid } = ctx.accounts;
    const FIRST = `users ?limit=10 (${big.members})`;
    const MID = `users ?limit=10 (${mid.members})`;
    const list = (
      name: string,
      query: string,
      extra: Partial<BenchRequest> = {},
    ): BenchRequest => ({
      name,
      path: `/iam/users?${query}`,
      as: 'big',
      versus: FIRST,
      sql: true,
      ...extra,
    });
    const half = Math.floor(big.members / 2);
    const deep = Math.floor(big.members * 0.9);
    const panel = await panelPaths(ctx, deep);
    return [
      list(FIRST, 'limit=10', { versus: MID }),
      list(MID, 'limit=10', { as: 'mid' }),
      list(`users ?limit=10 (${ctx.accounts.small.members})`, 'limit=10', { as: 'small' }),
      list('users ?limit=10 via API token', 'limit=10', { as: 'apikey' }),
      list(`users offset=${half}`, `limit=10&offset=${half}`),
      list(`users offset=${deep}`, `limit=10&offset=${deep}`),
      list(`users next after offset=${deep}`, await nextAfter(ctx, `limit=10&offset=${deep}`)),
      list('users ordering=email', 'limit=10&ordering=email'),
      list('users ordering=-email', 'limit=10&ordering=-email'),
      list(`users ordering=email offset=${deep}`, `limit=10&ordering=email&offset=${deep}`),
      list(
        `users ordering=email next after ${deep}`,
        await nextAfter(ctx, `limit=10&ordering=email&offset=${deep}`),
      ),
      ...panel.map(([name, query]) => list(name, query)),
      list('users ordering=name', 'limit=10&ordering=name'),
      list('users ordering=-name', 'limit=10&ordering=-name'),
      list('users ordering=role', 'limit=10&ordering=role'),
      list('users ordering=-role', 'limit=10&ordering=-role'),
      list('users ordering=lang', 'limit=10&ordering=lang'),
      list('users ordering=status', 'limit=10&ordering=status'),
      list('users ordering=-status', 'limit=10&ordering=-status'),
      list('users ordering=-id', 'limit=10&ordering=-id'),
      list('users email=user-4242 (rare)', 'limit=10&email=user-4242'),
      list('users email=user-1 (common)', 'limit=10&email=user-1'),
      list('users name=bench name 99', 'limit=10&name=bench%20name%2099'),
      // A common search whose matches lie far from where the ordering starts: the newest first
      // (`user-1…` are the oldest), emails from the end, names from the end.
      list('users email=user-1 ordering=-status', 'limit=10&email=user-1&ordering=-status'),
      list('users email=user-1 ordering=-email', 'limit=10&email=user-1&ordering=-email'),
      list(
        'users name=bench name 1 ordering=-name',
        'limit=10&name=bench%20name%201&ordering=-name',
      ),
      list('users id=4242', 'limit=10&id=4242'),
      list('users role=1,5', 'limit=10&role=1&role=5'),
      list('users status=invitation_expired', 'limit=10&status=invitation_expired'),
      list('users status=not_activated', 'limit=10&status=not_activated'),
      list('users lang=de', 'limit=10&lang=de'),
      list('users two_fa=true', 'limit=10&two_fa=true'),
      list(
        'users two_fa=true&lang=de ordering=-email',
        'limit=10&two_fa=true&lang=de&ordering=-email',
      ),
      list('users ?limit=100 ordering=status', 'limit=100&ordering=status'),
      list(`users without limit (${big.members})`, '', {
        clients: [1],
        maxRequests: 3,
        versus: undefined,
      }),
      {
        name: 'GET /iam/users/{id}',
        path: `/iam/users/${half}`,
        as: 'big',
        sql: true,
        versus: FIRST,
      },
      {
        name: 'token list',
        path: `/iam/v2/clients/${big.id}/tokens`,
        as: 'big',
        sql: true,
        versus: FIRST,
      },
      {
        name: 'sign-in',
        method: 'POST',
        path: '/iam/auth/jwt/login',
        body: { username: ctx.accounts.mid.adminEmail, password: BENCH_PASSWORD },
        // One client: concurrent sign-ins at one address count as pending failures and are
        // throttled by design (server/auth/throttle.ts); the flood has its own scenario.
        clients: [1],
        maxRequests: ctx.mode === 'full' ? 40 : 10,
      },
    ];
  },
  // Issue 13's targets: the 100,000 account's first page at most 5× /health at one client and
  // 1.3× the 1,000 account's; a filter at most 2× the first page.
  comparisons(ctx) {
    const FIRST = `users ?limit=10 (${ctx.accounts.big.members})`;
    const MID = `users ?limit=10 (${ctx.accounts.mid.members})`;
    const RARE = 'users email=user-4242 (rare)';
    const HEALTH = 'GET /health';
    // Held to at most 2× the first page: the orderings, a deep page, the filters, the searches.
    const panel = [
      'users ordering=email',
      'users ordering=status',
      `panel page ${Math.floor(ctx.accounts.big.members * 0.9) / 10 + 1} by Next`,
      'users role=1,5',
      'users status=not_activated',
      'users lang=de',
      'users two_fa=true',
      'users two_fa=true&lang=de ordering=-email',
      'users id=4242',
      'users email=user-1 (common)',
      'users name=bench name 99',
      'users email=user-1 ordering=-status',
      'users email=user-1 ordering=-email',
      'users name=bench name 1 ordering=-name',
    ];
    return [
      {
        name: 'the first page by account size',
        requests: [FIRST, MID],
        ratios: [
          { of: FIRST, to: HEALTH, atMost: 5 },
          { of: FIRST, to: MID, atMost: 1.3 },
          { of: MID, to: HEALTH },
        ],
      },
      {
        name: 'a rare search against the first page',
        requests: [RARE, FIRST],
        ratios: [
          { of: RARE, to: FIRST, atMost: 2 },
          { of: RARE, to: HEALTH },
        ],
      },
      {
        name: "the panel's filters, orderings and depth against the first page",
        requests: [FIRST, ...panel],
        ratios: panel.map((name) => ({ of: name, to: FIRST, atMost: 2 })),
      },
    ];
  },
};

/** The `next` link of a page, as a path: deep paging the way a client follows it. */
async function nextAfter(ctx: BenchContext, query: string): Promise<string> {
  return linkOf(ctx, query, 'next');
}

async function linkOf(ctx: BenchContext, query: string, link: 'next' | 'previous') {
  const answer = await ctx.send({ name: 'setup', path: `/iam/users?${query}`, as: 'big' });
  const body = JSON.parse(answer.body.toString()) as { count: number } & Record<string, unknown>;
  const url = body[link];
  if (typeof url !== 'string') throw new Error(`no ${link} link of ${query}`);
  return new URL(url).search.slice(1);
}

/**
 * The requests the Users panel sends for Next, Previous and Last deep in the big account, in
 * each ordering it offers by default and by email, and Next in a common search. A checkout
 * whose BFF seeks backwards (decision 028) has a panel that pages by cursor; before it, the
 * panel sent offsets, so an older checkout is measured with those.
 */
async function panelPaths(ctx: BenchContext, deep: number): Promise<[string, string][]> {
  const probe = await ctx.send({
    name: 'setup',
    path: `/iam/users?limit=1&cursor=${lastPageCursor('id')}`,
    as: 'big',
  });
  const byCursor = probe.status === 200;
  const count = (
    JSON.parse(
      (await ctx.send({ name: 'setup', path: '/iam/users?limit=1', as: 'big' })).body.toString(),
    ) as { count: number }
  ).count;
  const pageNumber = deep / 10 + 1;
  const lastOffset = Math.floor((count - 1) / 10) * 10;
  const paths: [string, string][] = [];
  for (const ordering of ['', 'email']) {
    const order = ordering ? `&ordering=${ordering}` : '';
    const label = ordering ? `panel ordering=${ordering}` : 'panel';
    const at = (offset: number) => `limit=10${order}&offset=${offset}`;
    paths.push(
      [
        `${label} page ${pageNumber} by Next`,
        byCursor ? await linkOf(ctx, at(deep - 10), 'next') : at(deep),
      ],
      [
        `${label} Previous from page ${pageNumber}`,
        byCursor ? await linkOf(ctx, at(deep), 'previous') : at(deep - 10),
      ],
      [
        `${label} Last page`,
        byCursor
          ? `limit=${count - lastOffset}${order}&offset=${lastOffset}&cursor=${lastPageCursor(ordering)}`
          : at(lastOffset),
      ],
    );
  }
  const search = 'limit=10&email=user-1';
  paths.push([
    'panel email=user-1 page 2 by Next',
    byCursor ? await linkOf(ctx, search, 'next') : `${search}&offset=10`,
  ]);
  return paths;
}
