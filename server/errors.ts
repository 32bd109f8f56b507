import {
  ERRORS,
  type ErrorCode,
  type FieldErrors,
  type TokenRoleErrors,
} from '../shared/errors.ts';

/**
 * A refusal the BFF means to give. Routes and services throw it; `app.onError` (server/http/errors.ts)
 * is the one place that turns it into a response.
 */
export class AppError extends Error {
  constructor(
    readonly code: ErrorCode,
    message: string,
    readonly errors?: FieldErrors | TokenRoleErrors,
    readonly headers?: Record<string, string>,
  ) {
    super(message);
    this.name = 'AppError';
  }

  get status(): number {
    return ERRORS[this.code];
  }
}

/** A change lost to another made at the same moment: a race, a deadlock, a row changed meanwhile. */
export const CHANGED_MEANWHILE_MESSAGE =
  'This conflicts with a change made at the same moment. Reload and try again.';

export const notFound = (message = 'Not found.') => new AppError('not_found', message);
export const forbidden = (message = 'You do not have permission to perform this action.') =>
  new AppError('forbidden', message);
export const notAuthenticated = (message = 'Authentication credentials were not provided.') =>
  new AppError('not_authenticated', message);
export const invalidToken = (message = 'Given token not valid for any token type.') =>
  new AppError('invalid_token', message);

/**
 * Every "at most `limit` in `windowMs`" rule answers alike: over the limit, a 429 whose
 * Retry-After is when the oldest counted event leaves the window. `message` may use the hours.
 */
export function refuseOverLimit(o: {
  count: number;
  oldest: Date | null;
  limit: number;
  windowMs: number;
  now: Date;
  message: string | ((hours: number) => string);
}): void {
  if (o.count < o.limit || !o.oldest) return;
  const retryAfter = Math.max(
    1,
    Math.ceil((o.oldest.getTime() + o.windowMs - o.now.getTime()) / 1000),
  );
  const message =
    typeof o.message === 'string' ? o.message : o.message(Math.ceil(retryAfter / 3600));
  throw new AppError('rate_limited', message, undefined, { 'Retry-After': String(retryAfter) });
}

/**
 * `two_fa_required` answers 400 at sign-in (send the code as well); on an account that requires
 * two-factor authentication it is the 403 of a session whose member has none once the grace
 * period is over: only setting it up is served (docs/decisions/026). Same code, same meaning
 * ("a second factor is needed first"), so the status says which of the two it is.
 */
class TwoFaSetupRequired extends AppError {
  override get status(): number {
    return 403;
  }
}

export const twoFaSetupRequired = () =>
  new TwoFaSetupRequired(
    'two_fa_required',
    'This account requires two-factor authentication. Set it up to continue.',
  );
