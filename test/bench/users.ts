import type { BenchContext, BenchRequest, Scenario } from './scenario.ts';
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
};

/** The `next` link of a page, as a path: deep paging the way a client follows it. */
async function nextAfter(ctx: BenchContext, query: string): Promise<string> {
  const answer = await ctx.send({ name: 'setup', path: `/iam/users?${query}`, as: 'big' });
  const next = (JSON.parse(answer.body.toString()) as { next: string | null }).next;
  if (!next) throw new Error(`no next link after ${query}`);
  return new URL(next).search.slice(1);
}
