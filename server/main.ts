import { log } from './log.ts';
import { startBff } from './start.ts';

/** `npm start`: the BFF with the demo. Prints where it listens and how to sign in. */
const bff = await startBff();
const { config } = bff;

// SIGTERM (the orchestrator, `kill`) and SIGINT (Ctrl-C) stop gracefully, then exit 0. Set up
// before the line announcing the replica: whoever reads that line may stop it at once.
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => {
    bff.close().then(
      () => process.exit(0),
      (error: unknown) => {
        log.error('shutdown failed', { error: String(error) });
        process.exit(1);
      },
    );
  });
}

process.stdout.write(`BFF listening on ${bff.url}\n`);
process.stdout.write(
  `Database: ${config.databaseUrl ? 'PostgreSQL (DATABASE_URL)' : `PGlite in ${config.dataDir}`}\n`,
);
if (config.demoSeed) {
  process.stdout.write(
    `Demo: open ${bff.url}/ and sign in as ${config.demoAdmin.email} / ${config.demoAdmin.password}\n`,
  );
}
