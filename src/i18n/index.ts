import { en } from './en.ts';
import { ja, type MessageKey } from './ja.ts';

export type Locale = 'ja' | 'en';
export const LOCALES: readonly Locale[] = ['ja', 'en'];
export type { MessageKey };
export type Translate = (key: MessageKey, vars?: Record<string, string | number>) => string;

const catalogs: Record<Locale, Record<MessageKey, string>> = { ja, en };

export const translator =
  (locale: Locale): Translate =>
  (key, vars) => {
    const text = catalogs[locale][key] ?? key;
    return vars ? text.replace(/\{(\w+)\}/g, (m, name: string) => (name in vars ? String(vars[name]) : m)) : text;
  };

/** The first supported locale of a ui_locales value ("en ja"), or undefined. */
export const localeFromUiLocales = (uiLocales: unknown): Locale | undefined => {
  if (typeof uiLocales !== 'string') return undefined;
  for (const tag of uiLocales.split(' ')) {
    const base = tag.toLowerCase().split('-')[0];
    if (base === 'ja' || base === 'en') return base;
  }
  return undefined;
};

export const isLocale = (value: unknown): value is Locale => value === 'ja' || value === 'en';
