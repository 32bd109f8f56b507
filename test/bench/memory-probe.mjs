// @ts-check
import { createWriteStream } from 'node:fs';
import { GCProfiler, setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { isMainThread } from 'node:worker_threads';

/*
 * Loaded into the bench's BFF child only (`node --import`, test/bench/bff.ts), never into a
 * deployment: every 10 ms, the process's own memory figures, one line each on file descriptor 3
 * (a pipe the bench reads), in bytes: rss, heapUsed, external, the heap in use just after the
 * latest full collection (what is really kept: heapUsed also counts garbage not yet collected),
 * the number of full collections so far, and the bytes moved so far to the old generation by
 * young collections (objects that outlived two of them; garbage there waits for a full
 * collection). The heap cannot be seen from outside the process; /proc gives the resident memory
 * only. On SIGUSR2 it collects fully, so that each measurement starts from the same heap.
 *
 * The main thread only: `--import` also loads this into worker threads (hashing, PGlite), whose
 * heaps are their own. The figures after a collection are V8's own, taken at the collection
 * (GCProfiler), not read later, when the program has allocated again.
 */
if (isMainThread) {
  const out = createWriteStream('', { fd: 3 });
  out.on('error', () => {}); // the bench has gone: nothing to tell
  setFlagsFromString('--expose-gc');
  const collectFully = /** @type {() => void} */ (runInNewContext('gc'));
  process.on('SIGUSR2', () => collectFully());

  let kept = process.memoryUsage().heapUsed;
  let fullCollections = 0;
  let moved = 0;
  /** @param {import('node:v8').HeapSpaceStatistics[]} spaces */
  const oldSpace = (spaces) => spaces.find((s) => s.spaceName === 'old_space')?.spaceUsedSize ?? 0;
  let profiler = new GCProfiler();
  profiler.start();
  setInterval(() => {
    const { statistics } = profiler.stop();
    profiler = new GCProfiler();
    profiler.start();
    for (const gc of statistics) {
      if (gc.gcType === 'MarkSweepCompact') {
        kept = gc.afterGC.heapStatistics.usedHeapSize;
        fullCollections++;
      } else if (gc.gcType === 'Scavenge') {
        moved +=
          oldSpace(gc.afterGC.heapSpaceStatistics) - oldSpace(gc.beforeGC.heapSpaceStatistics);
      }
    }
    const { rss, heapUsed, external } = process.memoryUsage();
    out.write(`${rss} ${heapUsed} ${external} ${kept} ${fullCollections} ${moved}\n`);
  }, 10).unref();
}
