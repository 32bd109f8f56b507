import assert from 'node:assert/strict';
import { before, it } from 'node:test';
import { GCProfiler, type GCProfilerResult } from 'node:v8';
import { ROLE } from '../../shared/roles.ts';
import { eachDatabase } from '../../test/support/context.ts';

/**
 * What a streamed list reads dies young (docs/decisions/034): its rows are garbage before V8's
 * young generation has been collected twice, so they are never moved to the old generation, where
 * garbage piles up until a full collection and the process's resident memory grows with the lists
 * at once. Measured as V8 reports it: the old generation's growth during young collections, per
 * member listed. Rows moved there cost about 550 bytes each; this bound is a quarter of that.
 * Broken, it reads about 560 (pg's promise called for the batches: connect.ts
 * `readWithoutLateCallback`) or 270 (batches of 1,000 on PostgreSQL); it reads 50–70 here.
 */
const MEMBERS = 2000;
const LISTS_AT_ONCE = 4;
const ROUNDS = 5;
const MOVED_BYTES_PER_MEMBER_AT_MOST = 150;

eachDatabase('GET /iam/users without limit, memory', (ctx, dialect) => {
  let token: string;

  before(async () => {
    const { fixtures } = ctx();
    const accountId = await fixtures.account('Young Garbage Co');
    const admin = await fixtures.member(accountId, { role: ROLE.administrators });
    token = await ctx().tokenFor(admin.id, accountId);
    await fixtures.members(accountId, MEMBERS - 1, 'young');
  });

  async function list() {
    const response = await ctx().request('/iam/users', { token });
    const reader = response.body!.getReader();
    let bytes = 0;
    for (let read = await reader.read(); !read.done; read = await reader.read()) {
      bytes += read.value.byteLength;
    }
    return bytes;
  }

  it(
    `${LISTS_AT_ONCE} lists at once move next to nothing to the old generation`,
    // The rule is how pg is called and PostgreSQL's batch size; PGlite answers through its thread.
    { skip: dialect !== 'postgres' && 'PostgreSQL only: pg and its batches' },
    async (t) => {
      // Warm-up: the code is compiled and the young generation has grown to its size under load.
      await Promise.all(Array.from({ length: LISTS_AT_ONCE }, list));
      const profiler = new GCProfiler();
      profiler.start();
      for (let round = 0; round < ROUNDS; round++) {
        await Promise.all(Array.from({ length: LISTS_AT_ONCE }, list));
      }
      const young = profiler.stop().statistics.filter((gc) => gc.gcType === 'Scavenge');
      const oldSpace = (heap: GCProfilerResult['statistics'][number]['afterGC']) =>
        heap.heapSpaceStatistics.find((space) => space.spaceName === 'old_space')!.spaceUsedSize;
      const moved = young.reduce(
        (sum, gc) => sum + oldSpace(gc.afterGC) - oldSpace(gc.beforeGC),
        0,
      );
      const perMember = moved / (ROUNDS * LISTS_AT_ONCE * MEMBERS);
      t.diagnostic(`${young.length} young collections, ${perMember.toFixed(0)} B moved per member`);
      assert.ok(young.length >= 4, `only ${young.length} young collections: nothing to judge by`);
      assert.ok(
        perMember <= MOVED_BYTES_PER_MEMBER_AT_MOST,
        `${perMember.toFixed(0)} bytes per member listed moved to the old generation`,
      );
    },
  );
});
