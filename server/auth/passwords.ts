import { availableParallelism } from 'node:os';
import { AppError } from '../errors.ts';
import { HashingThread, HashingThreadEnded } from './hashing-thread.ts';

/**
 * Argon2id password hashes (@node-rs/argon2: native, no build step, OWASP's recommended
 * algorithm; its defaults are m=19 MiB, t=2, p=1, which is OWASP's baseline).
 *
 * Each hash takes ~70 ms of a core and 19 MiB. Hashing runs on threads of its own beside the event
 * loop that serves every other request, so a flood of sign-ins must not take every core: at most
 * `atOnce` hashes run (all cores but one), at most `capacity` are admitted (running or waiting,
 * about half a second of queue), and past that a sign-in is refused at once with 503 and
 * Retry-After instead of piling up. The rest of the API keeps its core (issue 13, decision 023),
 * and the hashing threads run at a low priority, so the event loop and the database go first even
 * on the cores hashing uses (hashing-thread.ts, decision 030).
 */
export class HashQueue {
  private admitted = 0;
  private running = 0;
  private readonly waiting: Array<() => void> = [];

  constructor(
    readonly atOnce: number,
    readonly capacity: number,
  ) {}

  /** Whether `admit` would refuse now. */
  get full(): boolean {
    return this.admitted >= this.capacity;
  }

  /** A place in the queue for one piece of hashing, or a 503 at once when the queue is full. */
  admit(): Admission {
    if (this.full) throw HASHING_BUSY;
    this.admitted++;
    let released = false;
    const release = () => {
      if (released) return;
      released = true;
      this.admitted--;
    };
    return {
      run: async (work) => {
        try {
          return await this.exclusive(work);
        } finally {
          release();
        }
      },
      release,
    };
  }

  private async exclusive<T>(work: () => Promise<T>): Promise<T> {
    // A finishing hash hands its slot straight to the next in line, so `atOnce` is never exceeded.
    if (this.running >= this.atOnce)
      await new Promise<void>((resolve) => this.waiting.push(resolve));
    else this.running++;
    try {
      return await work();
    } finally {
      const next = this.waiting.shift();
      if (next) next();
      else this.running--;
    }
  }
}

/** An admitted place in the queue: `run` uses it once; `release` gives it back unused. */
export interface Admission {
  run<T>(work: () => Promise<T>): Promise<T>;
  release(): void;
}

/**
 * The refusal of a full queue (decision 023): the server is busy, the caller did nothing wrong.
 * One object for every refusal: in a flood it is thrown thousands of times a second, and a new
 * Error captures a stack each time (6% of the event loop in the flood's profile); no one reads
 * this one's stack, and nothing changes it.
 */
export const HASHING_BUSY = new AppError(
  'service_unavailable',
  'Too many sign-ins at once. Try again in a moment.',
  undefined,
  { 'Retry-After': '1' },
);

const atOnce = Math.max(1, availableParallelism() - 1);
export const passwordHashing = new HashQueue(atOnce, atOnce * 8);

/** One thread per hash that may run at once; the queue never lets more run. */
const threads = Array.from({ length: atOnce }, () => new HashingThread());
/** The least busy thread (a hash outside the queue, such as `unknownUserHash`, may overlap). */
const thread = () => threads.reduce((a, b) => (b.inFlight < a.inFlight ? b : a));
const hash = (password: string) => thread().hash(password);
const verify = (hashed: string, password: string) => thread().verify(hashed, password);

export function hashPassword(password: string): Promise<string> {
  return passwordHashing.admit().run(() => hash(password));
}

/** Several hashes as one admission, one after another (a new set of backup codes). */
export function hashPasswords(passwords: string[]): Promise<string[]> {
  return passwordHashing.admit().run(async () => {
    const hashes: string[] = [];
    for (const password of passwords) hashes.push(await hash(password));
    return hashes;
  });
}

// Verified when the email is unknown, so that an unknown email and a wrong password take the same
// time and an attacker cannot tell which emails have accounts.
const unknownUserHash = hash('this password belongs to no one');

/**
 * Whether `password` matches `passwordHash` (a dummy hash when null). `admission` is a place
 * taken earlier (sign-in takes it before doing anything else, so a refused attempt costs nothing).
 */
export async function verifyPassword(
  passwordHash: string | null,
  password: string,
  admission: Admission = passwordHashing.admit(),
): Promise<boolean> {
  const against = passwordHash ?? (await unknownUserHash);
  try {
    return (await admission.run(() => verify(against, password))) && passwordHash !== null;
  } catch (error) {
    if (error instanceof AppError || error instanceof HashingThreadEnded) throw error;
    return false; // a stored hash argon2 cannot read matches nothing
  }
}
