import { readFileSync, readdirSync } from 'node:fs';
import { brotliCompressSync, gzipSync } from 'node:zlib';
import { sql } from 'kysely';
import { build } from 'vite';
import { ROLE } from '../../shared/roles.ts';
import { DIALECTS } from '../support/databases.ts';
import { createTestContext } from '../support/context.ts';
import { benchReplicas } from './replicas.ts';

/**
 * `npm run bench`: first the widget's size as a host downloads it (the script, and each dictionary
 * it loads on first use), then the Users panel's queries on an account of 100,000 users, on PGlite and (with
 * DATABASE_URL) PostgreSQL. Prints milliseconds per request through the whole BFF and the plan of
 * the substring search. Figures only, no assertions: compare ratios within one run.
 */
const USERS = Number(process.env.BENCH_USERS ?? 100_000);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 20);

const QUERIES = [
  'limit=10',
  'limit=10&offset=50000',
  'limit=10&ordering=email',
  'limit=10&ordering=-name',
  'limit=10&email=user-4242',
  'limit=10&name=bench%20name%2099',
  'limit=10&role=1&role=5',
  'limit=10&status=invitation_expired',
  'limit=10&two_fa=true&lang=de',
  'limit=100&ordering=status',
];

await build({ logLevel: 'warn' });
console.log('widget bundle (dist/um/), bytes: raw / gzip / brotli');
for (const file of readdirSync('dist/um').sort()) {
  const bytes = readFileSync(`dist/um/${file}`);
  const sizes = [
    bytes.length,
    gzipSync(bytes, { level: 9 }).length,
    brotliCompressSync(bytes).length,
  ];
  console.log(`  ${file.padEnd(32)} ${sizes.map((n) => String(n).padStart(8)).join(' / ')}`);
}

for (const dialect of DIALECTS) {
  const ctx = await createTestContext(dialect);
  const accountId = await ctx.fixtures.account('Bench Co');
  const admin = await ctx.fixtures.member(accountId, { role: ROLE.administrators });
  const started = Date.now();
  // One set-based insert: generating 100,000 users through the API would measure argon2 instead.
  await sql`
    insert into users (email, name, lang, two_fa_enabled_at)
    select 'user-' || i || '@bench.test', 'Bench Name ' || i,
           (array['en','de','zh','ru'])[1 + i % 4], case when i % 7 = 0 then now() end
    from generate_series(1, ${USERS}) as i`.execute(ctx.db);
  await sql`
    insert into memberships (account_id, user_id, role_id, invitation_expires_at, accepted_at)
    select ${accountId}, u.id, (array[1,5,3009,3022,2])[1 + u.id % 5],
           case when u.id % 3 = 0 then now() + (case when u.id % 2 = 0 then interval '1 day' else interval '-1 day' end) end,
           case when u.id % 3 <> 0 then now() end
    from users u where u.email like '%@bench.test'`.execute(ctx.db);
  await sql`analyze`.execute(ctx.db);
  console.log(
    `\n${dialect.name}: ${USERS} users seeded in ${((Date.now() - started) / 1000).toFixed(1)} s`,
  );

  const token = await ctx.tokenFor(admin.id, accountId);
  for (const query of QUERIES) {
    await ctx.request(`/iam/users?${query}`, { token }); // warm-up
    const t0 = performance.now();
    for (let round = 0; round < ROUNDS; round++) {
      const response = await ctx.request(`/iam/users?${query}`, { token });
      if (response.status !== 200) throw new Error(`${query}: ${response.status}`);
      await response.arrayBuffer();
    }
    const perRequest = (performance.now() - t0) / ROUNDS;
    console.log(
      `  GET /iam/users?${query.padEnd(40)} ${perRequest.toFixed(1).padStart(7)} ms/request`,
    );
  }
  const plan = await sql<{ 'QUERY PLAN': string }>`
    explain select u.id from memberships m join users u on u.id = m.user_id
    where m.account_id = ${accountId} and u.email like '%user-4242%' order by u.id limit 10`.execute(
    ctx.db,
  );
  console.log('  plan of the email substring search:');
  for (const row of plan.rows) console.log(`    ${row['QUERY PLAN']}`);
  await ctx.close();
}

if (process.env.DATABASE_URL) console.log(`\n${await benchReplicas(process.env.DATABASE_URL)}`);
