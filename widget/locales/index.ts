import { enCore } from './en-core.ts';
import type { en } from './en.ts';

/**
 * The widget's one translation function. Every string a user sees comes from a dictionary here.
 * English is built in, in two parts: what the Users panel's first paint shows (./en-core.ts, in
 * the core), and the rest (./en.ts), which each part loaded on first use imports (it adds itself
 * with `addEnglish`). German, Chinese and Russian are loaded on first use (`loadLanguage`), each
 * whole, as its own small module next to the widget, so a page pays only for the language it
 * shows.
 */

export type MessageKey = keyof typeof enCore | keyof typeof en;
export type Dictionary = Record<MessageKey, string>;
export type Params = Record<string, string | number>;

export const DEFAULT_LANG = 'en';

const LOADERS: Record<string, () => Promise<Dictionary>> = {
  de: () => import('./de.ts').then((module) => module.de),
  zh: () => import('./zh.ts').then((module) => module.zh),
  ru: () => import('./ru.ts').then((module) => module.ru),
};

/** The widget's interface languages, English first. */
export const UI_LANGUAGES = [DEFAULT_LANG, ...Object.keys(LOADERS)];

/** The English texts there are so far: the core's, and ./en.ts's once a lazy part brought it. */
const english: Partial<Dictionary> = { ...enCore };
const loaded: Record<string, Partial<Dictionary>> = { en: english };

/** ./en.ts adds its texts when it arrives. */
export function addEnglish(texts: Partial<Dictionary>): void {
  Object.assign(english, texts);
}

const loading: Record<string, Promise<string>> = {};

/** The interface language for `lang` (`de-AT` → `de`), else English. */
export function resolveLang(lang: string | null | undefined): string {
  const base = (lang ?? '').toLowerCase().split('-')[0];
  return UI_LANGUAGES.includes(base) ? base : DEFAULT_LANG;
}

/** Whether `t()` can show `lang` now, with no load. */
export function hasDictionary(lang: string): boolean {
  return resolveLang(lang) in loaded;
}

/**
 * Loads the dictionary of `lang` once and answers the language `t()` can now show. A dictionary
 * that cannot be loaded (the module is not served, the network failed) leaves English, and a
 * later call tries again.
 */
export function loadLanguage(lang: string | null | undefined): Promise<string> {
  const resolved = resolveLang(lang);
  if (resolved in loaded) return Promise.resolve(resolved);
  loading[resolved] ??= LOADERS[resolved]!()
    .then((dictionary) => {
      loaded[resolved] = dictionary;
      return resolved;
    })
    .catch(() => {
      delete loading[resolved];
      return DEFAULT_LANG;
    });
  return loading[resolved];
}

/**
 * `t('users.showing', { from: 1, to: 10, count: 31 })` → "Showing 1 - 10 of 31 entries". A
 * language whose dictionary is not loaded yet shows English.
 */
export function t(key: MessageKey, params?: Params, lang: string = DEFAULT_LANG): string {
  // The key itself only if a part shows a text it did not import (the build's check forbids it).
  const text = loaded[resolveLang(lang)]?.[key] ?? english[key] ?? key;
  if (!params) return text;
  return text.replace(/\{(\w+)\}/g, (whole, name: string) =>
    name in params ? String(params[name]) : whole,
  );
}

/** Whether `key` names a message; lets callers translate codes that come from the server. */
export function isMessageKey(key: string): key is MessageKey {
  return key in english;
}
