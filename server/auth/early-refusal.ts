import type { IncomingMessage, RequestListener, ServerResponse } from 'node:http';
import type { Socket } from 'node:net';
import { Hono } from 'hono';
import * as routes from '../../shared/routes.ts';
import { handleError } from '../http/errors.ts';
import { everyAnswer } from '../http/headers.ts';
import type { Metrics } from '../http/metrics.ts';
import { newRequestId, REQUEST_ID_HEADER } from '../http/request-id.ts';
import { HASHING_BUSY, passwordHashing } from './passwords.ts';

/** Lower case, as @hono/node-server writes every header name. */
const requestIdHeader = REQUEST_ID_HEADER.toLowerCase();

/** An answer ready to write: the status, every header but the request id, and the body. */
interface Answer {
  status: number;
  headers: Record<string, string | number>;
  body: Buffer;
}

/**
 * In a flood of sign-ins, one past the full hashing queue is answered in node's `request` listener,
 * before the Hono adapter builds a web Request and the app's middleware runs: about half of what a
 * refusal cost the event loop, so a flood leaves more of it to everyone else (issue 13, decision
 * 032). The answer is the app's own: rendered once per allowed origin (and once for any other)
 * through the middleware of every answer and the app's error handler, then written with a new
 * request id at the end of the event loop's turn (below), and counted and logged by the app's
 * metrics. Not a byte of the body is read (node discards it to keep the connection), nothing is
 * written to the database.
 *
 * Only the exact path is answered here; anything else (a query string, another method, a queue
 * with room) goes on to `next`, the app, whose `refuseWhenHashingIsFull` gives the same answer.
 * Not done here: the warning of an untrusted proxy, which the requests that filled the queue have
 * already given.
 */
/**
 * How long a connection refused a sign-in is not read from, per refusal (decision 035). Only where
 * each connection is one client's: behind a proxy (TRUST_PROXY) a connection may carry other
 * people's requests, and the proxy's own limit per client is what bounds a flood (docs/deploy.md).
 */
export const REFUSED_CONNECTION_HOLD_MS = 100;

/** The hold for a BFF behind a proxy (`trustProxy`) or not. */
export const refusedConnectionHoldMs = (trustProxy: boolean): number =>
  trustProxy ? 0 : REFUSED_CONNECTION_HOLD_MS;

/**
 * Connections being held, and until when. Every refusal on a connection adds a hold, so requests
 * sent without waiting for their answers (pipelined, all read and refused at once) wait for as many
 * holds before more is read.
 */
const holds = new WeakMap<Socket, { until: number }>();

/**
 * Reads nothing more from `socket` for `ms` more: the refusal has gone out at once, and the same
 * client's next request waits in the kernel's buffer. A client that honours `Retry-After` never
 * notices; one that does not is slowed to a few requests a second on each connection.
 */
function holdConnection(socket: Socket, ms: number): void {
  const held = holds.get(socket);
  if (held) {
    held.until += ms;
    return;
  }
  const hold = { until: performance.now() + ms };
  holds.set(socket, hold);
  socket.pause();
  const release = () => {
    const left = hold.until - performance.now();
    if (left > 0) {
      setTimeout(release, left).unref();
      return;
    }
    holds.delete(socket);
    socket.resume();
  };
  setTimeout(release, ms).unref();
}

export async function refuseSignInsEarly(
  allowedOrigins: readonly string[],
  /** The app's metrics and log line (`Metrics.record`). */
  record: Metrics['record'],
  /** How long to hold a refused connection (`REFUSED_CONNECTION_HOLD_MS`); 0: not at all. */
  holdMs: number,
): Promise<(next: RequestListener) => RequestListener> {
  const renderer = new Hono()
    .use(...everyAnswer(allowedOrigins))
    .post(routes.login.path, () => {
      throw HASHING_BUSY;
    })
    .onError(handleError);
  const render = async (origin?: string): Promise<Answer> => {
    const response = await renderer.request(routes.login.path, {
      method: 'POST',
      headers: origin ? { Origin: origin } : {},
    });
    const body = Buffer.from(await response.arrayBuffer());
    const headers: Answer['headers'] = Object.fromEntries(response.headers);
    headers['content-length'] = body.length;
    return { status: response.status, headers, body };
  };
  const toOthers = await render();
  const toAllowed = new Map<string, Answer>();
  for (const origin of allowedOrigins) toAllowed.set(origin, await render(origin));

  const refuse = (request: IncomingMessage, response: ServerResponse, started: number) => {
    const origin = request.headers.origin;
    const answer = (origin !== undefined && toAllowed.get(origin)) || toOthers;
    const requestId = newRequestId();
    response.writeHead(answer.status, { ...answer.headers, [requestIdHeader]: requestId });
    response.end(answer.body);
    if (holdMs > 0) {
      // After the body: node reads a body that comes after the answer (to discard it), and that
      // would resume the connection.
      const hold = () => holdConnection(request.socket, holdMs);
      if (request.complete) hold();
      else request.once('end', hold);
    }
    record({
      method: 'POST',
      route: routes.login.path,
      status: answer.status,
      seconds: (performance.now() - started) / 1000,
      requestId,
    });
  };
  // Refusals are written at the end of the event loop's turn (its check phase: setImmediate), after
  // the requests and database answers that came in the same turn have been served: a request of
  // the rest of the API then waits for the flood's requests to be read, not for their answers to
  // be written. No timer and no later turn: the refusal still goes out at once, a fraction of a
  // millisecond later (decision 032 has the figures).
  const pending: Array<[IncomingMessage, ServerResponse, number]> = [];
  const refusePending = () => {
    for (const [request, response, started] of pending.splice(0)) {
      refuse(request, response, started);
    }
  };

  return (next) => (request, response) => {
    if (request.method !== 'POST' || request.url !== routes.login.path || !passwordHashing.full) {
      return next(request, response);
    }
    if (pending.push([request, response, performance.now()]) === 1) setImmediate(refusePending);
  };
}
