import assert from 'node:assert/strict';
import { before, it } from 'node:test';
import { sql } from 'kysely';
import { readBatchSize } from '../db/connect.ts';
import { countRoundTrips } from '../db/round-trips.ts';
import { ROLE } from '../../shared/roles.ts';
import type { User } from '../../shared/users.ts';
import { eachDatabase } from '../../test/support/context.ts';
import { STREAM_CHUNK_CHARS } from './routes.ts';

/**
 * The list without `limit` is read from the database only as fast as the client reads the answer,
 * and written a few rows at a time (decision 029): a slow or stalled reader does not make the BFF
 * hold the account, and no piece of the answer grows with the account or the batch.
 */
eachDatabase('GET /iam/users without limit, streamed', (ctx) => {
  let token: string;
  let members: number;
  /** Statements of the caller's authentication and authorisation, before any batch. */
  let callerStatements: number;

  before(async () => {
    const { fixtures, db } = ctx();
    const accountId = await fixtures.account('Stream Co');
    const admin = await fixtures.member(accountId, { role: ROLE.administrators });
    token = await ctx().tokenFor(admin.id, accountId);
    // Three batches and a bit on either database.
    members = 3 * readBatchSize(db) + 7;
    await sql`
      insert into users (email, name, lang)
      select 's-' || i || '@stream.test', 'Streamed ' || i, 'en'
      from generate_series(1, ${members - 1}) as i`.execute(db);
    await sql`
      insert into memberships (account_id, user_id, role_id, accepted_at)
      select ${accountId}, u.id, 3009, now() from users u where u.email like '%@stream.test'`.execute(
      db,
    );
    const { statements } = await countRoundTrips(() =>
      ctx().request('/iam/users?limit=1', { token }),
    );
    callerStatements = statements - 1;
  });

  it('fetches the next batch only when the client has read the one before', async () => {
    const batches = Math.ceil(members / readBatchSize(ctx().db));
    let reader!: ReadableStreamDefaultReader<Uint8Array>;
    const chunks: Uint8Array[] = [];
    const start = await countRoundTrips(async () => {
      const response = await ctx().request('/iam/users', { token });
      assert.equal(response.status, 200);
      reader = response.body!.getReader();
      chunks.push((await reader.read()).value!);
      // A client that stops reading for a while: nothing is read ahead for it meanwhile.
      await new Promise((resolve) => setTimeout(resolve, 100));
    });
    assert.equal(start.statements, callerStatements + 1, 'the first batch only');

    const rest = await countRoundTrips(async () => {
      for (let read = await reader.read(); !read.done; read = await reader.read()) {
        chunks.push(read.value);
      }
    });
    assert.equal(rest.statements, batches - 1, 'one statement per further batch');
    const users = JSON.parse(Buffer.concat(chunks).toString()) as User[];
    assert.equal(users.length, members);
    assert.equal(new Set(users.map((user) => user.id)).size, members);
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
    assert.ok(largest <= STREAM_CHUNK_CHARS + 1024, `largest piece ${largest} B`);
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
    assert.equal(cancelled.statements, callerStatements + 1);
  });
});
