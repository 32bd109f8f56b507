import type { ErrorBody, ErrorCode, FieldErrors } from '../../shared/errors.ts';
import type { Route, RouteTypes } from '../../shared/routes.ts';

/**
 * How the widget speaks to the BFF over HTTP: one request, and what a refusal or a failure becomes
 * (`ApiError`). Sessions and endpoints are the client's (client.ts).
 */

/** Codes the client adds for failures that never reached (or never came back from) the BFF. */
export type ClientErrorCode = 'network_error' | 'origin_not_allowed' | 'unexpected_response';

export class ApiError extends Error {
  override readonly name = 'ApiError';
  constructor(
    /** HTTP status; 0 when the server could not be reached. */
    readonly status: number,
    readonly code: ErrorCode | ClientErrorCode,
    message: string,
    readonly fieldErrors: FieldErrors = {},
    /** Seconds to wait before retrying, from `Retry-After` (503, 429). */
    readonly retryAfter: number | undefined = undefined,
    /** The server's `request_id` of a 500, to quote to support. */
    readonly requestId: string | undefined = undefined,
  ) {
    super(message);
  }
}

/** Any failure as an ApiError: what a request refused, or anything else as an unexpected answer. */
export function asApiError(error: unknown): ApiError {
  return error instanceof ApiError ? error : new ApiError(0, 'unexpected_response', String(error));
}

export function isAbortError(error: unknown): boolean {
  return error instanceof DOMException && error.name === 'AbortError';
}

/** Status → code for answers whose body is not the BFF's JSON (a proxy's 502 page, say). */
const CODE_BY_STATUS: Record<number, ErrorCode> = {
  400: 'validation_failed',
  401: 'not_authenticated',
  403: 'forbidden',
  404: 'not_found',
  405: 'method_not_allowed',
  409: 'conflict',
  413: 'payload_too_large',
  429: 'rate_limited',
  503: 'service_unavailable',
};

export function normalizeBaseUrl(api: string | null | undefined): string {
  return (api ?? '').trim().replace(/\/+$/, '');
}

function parseRetryAfter(value: string | null): number | undefined {
  if (!value) return undefined;
  if (/^\d+$/.test(value.trim())) return Number(value);
  const date = Date.parse(value);
  return Number.isNaN(date) ? undefined : Math.max(0, Math.ceil((date - Date.now()) / 1000));
}

function isErrorBody(body: unknown): body is ErrorBody {
  return (
    typeof body === 'object' &&
    body !== null &&
    typeof (body as ErrorBody).code === 'string' &&
    typeof (body as ErrorBody).message === 'string'
  );
}

/** `{client_user: {role: [...]}}` (the one nested shape Gcore uses) → `{'client_user.role': [...]}`. */
function flattenFieldErrors(errors: object, prefix = ''): FieldErrors {
  const flat: FieldErrors = {};
  for (const [key, value] of Object.entries(errors)) {
    const path = prefix ? `${prefix}.${key}` : key;
    if (Array.isArray(value)) flat[path] = value.map(String);
    else if (value && typeof value === 'object')
      Object.assign(flat, flattenFieldErrors(value, path));
  }
  return flat;
}

export async function toApiError(response: Response): Promise<ApiError> {
  const retryAfter = parseRetryAfter(response.headers.get('Retry-After'));
  let body: unknown;
  try {
    body = await response.json();
  } catch {
    body = undefined;
  }
  if (isErrorBody(body)) {
    // Gcore puts non-field messages of a failed sign-in under `errors.errors`; they are not fields.
    const { errors: _nonField, ...fieldErrors } = flattenFieldErrors(body.errors ?? {});
    return new ApiError(
      response.status,
      body.code,
      body.message,
      fieldErrors,
      retryAfter,
      body.request_id,
    );
  }
  const code = CODE_BY_STATUS[response.status] ?? 'internal_error';
  return new ApiError(response.status, code, response.statusText, {}, retryAfter);
}

export function queryString(query: object): string {
  const params = new URLSearchParams();
  for (const [key, value] of Object.entries(query)) {
    if (value === undefined || value === '') continue;
    for (const item of Array.isArray(value) ? value : [value]) params.append(key, String(item));
  }
  const text = params.toString();
  return text ? `?${text}` : '';
}

/** What `call()` takes for a route: its path's params, query and body when it has them. */
export type CallArgs<T extends RouteTypes> = ParamsArg<T> &
  QueryArg<T> &
  BodyArg<T> & {
    signal?: AbortSignal | undefined;
    /** Outlives the page (a sign-out as the host navigates away). */
    keepalive?: boolean;
  };
type ParamsArg<T> = T extends { params: infer P } ? { params: P } : unknown;
type QueryArg<T> = T extends { query: infer Q } ? { query?: Q } : unknown;
type BodyArg<T> = T extends { body: infer B } ? { body: B } : unknown;

export type ResultOf<T extends RouteTypes> = T extends { result: infer R } ? R : void;

/** CallArgs of any route, as `call()` reads them. */
export interface AnyCallArgs {
  params?: object;
  query?: object;
  body?: unknown;
  signal?: AbortSignal | undefined;
  keepalive?: boolean;
}

/** A route's path with its `:name` parts filled in. */
export function pathOf(route: Route, params: object = {}): string {
  const values = params as Record<string, string | number>;
  return route.path.replace(/:(\w+)/g, (_, name: string) => encodeURIComponent(values[name]!));
}

export interface HttpRequest {
  method: Route['method'];
  /** The path and query string. */
  path: string;
  body?: unknown;
  signal?: AbortSignal | undefined;
  /** The access token to send, if any. */
  access?: string | undefined;
  /** Outlives the page (a sign-out as the host navigates away). */
  keepalive?: boolean | undefined;
}

/** Sends a request; a failure to reach the BFF is an ApiError with status 0. */
export async function send(baseUrl: string, request: HttpRequest): Promise<Response> {
  const { body, signal, access } = request;
  const headers: Record<string, string> = { Accept: 'application/json' };
  if (body !== undefined) headers['Content-Type'] = 'application/json';
  if (access) headers.Authorization = `Bearer ${access}`;
  try {
    return await fetch(`${baseUrl}${request.path}`, {
      method: request.method.toUpperCase(),
      headers,
      body: body === undefined ? undefined : JSON.stringify(body),
      signal,
      credentials: 'omit',
      keepalive: request.keepalive ?? false,
    });
  } catch (cause) {
    if (isAbortError(cause) || signal?.aborted) throw cause;
    const refused = await refusedByCors(baseUrl);
    throw new ApiError(0, refused ? 'origin_not_allowed' : 'network_error', String(cause));
  }
}

/** The JSON of a successful answer; undefined for 204. */
export async function readResult(response: Response): Promise<unknown> {
  if (response.status === 204) return undefined;
  try {
    return await response.json();
  } catch (cause) {
    if (isAbortError(cause)) throw cause;
    throw new ApiError(response.status, 'unexpected_response', 'Response is not JSON');
  }
}

/**
 * Whether a request to a BFF on another origin failed because the BFF does not allow this page's
 * origin (no CORS headers; its ALLOWED_ORIGINS setting) rather than because it cannot be reached.
 * The browser says neither, but a `no-cors` request still gets an (opaque) answer from a BFF that
 * answers at all, and fails like the first one when it cannot be reached.
 */
async function refusedByCors(baseUrl: string): Promise<boolean> {
  const bff = new URL(baseUrl || '/', location.href);
  if (bff.origin === location.origin) return false;
  try {
    await fetch(new URL('health', `${bff.href.replace(/\/?$/, '/')}`), {
      mode: 'no-cors',
      credentials: 'omit',
    });
    return true;
  } catch {
    return false;
  }
}
