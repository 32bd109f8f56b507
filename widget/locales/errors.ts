import type { FieldErrors } from '../../shared/errors.ts';
import type { ApiError } from '../api/client.ts';
import { isMessageKey, t, type MessageKey } from './index.ts';

/**
 * The user-facing text of a failed request: translated from its code, never the server's text.
 * `lead` replaces the code's text where the context knows better (the invite dialog's 429 is the
 * daily limit, not "too many attempts").
 */
export function errorText(error: ApiError, lang: string, lead?: string): string {
  const key = `error.${error.code}`;
  const parts = [
    lead ??
      (isMessageKey(key) ? t(key, undefined, lang) : t('error.internal_error', undefined, lang)),
  ];
  if (error.retryAfter !== undefined) parts.push(retryText(error.retryAfter, lang));
  if (error.requestId) parts.push(t('error.reference', { requestId: error.requestId }, lang));
  return parts.join(' ');
}

/** "Try again in 30 s." — in minutes or hours once seconds stop being readable (a daily limit). */
function retryText(seconds: number, lang: string): string {
  if (seconds < 120) return t('error.retryAfter', { seconds }, lang);
  if (seconds < 2 * 3600)
    return t('error.retryAfterMinutes', { minutes: Math.ceil(seconds / 60) }, lang);
  return t('error.retryAfterHours', { hours: Math.ceil(seconds / 3600) }, lang);
}

/**
 * Field messages of the BFF (and of the shared schemas the forms check first) are Gcore's English
 * texts. Those whose meaning is stable get the widget's own text; a number in them (a length)
 * becomes the message's one parameter.
 */
const FIELD_MESSAGES: [RegExp, MessageKey, string?][] = [
  [/^This field is required\.$/, 'field.required'],
  [/^This field may not be blank\.$/, 'field.required'],
  [/^The two passwords do not match\.$/, 'field.passwordMismatch'],
  [/^The password is not correct\.$/, 'field.wrongPassword'],
  [/^This email is already in use\.$/, 'field.emailTaken'],
  [/^This is already your email\.$/, 'field.sameEmail'],
  [/^Enter a valid phone number\.$/, 'field.invalidPhone'],
  [/^Enter a valid email address\.$/, 'field.invalidEmail'],
  [/^This password is too common\.$/, 'field.commonPassword'],
  [/^Ensure this field has at least (\d+) characters\.$/, 'field.minLength', 'min'],
  [/^Ensure this field has no more than (\d+) characters\.$/, 'field.maxLength', 'max'],
  [/^Null characters are not allowed\.$/, 'field.nullCharacters'],
  [/^User \d+ has already been invited to client \d+\.?$/, 'error.already_invited'],
];

/** The user-facing text of one field message; an unknown message is shown as the server sent it. */
export function fieldErrorText(message: string, lang: string): string {
  for (const [pattern, key, param] of FIELD_MESSAGES) {
    const match = pattern.exec(message);
    if (match) return t(key, param ? { [param]: match[1] } : undefined, lang);
  }
  return message;
}

/** Zod issues as field errors by dotted path (an issue of the whole object goes to `fallback`). */
export function issuesToFieldErrors(
  issues: readonly { path: readonly PropertyKey[]; message: string }[],
  fallback: string,
): FieldErrors {
  const errors: FieldErrors = {};
  for (const issue of issues) {
    const field = issue.path.map(String).join('.') || fallback;
    (errors[field] ??= []).push(issue.message);
  }
  return errors;
}
