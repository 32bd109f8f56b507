import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import type { Readable } from 'node:stream';

/**
 * The BFF under test as a child process of its own checkout (`BENCH_APP_DIR`, default this one),
 * started the way `npm start` does minus the build: the bench measures what a deployment runs,
 * over real HTTP, and never writes into any `dist/`.
 */
export interface BffProcess {
  url: string;
  pid: number;
  /** Resident memory of the process now, in bytes (Linux /proc). */
  rss(): number;
  /** The process's latest own figures (test/bench/memory-probe.mjs, every 10 ms), in bytes. */
  memory(): MemorySample;
  /** Ask the process for a full collection (the probe's, on SIGUSR2); it is done within ms. */
  collectFully(): void;
  stop(): Promise<void>;
}

export interface MemorySample {
  rss: number;
  heapUsed: number;
  /** Memory outside V8's heap held by JavaScript objects (Buffers and the like). */
  external: number;
  /** heapUsed just after the latest full collection: what the process really kept. */
  kept: number;
  /** Full collections so far. */
  fullCollections: number;
  /** Bytes moved so far to the old generation by young collections. */
  moved: number;
}

const MEMORY_PROBE = new URL('./memory-probe.mjs', import.meta.url).pathname;

export async function startBffProcess(
  appDir: string,
  env: Record<string, string>,
): Promise<BffProcess> {
  // `--import tsx` resolves from the working folder: an older checkout runs with its own tsx.
  // The memory probe is the bench's own file, so an older checkout is measured the same way.
  const args = ['--import', 'tsx', '--import', MEMORY_PROBE, 'server/main.ts'];
  // BENCH_CPU_PROF=folder: each BFF writes a CPU profile there when it stops (node --cpu-prof).
  const profiles = process.env.BENCH_CPU_PROF;
  if (profiles) args.unshift('--cpu-prof', `--cpu-prof-dir=${profiles}`);
  const child: ChildProcess = spawn(process.execPath, args, {
    cwd: appDir,
    env: {
      ...process.env,
      PORT: '0',
      HOST: '127.0.0.1',
      DEMO_SEED: 'false',
      LOG_LEVEL: 'silent',
      NODE_ENV: 'production',
      ...env,
    },
    stdio: ['ignore', 'pipe', 'pipe', 'pipe'],
  });
  let memory: MemorySample = {
    rss: 0,
    heapUsed: 0,
    external: 0,
    kept: 0,
    fullCollections: 0,
    moved: 0,
  };
  let partial = '';
  (child.stdio[3] as Readable).on('data', (chunk: Buffer) => {
    const lines = (partial + chunk.toString()).split('\n');
    partial = lines.pop()!;
    const last = lines.at(-1)?.split(' ').map(Number);
    if (last) {
      const [rss, heapUsed, external, kept, fullCollections, moved] = last;
      memory = { rss, heapUsed, external, kept, fullCollections, moved };
    }
  });
  let output = '';
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`BFF did not start:\n${output}`)), 300_000);
    child.stdout!.on('data', (chunk: Buffer) => {
      output += chunk.toString();
      const match = /BFF listening on (\S+)/.exec(output);
      if (match) {
        clearTimeout(timer);
        resolve(match[1].replace('localhost', '127.0.0.1'));
      }
    });
    child.stderr!.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.on('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`BFF exited (${code}):\n${output}`));
    });
  });
  return {
    url,
    pid: child.pid!,
    rss() {
      const status = readFileSync(`/proc/${child.pid}/status`, 'utf8');
      return Number(/VmRSS:\s+(\d+) kB/.exec(status)?.[1] ?? 0) * 1024;
    },
    memory: () => memory,
    collectFully: () => void child.kill('SIGUSR2'),
    stop: () =>
      new Promise<void>((resolve) => {
        if (child.exitCode !== null) return resolve();
        child.removeAllListeners('exit');
        child.once('exit', () => resolve());
        child.kill('SIGTERM');
      }),
  };
}
