import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { after, before, describe, it } from 'node:test';
import { promisify } from 'node:util';
import { decodeProtectedHeader } from 'jose';
import pg from 'pg';
import { ROLE, iamRole, type IamRoleId } from '../../shared/roles.ts';
import { totpCode } from '../../server/auth/totp.ts';
import { FREE_FAILURES_PER_ADDRESS as MAX_FAILURES_PER_EMAIL } from '../../server/auth/throttle.ts';
import { ManualClock } from '../../server/clock.ts';
import { MIGRATIONS, openDatabase, type OpenDatabase } from '../../server/db/connect.ts';
import { enqueueEmail } from '../../server/mail/outbox.ts';
import { MAX_CODE_FAILURES } from '../../server/two-fa/codes.ts';
import { EMAIL_CHANGES_PER_HOUR } from '../../server/users/profile.ts';
import { createPostgresDatabase } from '../support/databases.ts';
import { Fixtures } from '../support/fixtures.ts';
import { call, startReplica, stopAll, type Replica } from '../support/replicas.ts';
import { TestSmtpServer } from '../support/smtp.ts';

/**
 * Three BFF processes on one PostgreSQL database, as behind a load balancer: each step of a flow
 * goes to another replica, and concurrent attempts are spread over all three. PGlite cannot be
 * shared between processes, so this needs DATABASE_URL (CI sets it).
 */
const serverUrl = process.env.DATABASE_URL;
const skip = serverUrl ? false : 'needs DATABASE_URL: PGlite cannot be shared between processes';
if (skip) console.log(`# replica tests skipped: ${skip}`);

const METRICS_TOKEN = 'metrics-token-for-the-replica-test';
const DEMO_ADMIN = { username: 'admin@demo.test', password: 'demo-admin-password' };

/** Poll `check` every 100 ms until it is true, for at most `ms`. */
async function waitFor(what: string, check: () => boolean | Promise<boolean>, ms = 20_000) {
  const until = Date.now() + ms;
  while (!(await check())) {
    if (Date.now() > until) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

const role = (id: IamRoleId) => ({ id, name: iamRole(id).name });

describe('three BFF replicas on one database', { skip, timeout: 180_000 }, () => {
  const smtp = new TestSmtpServer();
  let database: { url: string; drop(): Promise<void> };
  let open: OpenDatabase;
  let fixtures: Fixtures;
  let env: Record<string, string>;
  let replicas: Replica[] = [];
  /** Every secret a test sent or received: none may appear in any replica's log. */
  const secrets = new Set<string>([DEMO_ADMIN.password, Fixtures.PASSWORD]);
  /** Logs of replicas that were replaced during the suite. */
  const oldLogs: string[] = [];
  /** Replica `i` of a spread: A, B, C, A, … */
  const at = (i: number) => replicas[i % replicas.length].url;

  const signIn = async (url: string, body: object) => {
    const answer = await call(url, 'POST', '/iam/auth/jwt/login', { body });
    if (answer.status === 200) {
      secrets.add(answer.body.access);
      secrets.add(answer.body.refresh);
    }
    return answer;
  };
  const tokenOf = async (url: string, email: string) => {
    const answer = await signIn(url, { username: email, password: Fixtures.PASSWORD });
    assert.equal(answer.status, 200, JSON.stringify(answer.body));
    return answer.body.access as string;
  };
  /** Text of the emails received for an address, newest last. */
  const mailTo = (address: string) =>
    smtp.received.filter((mail) => mail.to && JSON.stringify(mail.to).includes(address));
  const linkToken = (text: string) => {
    const token = /[?&]token=([^\s&]+)/.exec(text)?.[1];
    assert.ok(token, text);
    secrets.add(decodeURIComponent(token));
    return decodeURIComponent(token);
  };

  before(async () => {
    database = await createPostgresDatabase(serverUrl!);
    const smtpPort = await smtp.listen();
    env = {
      DATABASE_URL: database.url,
      DEMO_SEED: 'true',
      SMTP_URL: `smtp://127.0.0.1:${smtpPort}`,
      METRICS_TOKEN,
    };
    // All three at once on the empty database: each migrates and seeds if no one has.
    replicas = await Promise.all([startReplica(env), startReplica(env), startReplica(env)]);
    open = await openDatabase({ databaseUrl: database.url });
    fixtures = new Fixtures(open.db, new ManualClock());
  });
  after(async () => {
    await stopAll();
    await open?.close();
    await smtp.close();
    await database?.drop();
  });

  it('start together on an empty database: all up, migrated once, seeded once', async () => {
    for (const replica of replicas) {
      assert.equal((await call(replica.url, 'GET', '/health/live')).status, 200);
      assert.deepEqual((await call(replica.url, 'GET', '/health/ready')).body, { status: 'ok' });
      assert.equal((await call(replica.url, 'GET', '/health')).status, 200);
    }
    const count = async (query: string) => Number((await pg_query(database.url, query))[0].count);
    assert.equal(await count(`select count(*) from accounts where company_name = 'Acme Cloud'`), 1);
    assert.equal(await count(`select count(*) from users where email = 'admin@demo.test'`), 1);
    assert.equal(
      await count(`select count(*) from kysely_migration`),
      Object.keys(MIGRATIONS).length,
    );
  });

  it('signs in on A, renews on B, lists on C, signs out on A: B and C refuse the token at once', async () => {
    const [a, b, c] = replicas.map((replica) => replica.url);
    const first = await signIn(a, DEMO_ADMIN);
    assert.equal(first.status, 200);
    const renewed = await call(b, 'POST', '/iam/auth/jwt/refresh', {
      body: { refresh: first.body.refresh },
    });
    assert.equal(renewed.status, 200);
    secrets.add(renewed.body.access).add(renewed.body.refresh);
    const { access, refresh } = renewed.body;
    assert.equal((await call(c, 'GET', '/iam/users?limit=5', { token: access })).status, 200);
    // The used refresh token is spent everywhere.
    const reused = await call(c, 'POST', '/iam/auth/jwt/refresh', {
      body: { refresh: first.body.refresh },
    });
    assert.equal(reused.status, 401);

    assert.equal(
      (await call(a, 'POST', '/iam/auth/jwt/logout', { body: { refresh } })).status,
      204,
    );
    assert.equal((await call(b, 'GET', '/iam/users?limit=5', { token: access })).status, 401);
    assert.equal((await call(c, 'GET', '/iam/clients/me', { token: access })).status, 401);
  });

  it('holds the daily invitation allowance against 8 invitations at once over three replicas', async () => {
    const admin = (await signIn(at(0), DEMO_ADMIN)).body.access;
    const me = await call(at(1), 'GET', '/iam/clients/me', { token: admin });
    const emails = Array.from({ length: 8 }, (_, i) => `allowance-${i}@replicas.test`);
    const answers = await Promise.all(
      emails.map((email, i) =>
        call(at(i), 'POST', '/iam/clients/invite_user', {
          token: admin,
          body: { client_id: me.body.id, email, user_role: role(ROLE.users) },
        }),
      ),
    );
    const statuses = answers.map((answer) => answer.status).sort();
    assert.deepEqual(statuses, [200, 200, 200, 200, 200, 429, 429, 429]);
    const invited = emails.filter((_, i) => answers[i].status === 200);
    await waitFor('5 invitations', () => invited.every((email) => mailTo(email).length === 1));
    for (const email of invited) linkToken(mailTo(email)[0].text ?? '');
  });

  it('holds the sign-in throttle against wrong passwords at once over three replicas', async () => {
    const user = await fixtures.user();
    const answers = await Promise.all(
      Array.from({ length: MAX_FAILURES_PER_EMAIL + 5 }, (_, i) =>
        signIn(at(i), { username: user.email, password: `wrong password ${i}` }),
      ),
    );
    const checked = answers.filter((answer) => answer.status === 400).length;
    assert.ok(checked <= MAX_FAILURES_PER_EMAIL, `${checked} guesses were checked`);
    assert.equal(
      answers.filter((answer) => answer.status === 429).length,
      answers.length - checked,
    );
    // What a right password meets next depends on how many guesses got checked (the wait starts
    // at the fifth failure): server/auth/sign-in-throttling.test.ts covers it. What replicas must
    // share is the count above.
  });

  it('holds the 2FA code limit against wrong codes at once over three replicas', async () => {
    const accountId = await fixtures.account();
    const user = await fixtures.member(accountId, { twoFa: true });
    const right = totpCode('JBSWY3DPEHPK3PXP', new Date());
    const answers = await Promise.all(
      Array.from({ length: MAX_CODE_FAILURES + 4 }, (_, i) => {
        const wrong = String((Number(right) + 1 + i) % 1_000_000).padStart(6, '0');
        secrets.add(wrong);
        return signIn(at(i), {
          username: user.email,
          password: Fixtures.PASSWORD,
          one_time_password: wrong,
        });
      }),
    );
    const checked = answers.filter((answer) => answer.status === 400).length;
    assert.ok(checked <= MAX_CODE_FAILURES, `${checked} codes were checked`);
    assert.equal(
      answers.filter((answer) => answer.status === 429).length,
      answers.length - checked,
    );
  });

  it('holds the hourly email-change limit against changes at once over three replicas', async () => {
    const accountId = await fixtures.account();
    const user = await fixtures.member(accountId);
    const token = await tokenOf(at(0), user.email);
    const change = (i: number, n: number) =>
      call(at(i), 'PUT', `/iam/users/${user.id}/email`, {
        token,
        body: { new_email: `changed-${n}-${user.id}@replicas.test`, password: Fixtures.PASSWORD },
      });
    const answers = await Promise.all(
      Array.from({ length: EMAIL_CHANGES_PER_HOUR + 2 }, (_, i) => change(i, i)),
    );
    assert.ok(answers.every((answer) => answer.status === 202 || answer.status === 429));
    let accepted = answers.filter((answer) => answer.status === 202).length;
    assert.ok(accepted <= EMAIL_CHANGES_PER_HOUR, `${accepted} changes accepted at once`);
    // Those refused only because the password checks overlapped may be made up one at a time,
    // never beyond the limit.
    for (let n = 100; n < 100 + EMAIL_CHANGES_PER_HOUR; n++) {
      const answer = await change(n, n);
      if (answer.status !== 202) break;
      accepted++;
    }
    assert.equal(accepted, EMAIL_CHANGES_PER_HOUR);
  });

  it('delivers every email exactly once while the SMTP server refuses for a while', async () => {
    const accountId = await fixtures.account();
    const admin = await fixtures.member(accountId, { role: ROLE.administrators });
    const token = await tokenOf(at(2), admin.email);
    const emails = Array.from({ length: 5 }, (_, i) => `outbox-${i}-${admin.id}@replicas.test`);
    smtp.refusing = true;
    try {
      const answers = await Promise.all(
        emails.map((email, i) =>
          call(at(i), 'POST', '/iam/clients/invite_user', {
            token,
            body: { client_id: accountId, email, user_role: role(ROLE.users) },
          }),
        ),
      );
      assert.deepEqual(
        answers.map((answer) => answer.status),
        [200, 200, 200, 200, 200],
      );
      await waitFor('a refused attempt', async () => {
        const [row] = await pg_query(
          database.url,
          `select count(*) from email_outbox where last_error is not null`,
        );
        return Number(row.count) > 0;
      });
    } finally {
      smtp.refusing = false;
    }
    await waitFor('every invitation', () => emails.every((email) => mailTo(email).length > 0));
    // A few more rounds of every replica's sender, in which a second copy would show up.
    await new Promise((resolve) => setTimeout(resolve, 2_500));
    for (const email of emails) assert.equal(mailTo(email).length, 1, email);
    const ids = smtp.received.map((mail) => mail.messageId);
    assert.equal(new Set(ids).size, ids.length, 'no Message-ID twice over the whole suite');
    for (const email of emails) linkToken(mailTo(email)[0].text ?? '');
  });

  it('lets exactly one of 6 accepts of one link, spread over the replicas, succeed', async () => {
    const accountId = await fixtures.account();
    const admin = await fixtures.member(accountId, { role: ROLE.administrators });
    const token = await tokenOf(at(0), admin.email);
    const email = `race-${admin.id}@replicas.test`;
    const invited = await call(at(1), 'POST', '/iam/clients/invite_user', {
      token,
      body: { client_id: accountId, email, user_role: role(ROLE.users) },
    });
    assert.equal(invited.status, 200);
    await waitFor('the invitation', () => mailTo(email).length === 1);
    const link = linkToken(mailTo(email)[0].text ?? '');
    const answers = await Promise.all(
      Array.from({ length: 6 }, (_, i) => {
        const password = `a long and unusual passphrase ${i}`;
        secrets.add(password);
        return call(at(i), 'POST', `/iam/auth/invitations/${encodeURIComponent(link)}/accept`, {
          body: { password },
        });
      }),
    );
    assert.deepEqual(answers.map((answer) => answer.status).sort(), [200, 410, 410, 410, 410, 410]);
  });

  it('keeps the last Administrator when two demote each other on different replicas', async () => {
    for (let round = 0; round < 3; round++) {
      const accountId = await fixtures.account();
      const a = await fixtures.member(accountId, { role: ROLE.administrators });
      const b = await fixtures.member(accountId, { role: ROLE.administrators });
      const [tokenA, tokenB] = [await tokenOf(at(0), a.email), await tokenOf(at(0), b.email)];
      const demote = (url: string, token: string, userId: number) =>
        call(url, 'PUT', `/iam/clients/${accountId}/client-users/${userId}`, {
          token,
          body: { user_role: role(ROLE.users) },
        });
      const answers = await Promise.all([demote(at(1), tokenA, b.id), demote(at(2), tokenB, a.id)]);
      assert.deepEqual(answers.map((answer) => answer.status).sort(), [204, 403], `round ${round}`);
      const [row] = await pg_query(
        database.url,
        `select count(*) from memberships where account_id = ${accountId} and role_id = 1`,
      );
      assert.equal(Number(row.count), 1, `round ${round}: one Administrator is left`);
    }
  });

  it('honours on B and C a signing key rotated on A, and the tokens of the old key', async () => {
    const accountId = await fixtures.account();
    const user = await fixtures.member(accountId);
    const before = await tokenOf(at(0), user.email);
    // Rotate with A's settings, then restart A so it signs with the new key at once (a running
    // replica picks it up within a minute); B and C have the old key set cached.
    const { stdout } = await promisify(execFile)(
      process.execPath,
      ['--import', 'tsx', 'server/rotate-key.ts'],
      { env: { PATH: process.env.PATH, LOG_LEVEL: 'silent', ...env } },
    );
    const newKid = /New signing key: (\S+)/.exec(stdout)?.[1];
    assert.ok(newKid, stdout);
    oldLogs.push(replicas[0].log());
    assert.equal(await replicas[0].stop(), 0);
    replicas[0] = await startReplica(env);
    const afterRotation = await tokenOf(at(0), user.email);
    assert.equal(decodeProtectedHeader(afterRotation).kid, newKid);
    assert.notEqual(decodeProtectedHeader(before).kid, newKid);
    for (const url of [at(1), at(2), at(0)]) {
      assert.equal(
        (await call(url, 'GET', '/iam/clients/me', { token: afterRotation })).status,
        200,
      );
      assert.equal((await call(url, 'GET', '/iam/clients/me', { token: before })).status, 200);
    }
  });

  it('measures requests, the pool, the outbox and sign-in failures, behind METRICS_TOKEN', async () => {
    assert.equal((await call(at(1), 'GET', '/metrics')).status, 401);
    const texts = await Promise.all(
      replicas.map(
        async (replica) =>
          (
            await call(replica.url, 'GET', '/metrics', {
              headers: { Authorization: `Bearer ${METRICS_TOKEN}` },
            })
          ).body as string,
      ),
    );
    const all = texts.join('\n');
    // assert.ok(test()), not assert.match: a failing match would print the whole scrape.
    for (const series of [
      /http_request_duration_seconds_bucket\{[^}\n]*route="\/iam\/users\/:userId\/email"/,
      /db_pool_connections\{state="in_use"\} \d/,
      /db_pool_waiting_requests \d/,
      /outbox_backlog \d/,
      /outbox_oldest_age_seconds \d/,
    ]) {
      assert.ok(series.test(all), `${series} in the metrics`);
    }
    const sum = (name: string) =>
      [...all.matchAll(new RegExp(`^${name} (\\d+)`, 'gm'))].reduce((n, m) => n + Number(m[1]), 0);
    assert.ok(sum('sign_in_failures_total') > 0);
    assert.ok(sum('sign_in_throttled_total') > 0);
  });

  it('logs one line per request with its route pattern and ids, and never a secret', async () => {
    const logs = [...oldLogs, ...replicas.map((replica) => replica.log())].join('\n');
    const lines = logs
      .split('\n')
      .filter(Boolean)
      .map((line) => JSON.parse(line) as Record<string, unknown>);
    const requests = lines.filter((line) => line.message === 'request');
    const changes = requests.filter((line) => line.route === '/iam/users/:userId/email');
    assert.ok(changes.length >= EMAIL_CHANGES_PER_HOUR);
    for (const line of changes) {
      assert.equal(line.method, 'PUT');
      assert.equal(typeof line.request_id, 'string');
      assert.equal(typeof line.duration_ms, 'number');
      assert.equal(typeof line.account_id, 'number');
      assert.equal(typeof line.user_id, 'number');
    }
    assert.ok(requests.some((line) => line.route === '/iam/auth/invitations/:token/accept'));
    assert.ok(secrets.size > 40, `${secrets.size} secrets checked`);
    for (const secret of secrets)
      assert.ok(!logs.includes(secret), `a secret in the log: ${secret}`);
  });
});

describe('a replica shutting down', { skip, timeout: 90_000 }, () => {
  const smtp = new TestSmtpServer();
  let database: { url: string; drop(): Promise<void> };
  let open: OpenDatabase;

  before(async () => {
    database = await createPostgresDatabase(serverUrl!);
    open = await openDatabase({ databaseUrl: database.url });
  });
  after(async () => {
    await stopAll();
    await open?.close();
    await smtp.close();
    await database?.drop();
  });

  it('answers the request in flight, hands its outbox lease on at once, and exits 0', async () => {
    const env = {
      DATABASE_URL: database.url,
      SMTP_URL: `smtp://127.0.0.1:${await smtp.listen()}`,
      SHUTDOWN_GRACE_MS: '3000',
    };
    smtp.stalling = true;
    const leaving = await startReplica(env);
    const fixtures = new Fixtures(open.db, new ManualClock());
    const accountId = await fixtures.account();
    const user = await fixtures.member(accountId);
    const signedIn = await call(leaving.url, 'POST', '/iam/auth/jwt/login', {
      body: { username: user.email, password: Fixtures.PASSWORD },
    });
    const token = signedIn.body.access as string;
    // An email that the leaving replica starts to send and the SMTP server holds on to.
    await enqueueEmail(
      open.db,
      {
        template: 'email_changed',
        payload: { new_email: 'new@replicas.test' },
        to: 'held@replicas.test',
        lang: 'en',
      },
      new Date(),
    );
    await waitFor('the send to begin', () => smtp.stalled > 0, 10_000);
    const staying = await startReplica(env);

    // A request held up by a lock the test takes, so it is in flight at SIGTERM.
    const blocker = new pg.Client({ connectionString: database.url });
    await blocker.connect();
    try {
      await blocker.query('begin; lock table memberships in access exclusive mode');
      const inFlight = call(leaving.url, 'GET', '/iam/clients/me', { token });
      await new Promise((resolve) => setTimeout(resolve, 300));
      leaving.process.kill('SIGTERM');
      await new Promise((resolve) => setTimeout(resolve, 300));
      await assert.rejects(fetch(`${leaving.url}/health/live`), 'no new connections');
      await blocker.query('commit');
      assert.equal((await inFlight).status, 200);
    } finally {
      await blocker.end();
    }
    const started = Date.now();
    assert.equal(await leaving.exited, 0);
    smtp.stalling = false;
    // The lease is 60 s; handed on, the other replica sends within its next poll (2 s).
    await waitFor('the other replica to send it', () => smtp.received.length === 1, 10_000);
    assert.ok(Date.now() - started < 10_000);
    assert.match(leaving.log(), /outbox lease released at shutdown/);
    assert.equal(await staying.stop(), 0);
  });
});

/** One query on its own connection (the test's view of the shared database). */
async function pg_query(url: string, query: string): Promise<Record<string, string>[]> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return (await client.query(query)).rows;
  } finally {
    await client.end();
  }
}
