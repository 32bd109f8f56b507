import { createHash } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { hash } from '@node-rs/argon2';
import pg from 'pg';
import { startBffProcess } from './bff.ts';

/**
 * The bench's data: many tenants on one PostgreSQL server, seeded with set-based SQL (generating
 * users through the API would measure argon2). Only columns every migration since 0004 has are
 * written (the audit trail's: since 0010), so an older checkout of the server gets the same rows.
 *
 * Built once per size and schema as a template database (`um_bench_tpl_…`), then copied for each
 * run (`create database … template …`, seconds), so every run starts from the same rows.
 */
export interface BenchSize {
  /** Members of the big account (account 1). */
  big: number;
  /** Members of the 1,000 account (account 2): half its own, half also members of account 1. */
  mid: number;
  /** Accounts 3 … sharing the remaining users. */
  small: number;
  users: number;
  /** Rows of the big account's audit trail. */
  auditBig: number;
}

export const SIZES: Record<'quick' | 'full', BenchSize> = {
  full: { big: 100_000, mid: 1_000, small: 998, users: 1_000_000, auditBig: 1_000_000 },
  quick: { big: 20_000, mid: 1_000, small: 100, users: 40_000, auditBig: 100_000 },
};

export const BENCH_PASSWORD = 'bench-password-1';
/** The API token `1_<secret>` of account 1's Administrator. */
export const API_TOKEN = `1_${'b'.repeat(43)}`;

export interface BenchAccount {
  id: number;
  adminId: number;
  adminEmail: string;
  members: number;
}

export function accountsOf(size: BenchSize) {
  const ownMid = size.mid / 2;
  const email = (id: number) => `user-${id}@bench.test`;
  return {
    big: { id: 1, adminId: 1, adminEmail: email(1), members: size.big },
    mid: { id: 2, adminId: size.big + 1, adminEmail: email(size.big + 1), members: size.mid },
    small: {
      id: 3,
      adminId: size.big + ownMid + 1,
      adminEmail: email(size.big + ownMid + 1),
      members: Math.ceil((size.users - size.big - ownMid) / size.small),
    },
  } satisfies Record<string, BenchAccount>;
}

/** A name for the app's schema and the rows seeded: the migrations it has, and this file. */
function schemaTag(appDir: string): string {
  const folder = join(appDir, 'server/db/migrations');
  const digest = createHash('sha256').update(readFileSync(fileURLToPath(import.meta.url)));
  for (const file of readdirSync(folder).sort())
    digest.update(file).update(readFileSync(join(folder, file)));
  return digest.digest('hex').slice(0, 10);
}

async function onServer<T>(serverUrl: string, work: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: serverUrl });
  await client.connect();
  try {
    return await work(client);
  } finally {
    await client.end();
  }
}

export function databaseUrl(serverUrl: string, name: string): string {
  const url = new URL(serverUrl);
  url.pathname = `/${name}`;
  return url.toString();
}

/** A fresh copy of the seeded database for this app and size; answers its name. */
export async function prepareDatabase(
  serverUrl: string,
  appDir: string,
  mode: 'quick' | 'full',
  say: (line: string) => void,
): Promise<string> {
  const size = SIZES[mode];
  const template = `um_bench_tpl_${mode}_${schemaTag(appDir)}`;
  const exists = await onServer(serverUrl, async (client) => {
    const found = await client.query('select 1 from pg_database where datname = $1', [template]);
    return found.rowCount === 1;
  });
  if (!exists) {
    const started = Date.now();
    await onServer(serverUrl, (client) => client.query(`create database ${template}_new`));
    // The app's own migrations make the schema: start it once on the empty database.
    const bff = await startBffProcess(appDir, {
      DATABASE_URL: databaseUrl(serverUrl, `${template}_new`),
    });
    await bff.stop();
    const migrated = Date.now();
    await onServer(databaseUrl(serverUrl, `${template}_new`), (client) => seed(client, size));
    await onServer(serverUrl, (client) =>
      client.query(`alter database ${template}_new rename to ${template}`),
    );
    say(
      `seeded ${template}: ${size.users} users, accounts of ${size.big}, ${size.mid} and ` +
        `${size.small} × ~${accountsOf(size).small.members} in ${((Date.now() - migrated) / 1000).toFixed(0)} s ` +
        `(migrations ${((migrated - started) / 1000).toFixed(0)} s)`,
    );
  }
  // One copy per run and checkout (two checkouts of one schema, or benches of several sessions on
  // one server, must not share one), dropped when the run ends (dropDatabase).
  const name = `um_bench_run_${mode}_${schemaTag(appDir)}_${process.pid}_${++copies}`;
  await onServer(serverUrl, async (client) => {
    await client.query(`drop database if exists ${name} with (force)`);
    // A copy fails while another one is being made from the same template: wait and retry.
    for (let attempt = 1; ; attempt++) {
      try {
        await client.query(`create database ${name} template ${template}`);
        break;
      } catch (error) {
        if (attempt === 30 || !/being accessed by other users/.test(String(error))) throw error;
        await new Promise((resolve) => setTimeout(resolve, 2000));
      }
    }
  });
  return name;
}
let copies = 0;

/** Drop a run's copy (prepareDatabase). */
export async function dropDatabase(serverUrl: string, name: string): Promise<void> {
  await onServer(serverUrl, (client) =>
    client.query(`drop database if exists ${name} with (force)`),
  );
}

async function seed(client: pg.Client, size: BenchSize): Promise<void> {
  const ownMid = size.mid / 2;
  const firstSmallUser = size.big + ownMid + 1;
  const passwordHash = await hash(BENCH_PASSWORD);
  const accounts = size.small + 2;
  const run = (text: string, values: unknown[] = []) => client.query(text, values);
  await run(`set maintenance_work_mem = '256MB'`);
  await run(
    `insert into accounts (id, company_name) overriding system value
     select i, 'Bench account ' || i from generate_series(1, $1::int) i`,
    [accounts],
  );
  await run(`select setval(pg_get_serial_sequence('accounts', 'id'), $1::int)`, [accounts]);
  // Every 50th user has no name; every 7th a second factor; four languages.
  await run(
    `insert into users (id, email, name, lang, two_fa_enabled_at) overriding system value
     select i, 'user-' || i || '@bench.test',
            case when i % 50 = 0 then null else 'Bench Name ' || i end,
            (array['en','de','zh','ru'])[1 + i % 4],
            case when i % 7 = 0 then now() end
     from generate_series(1, $1::int) i`,
    [size.users],
  );
  await run(`select setval(pg_get_serial_sequence('users', 'id'), $1::int)`, [size.users]);
  // Each user is a member of one account; one in ten has a pending invitation that expired three
  // days ago, one in ten one that expires in a month (statuses stay put for a month of reruns).
  await run(
    `insert into memberships (account_id, user_id, role_id, invited_at, invitation_expires_at,
                              accepted_at, invited_name, invited_lang)
     select case when i <= $2 then 1 when i < $3 then 2 else 3 + (i - $3) % $4 end, i,
            (array[1,5,3009,3022,2])[1 + i % 5], now() - interval '40 days',
            case i % 10 when 3 then now() - interval '3 days' when 7 then now() + interval '30 days' end,
            case when i % 10 in (3, 7) then null else now() - interval '35 days' end,
            case when i % 10 in (3, 7) then 'Invited ' || i end,
            case when i % 10 in (3, 7) then 'de' end
     from generate_series(1, $1::int) i`,
    [size.users, size.big, firstSmallUser, size.small],
  );
  // Half the 1,000 account also belong to the big one (shared profiles).
  await run(
    `insert into memberships (account_id, user_id, role_id, accepted_at)
     select 2, i, 3009, now() - interval '20 days' from generate_series(2, $1::int + 1) i`,
    [ownMid],
  );
  // The Administrators the bench signs in as.
  await run(
    `update users set password_hash = $2, two_fa_enabled_at = null where id = any($1::int[])`,
    [[1, size.big + 1, firstSmallUser], passwordHash],
  );
  await run(
    `update memberships set role_id = 1, accepted_at = now() - interval '30 days',
       invitation_expires_at = null, invited_name = null, invited_lang = null
     where (account_id, user_id) in ((1, 1), (2, $1::int), (3, $2::int))`,
    [size.big + 1, firstSmallUser],
  );
  // Cloud roles: a project per account of the first two; every 20th member administers the
  // account in the Cloud, every 30th is a User of the project.
  await run(`insert into projects (account_id, name) values (1, 'Default'), (2, 'Default')`);
  await run(
    `insert into cloud_role_assignments (account_id, user_id, project_id, role)
     select m.account_id, m.user_id, null, 'ClientAdministrator'
     from memberships m where m.account_id in (1, 2) and m.user_id % 20 = 0
     union all
     select m.account_id, m.user_id, p.id, 'User'
     from memberships m join projects p on p.account_id = m.account_id
     where m.account_id in (1, 2) and m.user_id % 30 = 0`,
  );
  // 200 API tokens in the big account, the first one usable by the bench.
  await run(
    `insert into api_tokens (id, account_id, user_id, name, role_id, secret_hash, expires_at)
     overriding system value
     select i, 1, 1, 'Bench token ' || i, case when i % 2 = 0 then 5 else 1 end,
            case when i = 1 then $1::bytea else sha256(('other-' || i)::bytea) end,
            case when i % 3 = 0 then now() + interval '1 year' end
     from generate_series(1, 200) i`,
    [createHash('sha256').update(API_TOKEN.slice(2)).digest()],
  );
  await run(`select setval(pg_get_serial_sequence('api_tokens', 'id'), 200)`);
  await seedAuditTrail(run, size);
  await run('vacuum analyze');
}

/** Audit rows of the 1,000 account and of each small one (the big account's: `auditBig`). */
export const AUDIT_ROWS = { mid: 20_000, small: 200 } as const;
/** One row in this many of the big account's is `two_fa.disable_requested`: a rare action. */
export const RARE_ACTION_EVERY = 5_000;

/**
 * The audit trail (the Activity panel): rows a minute apart per account, newest first, by members
 * of the account. Mostly sign-ins, then invitations, role changes, tokens and profile edits, and
 * one rare action; a row's target is another member. A million rows in the big account: about two
 * years of a 100,000-member account signing in (sign-ins are audit rows).
 */
async function seedAuditTrail(
  run: (text: string, values?: unknown[]) => Promise<unknown>,
  size: BenchSize,
): Promise<void> {
  const ownMid = size.mid / 2;
  const firstSmallUser = size.big + ownMid + 1;
  const smallMembers = accountsOf(size).small.members;
  // One statement per kind of account: `k` is the row's rank (1 = newest), `actor` and `target`
  // members of `acc`.
  const insert = (members: string, rows: string) =>
    run(
      `insert into audit_log (occurred_at, account_id, actor_user_id, action, target_type,
                              target_id, ip, via, actor_name, actor_email, target_name,
                              target_email, request_id)
       select now() - k * interval '1 minute', acc, actor,
              case when k % ${RARE_ACTION_EVERY} = 17 then 'two_fa.disable_requested'
                   when k % 20 < 14 then 'auth.signed_in'
                   when k % 20 < 16 then 'user.invited'
                   when k % 20 = 16 then 'user.role_changed'
                   when k % 20 = 17 then 'token.created'
                   else 'user.updated' end,
              case when k % 20 >= 14 and k % 20 <> 17 then 'user' end,
              case when k % 20 >= 14 and k % 20 <> 17 then target::text end,
              '10.0.' || (k % 250) || '.' || (actor % 250),
              case when k % 20 < 14 then null else 'session' end,
              case when actor % 50 = 0 then null else 'Bench Name ' || actor end,
              'user-' || actor || '@bench.test',
              case when k % 20 >= 14 and k % 20 <> 17 then 'Bench Name ' || target end,
              case when k % 20 >= 14 and k % 20 <> 17 then 'user-' || target || '@bench.test' end,
              'bench-' || k
       from (${members}) m, lateral (${rows}) r`,
    );
  await insert(
    `select 1 as acc`,
    `select k, (1 + (k::bigint * 7919) % ${size.big})::int as actor,
            (1 + (k::bigint * 104729) % ${size.big})::int as target
     from generate_series(1, ${size.auditBig}) k`,
  );
  await insert(
    `select 2 as acc`,
    `select k, ${size.big + 1} + k % ${ownMid} as actor, ${size.big + 1} + (k * 7) % ${ownMid} as target
     from generate_series(1, ${AUDIT_ROWS.mid}) k`,
  );
  // Account a's own users are firstSmallUser + (a - 3) + size.small × n.
  await insert(
    `select a as acc from generate_series(3, ${size.small + 2}) a`,
    `select k, ${firstSmallUser} + (m.acc - 3) + ${size.small} * (k % ${smallMembers - 1}) as actor,
            ${firstSmallUser} + (m.acc - 3) + ${size.small} * ((k * 7) % ${smallMembers - 1}) as target
     from generate_series(1, ${AUDIT_ROWS.small}) k`,
  );
}
