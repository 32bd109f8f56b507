/**
 * Stable error codes of the BFF. The HTTP status travels with the code so that the server and the
 * widget agree on both; the widget translates codes, never message texts.
 */
export const ERRORS = {
  validation_failed: 400,
  malformed_json: 400,
  invalid_credentials: 400,
  /** 400 at sign-in (send the code); 403 on an account that requires 2FA of one who has none. */
  two_fa_required: 400,
  invalid_one_time_password: 400,
  not_authenticated: 401,
  invalid_token: 401,
  refresh_token_invalid: 401,
  invalid_password: 400,
  forbidden: 403,
  profile_shared: 403,
  last_administrator: 403,
  token_role_conflict: 403,
  not_found: 404,
  method_not_allowed: 405,
  already_invited: 400,
  invitation_already_accepted: 400,
  invitation_invalid: 404,
  invitation_expired: 410,
  invitation_used: 410,
  user_has_active_tokens: 403,
  two_fa_enforced: 403,
  cannot_remove_self: 403,
  token_limit_reached: 400,
  conflict: 409,
  payload_too_large: 413,
  unsupported_media_type: 415,
  rate_limited: 429,
  internal_error: 500,
  service_unavailable: 503,
} as const;

export type ErrorCode = keyof typeof ERRORS;

/** Field errors in Gcore's shape: `{ field: ["message", …] }`; nested fields use dotted paths. */
export type FieldErrors = Record<string, string[]>;

/**
 * The one place Gcore's API nests field errors instead: a token role above the issuer's,
 * `{"client_user": {"role": ["Can't create token with role Administrators"]}}` (API.md).
 */
export interface TokenRoleErrors {
  client_user: { role: string[] };
}

/** The JSON body of every error answer. */
export interface ErrorBody {
  message: string;
  code: ErrorCode;
  errors?: FieldErrors | TokenRoleErrors;
  request_id?: string;
}

/** Gcore's text for a failed sign-in; the same for an unknown email and a wrong password. */
export const INVALID_CREDENTIALS_MESSAGE = 'No active account found with the given credentials.';
