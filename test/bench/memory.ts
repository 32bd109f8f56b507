import { startBffProcess, type BffProcess, type MemorySample } from './bff.ts';
import type { Scenario } from './scenario.ts';

/**
 * Memory of the BFF while lists without `limit` of the big account are answered (issue 13: "no
 * list answer holds the account in memory … flat under 4 such requests"). After a warm-up list
 * (the process's first big answer grows V8's young generation and the JIT's code once, whatever
 * comes next), each phase starts from a full collection and a resting baseline, then 1, 4 and 8
 * lists at once are answered: the peak of resident memory from /proc, of the JavaScript heap and
 * of the memory outside it (Buffers), as the process itself reports them
 * (test/bench/memory-probe.mjs), and what V8 did meanwhile: the bytes moved to the old generation
 * by young collections (garbage there waits for a full collection, and is what made the resident
 * peak grow with the lists at once), the full collections, and the heap kept just after them.
 * Flat means the growth over the baseline follows neither the number of lists at once (1, 4, 8)
 * nor the account's size (quick: 20,000 members; full: 100,000).
 *
 * The BFF measured is one of this scenario's own, straight on the bench database. The wire counter
 * relays in the bench's own process, beside the clients reading up to 8 answers of 55 MB: there a
 * batch reaches the BFF in small pieces spread over the other lists' work, which a deployment's
 * connection to PostgreSQL does not do, and the rows of a batch half received outlive young
 * collections (docs/benchmarks.md, session 19). The answers are read and dropped as they come.
 *
 * Alone: `BENCH_SCENARIOS=memory DATABASE_URL=… npm run bench` (BENCH_MODE, BENCH_APP_DIR as usual).
 */
const LISTS_AT_ONCE = [1, 4, 8];
const MB = 1e6;

export const scenario: Scenario = {
  name: 'memory',
  async run(ctx) {
    const bff = await startBffProcess(ctx.appDir, { DATABASE_URL: ctx.databaseUrl });
    try {
      await measure(bff, ctx.auth.big, ctx.accounts.big.members, ctx.say);
    } finally {
      await bff.stop();
    }
  },
};

async function measure(
  bff: BffProcess,
  authorization: string,
  members: number,
  say: (line: string) => void,
) {
  /** The whole list, read and dropped: its status and size. */
  const list = async () => {
    const response = await fetch(`${bff.url}/iam/users`, {
      headers: { Authorization: authorization },
    });
    const reader = response.body!.getReader();
    let bytes = 0;
    for (let read = await reader.read(); !read.done; read = await reader.read()) {
      bytes += read.value.byteLength;
    }
    return { status: response.status, bytes };
  };
  await list(); // warm-up
  const residentPeaks: string[] = [];
  for (const lists of LISTS_AT_ONCE) {
    bff.collectFully();
    await rest();
    const baseline = await resting(bff);
    if (lists === LISTS_AT_ONCE[0]) {
      say(
        `BFF memory at rest after a warm-up list and a full collection: rss ${mb(baseline.rss)}, ` +
          `heap ${mb(baseline.heapUsed)}, external ${mb(baseline.external)} MB`,
      );
    }
    const peak = { ...baseline };
    const sampler = setInterval(() => {
      const now = bff.memory();
      peak.rss = Math.max(peak.rss, bff.rss());
      peak.heapUsed = Math.max(peak.heapUsed, now.heapUsed);
      peak.external = Math.max(peak.external, now.external);
      peak.kept = Math.max(peak.kept, now.kept);
    }, 10);
    const started = performance.now();
    const answers = await Promise.all(Array.from({ length: lists }, () => list()));
    const seconds = (performance.now() - started) / 1000;
    clearInterval(sampler);
    await new Promise((resolve) => setTimeout(resolve, 50)); // the probe's next line
    const end = bff.memory();
    const moved = end.moved - baseline.moved;
    const fulls = end.fullCollections - baseline.fullCollections;
    const statuses = [...new Set(answers.map((a) => a.status))].join(',');
    say(
      `${lists} × GET /iam/users (no limit, ${members} members) at once: status ${statuses}, ` +
        `${mb(answers[0].bytes)} MB each, ${seconds.toFixed(2)} s; peak over rest: ` +
        `rss +${mb(peak.rss - baseline.rss)}, heap +${mb(peak.heapUsed - baseline.heapUsed)}, ` +
        `external +${mb(peak.external - baseline.external)} MB; moved to the old generation ` +
        `${mb(moved)} MB (${(moved / (lists * members)).toFixed(0)} B per member listed); ` +
        (fulls === 0
          ? 'no full collection'
          : `${fulls} full collection${fulls > 1 ? 's' : ''}, heap kept after them ` +
            `+${mb(peak.kept - baseline.kept)} MB`),
    );
    residentPeaks.push(`${lists} at once +${mb(peak.rss - baseline.rss)}`);
  }
  say(`resident peak over rest, MB: ${residentPeaks.join(', ')}`);
}

const mb = (bytes: number) => (bytes / MB).toFixed(0);
const rest = () => new Promise((resolve) => setTimeout(resolve, 1000));

/** Medians of half a second of samples with nothing to answer. */
async function resting(bff: BffProcess): Promise<MemorySample> {
  const samples: MemorySample[] = [];
  for (let i = 0; i < 25; i++) {
    samples.push({ ...bff.memory(), rss: bff.rss() });
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  const median = (key: keyof MemorySample) =>
    samples.map((s) => s[key]).sort((a, b) => a - b)[samples.length >> 1];
  return {
    rss: median('rss'),
    heapUsed: median('heapUsed'),
    external: median('external'),
    kept: median('kept'),
    fullCollections: median('fullCollections'),
    moved: median('moved'),
  };
}
