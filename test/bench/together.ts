import { statsOf, type Stats } from './scenario.ts';

/**
 * Several requests measured in one window, taking turns, so that each meets the same load: the
 * ratio between two of them (the 100,000 account's first page against the 1,000 account's,
 * either against `/health`) is then the requests' own, not the machine's at two moments. Measured
 * one after the other (run.ts `measure`), two rows seconds apart saw /health at 16.5 and at
 * 4.7 ms on a shared machine, which made a 2.9× out of two statements of 0.56 and 0.30 ms.
 *
 * The turns are slices: `clients` clients each sending `perClient` of one request, then the next
 * request's slice, round after round, each round in a random order (so that no request always
 * follows the same one, and pays for its garbage). At one client a slice is one request: the requests alternate one by one. At ten,
 * a slice keeps ten of the same request in flight, as `measure` does: mixing them in flight
 * would make each one wait for the others' work, and every ratio would shrink towards 1.
 */
export interface Turn {
  send(): Promise<{ status: number; ms: number }>;
  /** The status that counts as success (others are counted as errors, their time kept). */
  expected: number;
}

export interface TogetherLimits {
  /** Requests per turn wanted (each turn gets the same number of slices). */
  requests: number;
  /** The window's length at most, per turn. */
  seconds: number;
}

/** Requests per client in one slice, by client count: one by one alone, a few waves at ten. */
export const perClient = (clients: number) => (clients === 1 ? 1 : 3);

export async function measureTogether(
  turns: Turn[],
  clients: number,
  limits: TogetherLimits,
): Promise<Stats[]> {
  const each = perClient(clients);
  const slice = async (turn: Turn, latencies?: number[], errors?: number[], i = 0) => {
    await Promise.all(
      Array.from({ length: clients }, async () => {
        for (let n = 0; n < each; n++) {
          const answer = await turn.send();
          if (answer.status !== turn.expected && errors) errors[i]++;
          latencies?.push(answer.ms);
        }
      }),
    );
  };
  // Warm-up: each request at this concurrency once, nothing kept (as `measure` does).
  for (const turn of turns) await slice(turn);

  const latencies = turns.map(() => [] as number[]);
  const errors = turns.map(() => 0);
  const busy = turns.map(() => 0);
  const rounds = Math.max(3, Math.ceil(limits.requests / (clients * each)));
  const until = performance.now() + limits.seconds * 1000 * turns.length;
  for (let round = 0; round < rounds && (round < 3 || performance.now() < until); round++) {
    for (const i of shuffled(turns.map((_, i) => i))) {
      const started = performance.now();
      await slice(turns[i], latencies[i], errors, i);
      busy[i] += performance.now() - started;
    }
  }
  return turns.map((_, i) => statsOf(latencies[i], busy[i], { bytes: 0, errors: errors[i] }));
}

function shuffled<T>(items: T[]): T[] {
  for (let i = items.length - 1; i > 0; i--) {
    const j = Math.floor(Math.random() * (i + 1));
    [items[i], items[j]] = [items[j], items[i]];
  }
  return items;
}
