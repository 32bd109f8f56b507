import { spawn, type ChildProcess } from 'node:child_process';

/**
 * BFF replicas as an operator runs them: `node server/main.ts` processes with PORT=0, each found by
 * the "BFF listening on …" line it prints. Tests must `stop()` (or `kill()`) every replica they
 * start, in an `after` hook, so no process outlives its test file.
 */
export interface Replica {
  url: string;
  process: ChildProcess;
  /** Everything the replica has written to stderr so far (its JSON log lines). */
  log(): string;
  /** Resolves with the exit code once the process has ended. */
  exited: Promise<number | null>;
  /** SIGTERM, then SIGKILL if it has not ended within `killAfterMs`; answers the exit code. */
  stop(killAfterMs?: number): Promise<number | null>;
}

/** Migrations, the demo seed's password hashing and PGlite's start take long on a busy machine. */
const START_TIMEOUT_MS = 120_000;

/** Every replica started by this process, so `stopAll` can end any a failed test left running. */
const started = new Set<Replica>();

/** `appDir`: another checkout of the project to run (the bench runs old commits that way). */
export function startReplica(env: Record<string, string>, appDir?: string): Promise<Replica> {
  const child = spawn(process.execPath, ['--import', 'tsx', 'server/main.ts'], {
    cwd: appDir,
    env: { PATH: process.env.PATH, LOG_LEVEL: 'info', PORT: '0', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stderr!.on('data', (chunk) => (stderr += chunk));
  const exited = new Promise<number | null>((resolve) =>
    child.once('exit', (code) => resolve(code)),
  );
  return new Promise<Replica>((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`the replica did not start in time:\n${stdout}\n${stderr}`));
    }, START_TIMEOUT_MS);
    void exited.then((code) => {
      clearTimeout(timer);
      reject(new Error(`the replica exited with ${code} before listening:\n${stdout}\n${stderr}`));
    });
    child.stdout!.on('data', (chunk) => {
      stdout += chunk;
      const match = /BFF listening on (\S+)/.exec(stdout);
      if (!match) return;
      clearTimeout(timer);
      const replica: Replica = {
        url: match[1],
        process: child,
        log: () => stderr,
        exited,
        async stop(killAfterMs = 10_000) {
          if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
          const kill = setTimeout(() => child.kill('SIGKILL'), killAfterMs);
          const code = await exited;
          clearTimeout(kill);
          started.delete(replica);
          return code;
        },
      };
      started.add(replica);
      resolve(replica);
    });
  });
}

/** End every replica still running (for `after` hooks). */
export async function stopAll(): Promise<void> {
  await Promise.all([...started].map((replica) => replica.stop(2_000)));
}

/** JSON over HTTP to a replica, answering the status and the parsed body. */
export async function call(
  url: string,
  method: string,
  path: string,
  options: { token?: string; body?: unknown; headers?: Record<string, string> } = {},
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- each test knows what it asked for
): Promise<{ status: number; body: any }> {
  const response = await fetch(`${url}${path}`, {
    method,
    headers: {
      ...(options.body === undefined ? {} : { 'Content-Type': 'application/json' }),
      ...(options.token ? { Authorization: `Bearer ${options.token}` } : {}),
      ...options.headers,
    },
    body: options.body === undefined ? undefined : JSON.stringify(options.body),
    // Bounded: a replica that hangs fails the test instead of holding up the whole run.
    signal: AbortSignal.timeout(30_000),
  });
  const text = await response.text();
  let body: unknown = text;
  try {
    body = text ? JSON.parse(text) : undefined;
  } catch {
    // not JSON (metrics): the text is the body
  }
  return { status: response.status, body };
}
