import assert from 'node:assert/strict';
import { before, it } from 'node:test';
import { sql } from 'kysely';
import { readBatches } from '../db/connect.ts';
import { countRoundTrips } from '../db/round-trips.ts';
import { asBulkRead } from '../db/turns.ts';
import { ROLE } from '../../shared/roles.ts';
import type { User } from '../../shared/users.ts';
import { eachDatabase } from '../../test/support/context.ts';
import { STREAM_ACCESS_CHECK_MS, STREAM_CHUNK_BYTES } from './routes.ts';

/**
 * The list without `limit` is read from the database only as fast as the client reads the answer,
 * and written a few rows at a time (decision 029): a slow or stalled reader does not make the BFF
 * hold the account, and no piece of the answer grows with the account or the batch.
 */
eachDatabase('GET /iam/users without limit, streamed', (ctx, dialect) => {
  let token: string;
  let accountId: number;
  let members: number;
  /** Statements of the caller's authentication and authorisation, before any batch. */
  let callerStatements: number;

  before(async () => {
    const { fixtures, db } = ctx();
    accountId = await fixtures.account('Stream Co');
    const admin = await fixtures.member(accountId, { role: ROLE.administrators });
    token = await ctx().tokenFor(admin.id, accountId);
    // Three batches and a bit on either database.
    members = 3 * readBatches(db).size + 7;
    await fixtures.members(accountId, members - 1, 'stream');
    // Characters of two, three and four bytes in UTF-8: a piece is measured in bytes.
    await sql`update users set name = 'Zoë Ström 张伟 🙂' where email = 'stream-1@stream.test'`.execute(
      db,
    );
    const { statements } = await countRoundTrips(() =>
      ctx().request('/iam/users?limit=1', { token }),
    );
    callerStatements = statements - 1;
  });

  it('reads at most one batch ahead of what the client has read', async () => {
    const { size, readAhead } = readBatches(ctx().db);
    const batches = Math.ceil(members / size);
    const ahead = readAhead ? 1 : 0;
    let reader!: ReadableStreamDefaultReader<Uint8Array>;
    const chunks: Uint8Array[] = [];
    const start = await countRoundTrips(async () => {
      const response = await ctx().request('/iam/users', { token });
      assert.equal(response.status, 200);
      reader = response.body!.getReader();
      // Every row of the first batch, then a client that stops reading for a while: nothing more
      // is read or written ahead for it meanwhile.
      let text = '';
      while ((text ? JSON.parse(`${text}]`).length : 0) < size) {
        chunks.push((await reader.read()).value!);
        text = Buffer.concat(chunks).toString();
      }
      await new Promise((resolve) => setTimeout(resolve, 100));
    });
    assert.equal(start.statements, callerStatements + 1 + ahead, 'the first batch (and the next)');

    const rest = await countRoundTrips(async () => {
      for (let read = await reader.read(); !read.done; read = await reader.read()) {
        chunks.push(read.value);
      }
    });
    assert.equal(rest.statements, batches - 1 - ahead, 'one statement per further batch');
    const users = JSON.parse(Buffer.concat(chunks).toString()) as User[];
    assert.equal(users.length, members);
    assert.equal(new Set(users.map((user) => user.id)).size, members);
  });

  it('answers, byte for byte, the JSON of every member as a page gives them', async () => {
    const streamed = await ctx().request('/iam/users', { token });
    const page = (await (await ctx().request('/iam/users?limit=1000', { token })).json()) as {
      results: User[];
    };
    assert.equal(page.results.length, members);
    assert.equal(
      Buffer.from(await streamed.arrayBuffer()).toString(),
      JSON.stringify(page.results),
    );
  });

  it('writes the answer in small pieces, whatever the size of a batch', async () => {
    const response = await ctx().request('/iam/users', { token });
    const reader = response.body!.getReader();
    let pieces = 0;
    let largest = 0;
    for (let read = await reader.read(); !read.done; read = await reader.read()) {
      pieces++;
      largest = Math.max(largest, read.value.byteLength);
    }
    // A piece ends after the row that takes it past the bound: one row (about 300 bytes) more.
    assert.ok(largest <= STREAM_CHUNK_BYTES + 1024, `largest piece ${largest} B`);
    assert.ok(pieces > 3, `${pieces} pieces`);
  });

  it('stops reading the database when the client goes away', async () => {
    const cancelled = await countRoundTrips(async () => {
      const response = await ctx().request('/iam/users', { token });
      const reader = response.body!.getReader();
      await reader.read();
      await reader.cancel();
      await new Promise((resolve) => setTimeout(resolve, 50));
    });
    assert.equal(
      cancelled.statements,
      callerStatements + 1 + (readBatches(ctx().db).readAhead ? 1 : 0),
    );
  });

  it(
    'on PGlite, reads its batches as a long read: a short statement waiting meanwhile goes first',
    {
      skip: dialect !== 'pglite' && 'PostgreSQL has a pool: no turns to take',
    },
    async () => {
      const { db } = ctx();
      const response = await ctx().request('/iam/users', { token });
      const reader = response.body!.getReader();
      // Read the first batch whole, so that the next read needs a batch.
      let text = '';
      // Pieces end between rows, so what has come so far is a JSON array once closed.
      while ((text ? JSON.parse(`${text}]`).length : 0) < readBatches(db).size) {
        text += new TextDecoder().decode((await reader.read()).value);
      }
      const finished: string[] = [];
      const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
      // Another long read holds the connection; the list's next batch, then a short one, wait.
      const other = asBulkRead(() => sql`select pg_sleep(0.1)`.execute(db));
      await sleep(10);
      const nextBatch = reader.read().then(() => finished.push('the list’s next batch'));
      await sleep(10);
      const short = sql`select 1`.execute(db).then(() => finished.push('a short statement'));
      await Promise.all([other, nextBatch, short]);
      assert.deepEqual(finished, ['a short statement', 'the list’s next batch']);
      await reader.cancel();
    },
  );

  // Last in this file: it adds members to the account.
  it('reads no further batch once the caller has lost access, and goes on while they have it', async () => {
    const { fixtures, db, clock } = ctx();
    /** The list read piece by piece, `between` done after the first piece. */
    const readAll = async (authorization: string, between: () => Promise<unknown>) => {
      const response = await ctx().request('/iam/users', { headers: { authorization } });
      assert.equal(response.status, 200);
      const reader = response.body!.getReader();
      const chunks = [(await reader.read()).value!];
      await between();
      clock.advance(STREAM_ACCESS_CHECK_MS + 1);
      for (let read = await reader.read(); !read.done; read = await reader.read()) {
        chunks.push(read.value);
        clock.advance(STREAM_ACCESS_CHECK_MS + 1);
      }
      return JSON.parse(Buffer.concat(chunks).toString()) as User[];
    };
    const administrator = async () => {
      const admin = await fixtures.member(accountId, { role: ROLE.administrators });
      return { ...admin, bearer: `Bearer ${await ctx().tokenFor(admin.id, accountId)}` };
    };
    const cutShort = { code: 'invalid_token' };

    const stays = await administrator();
    // Asked again after every piece, an Administrator still there reads every member.
    assert.equal((await readAll(stays.bearer, async () => {})).length, members + 1);

    const removed = await administrator();
    await assert.rejects(
      readAll(removed.bearer, () =>
        sql`delete from memberships
            where account_id = ${accountId} and user_id = ${removed.id}`.execute(db),
      ),
      cutShort,
    );

    // Still a member, but no longer with the role the list was started with.
    const demoted = await administrator();
    await assert.rejects(
      readAll(demoted.bearer, () =>
        sql`update memberships set role_id = ${ROLE.users}
            where account_id = ${accountId} and user_id = ${demoted.id}`.execute(db),
      ),
      cutShort,
    );

    // An API token deleted while its list streams.
    const issuer = await administrator();
    const created = await ctx().request(`/iam/v2/clients/${accountId}/tokens`, {
      method: 'POST',
      headers: { authorization: issuer.bearer },
      json: { name: 'stream', exp_date: null, client_user: { role: { id: ROLE.administrators } } },
    });
    assert.equal(created.status, 201);
    const apiKey = `APIKey ${((await created.json()) as { token: string }).token}`;
    await assert.rejects(
      readAll(apiKey, () =>
        sql`update api_tokens set deleted_at = now() where user_id = ${issuer.id}`.execute(db),
      ),
      cutShort,
    );

    // An access token that expires while its list streams: asking again fails, and a failure to
    // ask is no admission either.
    const expiring = await administrator();
    const lifetime = (ctx().config.jwt.accessTtlSeconds + 60) * 1000;
    try {
      await assert.rejects(
        readAll(expiring.bearer, async () => clock.advance(lifetime)),
        cutShort,
      );
    } finally {
      clock.advance(-lifetime);
    }
  });
});
