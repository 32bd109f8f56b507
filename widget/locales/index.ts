import { en } from './en.ts';

/**
 * The widget's one translation function. Every string a user sees comes from a dictionary here;
 * adding German, Chinese or Russian means adding a dictionary typed `Dictionary` to `DICTIONARIES`.
 */

export type MessageKey = keyof typeof en;
export type Dictionary = Record<MessageKey, string>;
export type Params = Record<string, string | number>;

export const DEFAULT_LANG = 'en';

const DICTIONARIES: Record<string, Dictionary> = { en };

/** The dictionary's language for `lang` (`de-AT` → `de` when present), else English. */
export function resolveLang(lang: string | null | undefined): string {
  const base = (lang ?? '').toLowerCase().split('-')[0];
  return base in DICTIONARIES ? base : DEFAULT_LANG;
}

/** `t('users.showing', { from: 1, to: 10, count: 31 })` → "Showing 1 - 10 of 31 entries". */
export function t(key: MessageKey, params?: Params, lang: string = DEFAULT_LANG): string {
  const text = (DICTIONARIES[resolveLang(lang)] ?? en)[key] ?? en[key];
  if (!params) return text;
  return text.replace(/\{(\w+)\}/g, (whole, name: string) =>
    name in params ? String(params[name]) : whole,
  );
}

/** Whether `key` names a message; lets callers translate codes that come from the server. */
export function isMessageKey(key: string): key is MessageKey {
  return key in en;
}
