import type { ApiError } from '../api/client.ts';
import { isMessageKey, t } from './index.ts';

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
export function retryText(seconds: number, lang: string): string {
  if (seconds < 120) return t('error.retryAfter', { seconds }, lang);
  if (seconds < 2 * 3600)
    return t('error.retryAfterMinutes', { minutes: Math.ceil(seconds / 60) }, lang);
  return t('error.retryAfterHours', { hours: Math.ceil(seconds / 3600) }, lang);
}
