import { createServer, connect, type Server, type Socket } from 'node:net';

/**
 * A PostgreSQL wire-protocol relay between the BFF and the server that counts what the BFF really
 * sends, whatever its code: statements (each Execute or simple Query), round trips (a Sync or a
 * simple Query makes the client wait for ReadyForQuery; round trips overlapping on several
 * connections count once, so this is the number of sequential waits), and the statements' text
 * and parameters (Parse and Bind), for the floors and EXPLAIN ANALYZE. It knows nothing of the
 * server under test, so it counts an old checkout exactly as the new one.
 */
export interface CapturedStatement {
  text: string;
  /** Parameters as sent (text format), null for SQL NULL. */
  values: (string | null)[];
  /** The prepared statement's name, '' when unnamed. */
  name: string;
}

export interface WireCounts {
  statements: number;
  roundTrips: number;
}

export class WireCounter {
  private server?: Server;
  private sockets = new Set<Socket>();
  private waiting = 0;
  counts: WireCounts = { statements: 0, roundTrips: 0 };
  captured: CapturedStatement[] = [];
  port = 0;

  constructor(
    private readonly upstreamHost: string,
    private readonly upstreamPort: number,
  ) {}

  async start(): Promise<number> {
    this.server = createServer((client) => this.relay(client));
    await new Promise<void>((resolve) => this.server!.listen(0, '127.0.0.1', resolve));
    const address = this.server.address();
    this.port = typeof address === 'object' && address ? address.port : 0;
    return this.port;
  }

  /** Counts and captures from now on. */
  mark(): void {
    this.counts = { statements: 0, roundTrips: 0 };
    this.captured = [];
  }

  async stop(): Promise<void> {
    for (const socket of this.sockets) socket.destroy();
    await new Promise<void>((resolve) =>
      this.server ? this.server.close(() => resolve()) : resolve(),
    );
  }

  private relay(client: Socket): void {
    const upstream = connect(this.upstreamPort, this.upstreamHost);
    // As pg's own socket: a big answer's last partial segment must not wait for the delayed ACK of
    // the ones before it (about 40 ms a batch of the streamed list, which no deployment sees).
    client.setNoDelay(true);
    upstream.setNoDelay(true);
    this.sockets.add(client).add(upstream);
    const prepared = new Map<string, string>();
    let unnamed = '';
    let outstanding = 0;
    const frontend = new MessageReader(true, (type, body) => {
      if (type === 'P') {
        const [name, text] = cStrings(body, 2);
        if (name) prepared.set(name, text);
        else unnamed = text;
      } else if (type === 'B') {
        const { statement, values } = parseBind(body);
        this.captured.push({
          text: statement ? (prepared.get(statement) ?? '?') : unnamed,
          values,
          name: statement,
        });
      } else if (type === 'E') {
        this.counts.statements++;
      } else if (type === 'Q') {
        this.counts.statements++;
        this.captured.push({ text: cStrings(body, 1)[0], values: [], name: '' });
      }
      if (type === 'S' || type === 'Q') {
        if (this.waiting === 0) this.counts.roundTrips++;
        this.waiting++;
        outstanding++;
      }
    });
    const backend = new MessageReader(false, (type) => {
      if (type === 'Z' && outstanding > 0) {
        outstanding--;
        this.waiting--;
      }
    });
    client.on('data', (chunk) => {
      frontend.push(chunk);
      upstream.write(chunk);
    });
    upstream.on('data', (chunk) => {
      backend.push(chunk);
      client.write(chunk);
    });
    const close = () => {
      this.waiting -= outstanding;
      outstanding = 0;
      client.destroy();
      upstream.destroy();
      this.sockets.delete(client);
      this.sockets.delete(upstream);
    };
    client.on('close', close).on('error', close);
    upstream.on('close', close).on('error', close);
  }
}

/** Splits a byte stream into protocol messages (the frontend's first one has no type byte). */
class MessageReader {
  private buffer: Buffer = Buffer.alloc(0);
  private started: boolean;

  constructor(
    frontend: boolean,
    private readonly onMessage: (type: string, body: Buffer) => void,
  ) {
    this.started = !frontend;
  }

  push(chunk: Buffer): void {
    this.buffer = this.buffer.length ? Buffer.concat([this.buffer, chunk]) : chunk;
    for (;;) {
      if (!this.started) {
        if (this.buffer.length < 8) return;
        const length = this.buffer.readInt32BE(0);
        if (this.buffer.length < length) return;
        const code = this.buffer.readInt32BE(4);
        this.buffer = this.buffer.subarray(length);
        // SSLRequest (80877103) is answered with one byte; this relay is for plain local traffic.
        if (code !== 80877103) this.started = true;
        continue;
      }
      if (this.buffer.length < 5) return;
      const length = this.buffer.readInt32BE(1);
      if (this.buffer.length < length + 1) return;
      const type = String.fromCharCode(this.buffer[0]);
      this.onMessage(type, this.buffer.subarray(5, length + 1));
      this.buffer = this.buffer.subarray(length + 1);
    }
  }
}

function cStrings(body: Buffer, count: number): string[] {
  const out: string[] = [];
  let at = 0;
  for (let i = 0; i < count; i++) {
    const end = body.indexOf(0, at);
    out.push(body.toString('utf8', at, end));
    at = end + 1;
  }
  return out;
}

function parseBind(body: Buffer): { statement: string; values: (string | null)[] } {
  let at = body.indexOf(0) + 1; // portal
  const end = body.indexOf(0, at);
  const statement = body.toString('utf8', at, end);
  at = end + 1;
  const formats = body.readInt16BE(at);
  at += 2 + formats * 2;
  const count = body.readInt16BE(at);
  at += 2;
  const values: (string | null)[] = [];
  for (let i = 0; i < count; i++) {
    const length = body.readInt32BE(at);
    at += 4;
    if (length < 0) values.push(null);
    else {
      values.push(body.toString('utf8', at, at + length));
      at += length;
    }
  }
  return { statement, values };
}
