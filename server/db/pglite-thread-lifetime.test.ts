import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';

/**
 * How PGlite's worker thread weighs on the process's life (server/db/pglite-thread.ts): it keeps
 * the process alive while a query is in flight, and not once the answers are in. Each case is a
 * script of its own in a child process, since what is tested is whether that process ends.
 */
const scripts = mkdtempSync(join(tmpdir(), 'um-pglite-lifetime-'));
after(() => rmSync(scripts, { recursive: true, force: true }));

function runScript(body: string): Promise<{ code: number | null; stdout: string }> {
  const file = join(scripts, `script-${Math.random().toString(36).slice(2)}.mts`);
  writeFileSync(
    file,
    `
    import { PGliteThread } from ${JSON.stringify(new URL('./pglite-thread.ts', import.meta.url).href)};
    ${body}
  `,
  );
  const child = spawn(process.execPath, ['--import', 'tsx', file], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  let stdout = '';
  child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
  // A thread that keeps the process alive for good would hang this test: end it and say so.
  const killer = setTimeout(() => child.kill('SIGKILL'), 30_000);
  return new Promise((resolve) => {
    child.on('exit', (code) => {
      clearTimeout(killer);
      resolve({ code, stdout });
    });
  });
}

describe("PGlite's thread and the life of the process", () => {
  it('keeps the process alive until a query nobody awaits has answered', async () => {
    // Nothing else is pending on the main thread: an unref'd worker would let the process end
    // before the answer arrives, and the row would never be printed.
    const { code, stdout } = await runScript(`
      PGliteThread.start('memory://').then((thread) => {
        thread
          .query('select pg_sleep(0.3), 42 as answer')
          .then(({ rows }) => console.log('answer', rows[0].answer));
      });
    `);
    assert.equal(code, 0);
    assert.match(stdout, /answer 42/);
  });

  it('lets the process end once the answers are in, even if the database is never closed', async () => {
    const { code, stdout } = await runScript(`
      const thread = await PGliteThread.start('memory://');
      const { rows } = await thread.query('select 1 as one');
      console.log('done', rows[0].one);
    `);
    assert.equal(code, 0, 'the process ended by itself (it is killed after 30 s otherwise)');
    assert.match(stdout, /done 1/);
  });
});
