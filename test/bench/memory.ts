import type { MemorySample } from './bff.ts';
import type { BenchContext, BenchRequest, Scenario } from './scenario.ts';

/**
 * Memory of the BFF while lists without `limit` of the big account are answered (issue 13: "no
 * list answer holds the account in memory … flat under 4 such requests"). After a warm-up list
 * (the process's first big answer grows V8's young generation and the JIT's code once, whatever
 * comes next), a resting baseline, then the peak while 1 list, then 4 at once, are answered:
 * resident memory from /proc, the JavaScript heap and the memory outside it (Buffers) as the
 * process itself reports them (test/bench/memory-probe.mjs). Flat means the growth over the
 * baseline neither follows the account's size (quick 20,000 against full 100,000) nor the number
 * of lists at once (1 against 4).
 *
 * Alone: `BENCH_SCENARIOS=memory DATABASE_URL=… npm run bench` (BENCH_MODE, BENCH_APP_DIR as usual).
 */
const UNBOUNDED: BenchRequest = { name: 'unbounded', path: '/iam/users', as: 'big' };
const MB = 1e6;

export const scenario: Scenario = {
  name: 'memory',
  async run(ctx) {
    await ctx.send(UNBOUNDED); // warm-up
    await rest();
    const baseline = await resting(ctx);
    ctx.say(
      `BFF memory at rest after a warm-up list: rss ${mb(baseline.rss)}, heap ${mb(baseline.heapUsed)}, ` +
        `external ${mb(baseline.external)}, heap kept ${mb(baseline.kept)} MB`,
    );
    for (const lists of [1, 4]) {
      await rest();
      const peak = { ...baseline };
      const sampler = setInterval(() => {
        const now = ctx.bff.memory();
        peak.rss = Math.max(peak.rss, ctx.bff.rss());
        peak.heapUsed = Math.max(peak.heapUsed, now.heapUsed);
        peak.external = Math.max(peak.external, now.external);
        peak.kept = Math.max(peak.kept, now.kept);
      }, 10);
      const started = performance.now();
      const answers = await Promise.all(Array.from({ length: lists }, () => ctx.send(UNBOUNDED)));
      const seconds = (performance.now() - started) / 1000;
      clearInterval(sampler);
      const statuses = [...new Set(answers.map((a) => a.status))].join(',');
      ctx.say(
        `${lists} × GET /iam/users (no limit, ${ctx.accounts.big.members} members) at once: status ` +
          `${statuses}, ${mb(answers[0].body.length)} MB each, ${seconds.toFixed(2)} s; peak over ` +
          `rest: rss +${mb(peak.rss - baseline.rss)}, heap +${mb(peak.heapUsed - baseline.heapUsed)}, ` +
          `external +${mb(peak.external - baseline.external)} MB; heap kept after a full ` +
          `collection +${mb(peak.kept - baseline.kept)} MB`,
      );
    }
  },
};

const mb = (bytes: number) => (bytes / MB).toFixed(0);
const rest = () => new Promise((resolve) => setTimeout(resolve, 1000));

/** Medians of half a second of samples with nothing to answer. */
async function resting(ctx: BenchContext): Promise<MemorySample> {
  const samples: MemorySample[] = [];
  for (let i = 0; i < 25; i++) {
    samples.push({ ...ctx.bff.memory(), rss: ctx.bff.rss() });
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  const median = (key: keyof MemorySample) =>
    samples.map((s) => s[key]).sort((a, b) => a - b)[samples.length >> 1];
  return {
    rss: median('rss'),
    heapUsed: median('heapUsed'),
    external: median('external'),
    kept: median('kept'),
  };
}
