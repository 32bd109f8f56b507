// @ts-check
import { createWriteStream } from 'node:fs';
import { constants, PerformanceObserver } from 'node:perf_hooks';

/*
 * Loaded into the bench's BFF child only (`node --import`, test/bench/bff.ts), never into a
 * deployment: every 10 ms, the process's own memory figures, one line each on file descriptor 3
 * (a pipe the bench reads): rss, heapUsed, external, and the heap in use just after the latest
 * full collection (what is really kept: heapUsed also counts garbage not yet collected), in bytes.
 * The heap cannot be seen from outside the process; /proc gives the resident memory only.
 */
const out = createWriteStream('', { fd: 3 });
out.on('error', () => {}); // the bench has gone: nothing to tell
let kept = process.memoryUsage().heapUsed;
new PerformanceObserver((list) => {
  if (list.getEntries().some((entry) => entry.detail?.kind === constants.NODE_PERFORMANCE_GC_MAJOR))
    kept = process.memoryUsage().heapUsed;
}).observe({ entryTypes: ['gc'] });
setInterval(() => {
  const { rss, heapUsed, external } = process.memoryUsage();
  out.write(`${rss} ${heapUsed} ${external} ${kept}\n`);
}, 10).unref();
