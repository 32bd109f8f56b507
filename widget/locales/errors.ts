import type { ApiError } from '../api/client.ts';
import { isMessageKey, t } from './index.ts';

/** The user-facing text of a failed request: translated from its code, never the server's text. */
export function errorText(error: ApiError, lang: string): string {
  const key = `error.${error.code}`;
  const parts = [
    isMessageKey(key) ? t(key, undefined, lang) : t('error.internal_error', undefined, lang),
  ];
  if (error.retryAfter !== undefined) {
    parts.push(t('error.retryAfter', { seconds: error.retryAfter }, lang));
  }
  if (error.requestId) parts.push(t('error.reference', { requestId: error.requestId }, lang));
  return parts.join(' ');
}
