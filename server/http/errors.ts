import type { Context } from 'hono';
import { HTTPException } from 'hono/http-exception';
import type { ContentfulStatusCode } from 'hono/utils/http-status';
import type { ErrorBody } from '../../shared/errors.ts';
import { AppError, CHANGED_MEANWHILE_MESSAGE } from '../errors.ts';
import { log } from '../log.ts';

/** Seconds a client should wait before retrying while the database is unavailable. */
const RETRY_AFTER_SECONDS = 5;

/**
 * The one place where an error becomes a response (Hono runs `onError` for every route error).
 * Every answer is JSON; a 500 carries a request id that is also in the log, never a stack trace.
 */
export function handleError(error: Error, c: Context): Response {
  const requestId = c.get('requestId') as string | undefined;
  if (error instanceof AppError) {
    const body: ErrorBody = { message: error.message, code: error.code };
    if (error.errors) body.errors = error.errors;
    return c.json(body, error.status as ContentfulStatusCode, error.headers);
  }
  if (error instanceof HTTPException) {
    // Hono's own refusals: malformed JSON (400), a body over the size limit (413), …
    const code =
      error.status === 400
        ? 'malformed_json'
        : error.status === 413
          ? 'payload_too_large'
          : 'validation_failed';
    const body: ErrorBody = { message: error.message || 'Bad request.', code };
    return c.json(body, error.status as ContentfulStatusCode);
  }
  if (isDataException(error)) {
    // Input the database cannot hold (class 22: bad encoding, out of range, …) that validation
    // let through: the request, not the server, is at fault.
    log.warn('data exception', { request_id: requestId, error: describe(error) });
    const body: ErrorBody = {
      message: 'Invalid input.',
      code: 'validation_failed',
      request_id: requestId,
    };
    return c.json(body, 400);
  }
  if (isIntegrityViolation(error)) {
    // Two requests raced for the same row (a unique key, a foreign key): the later one lost.
    log.info('integrity violation', { request_id: requestId, error: describe(error) });
    const body: ErrorBody = {
      message: CHANGED_MEANWHILE_MESSAGE,
      code: 'conflict',
      request_id: requestId,
    };
    return c.json(body, 409);
  }
  if (isDatabaseUnavailable(error)) {
    log.warn('database unavailable', { request_id: requestId, error: describe(error) });
    const body: ErrorBody = {
      message: 'The service is temporarily unavailable. Try again shortly.',
      code: 'service_unavailable',
      request_id: requestId,
    };
    return c.json(body, 503, { 'Retry-After': String(RETRY_AFTER_SECONDS) });
  }
  log.error('unhandled error', {
    request_id: requestId,
    error: describe(error),
    stack: error.stack,
  });
  const body: ErrorBody = {
    message: 'Internal server error.',
    code: 'internal_error',
    request_id: requestId,
  };
  return c.json(body, 500);
}

// Connection failures (Node's socket errors), PostgreSQL's "cannot connect now", admin shutdown,
// too many connections, statement timeouts and a server that stopped answering (pg's client-side
// query timeout, server/db/connect.ts): the database, not the request, is at fault.
const UNAVAILABLE_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ETIMEDOUT',
  'ENOTFOUND',
  'EAI_AGAIN',
  'EPIPE',
  '57P01',
  '57P02',
  '57P03',
  '57014',
  '53300',
  '08000',
  '08001',
  '08003',
  '08004',
  '08006',
]);
const UNAVAILABLE_MESSAGES = [
  'timeout exceeded when trying to connect',
  'Connection terminated',
  'connection timeout',
  'Query read timeout',
];

function isDatabaseUnavailable(error: unknown, depth = 0): boolean {
  if (!(error instanceof Error) || depth > 3) return false;
  const code = (error as { code?: unknown }).code;
  if (typeof code === 'string' && UNAVAILABLE_CODES.has(code)) return true;
  if (UNAVAILABLE_MESSAGES.some((text) => error.message.includes(text))) return true;
  if (
    error instanceof AggregateError &&
    error.errors.some((e) => isDatabaseUnavailable(e, depth + 1))
  ) {
    return true;
  }
  return isDatabaseUnavailable(error.cause, depth + 1);
}

function isDataException(error: Error): boolean {
  const code = (error as { code?: unknown }).code;
  return typeof code === 'string' && /^22[0-9A-Z]{3}$/.test(code);
}

/** Class 23 (unique or foreign key), a deadlock (40P01) or a serialization failure (40001). */
function isIntegrityViolation(error: Error): boolean {
  const code = (error as { code?: unknown }).code;
  return (
    typeof code === 'string' &&
    (/^23[0-9A-Z]{3}$/.test(code) || code === '40P01' || code === '40001')
  );
}

function describe(error: Error): string {
  return `${error.name}: ${error.message}`;
}
