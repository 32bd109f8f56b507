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

export const notFound = (message = 'Not found.') => new AppError('not_found', message);
export const forbidden = (message = 'You do not have permission to perform this action.') =>
  new AppError('forbidden', message);
export const notAuthenticated = (message = 'Authentication credentials were not provided.') =>
  new AppError('not_authenticated', message);
export const invalidToken = (message = 'Given token not valid for any token type.') =>
  new AppError('invalid_token', message);
