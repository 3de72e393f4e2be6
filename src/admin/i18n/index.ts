import type { Locale } from '../../i18n/index.ts';
import { adminEn } from './en.ts';
import { adminJa, type AdminMessageKey } from './ja.ts';

export type { AdminMessageKey };
export type AdminTranslate = (key: AdminMessageKey, vars?: Record<string, string | number>) => string;

const catalogs: Record<Locale, Record<AdminMessageKey, string>> = { ja: adminJa, en: adminEn };

/** The console's own catalog; the shared one (bank name, account types) stays the customer pages'. */
export const adminTranslator =
  (locale: Locale): AdminTranslate =>
  (key, vars) => {
    const text = catalogs[locale][key] ?? key;
    return vars ? text.replace(/\{(\w+)\}/g, (m, name: string) => (name in vars ? String(vars[name]) : m)) : text;
  };

export const isAdminMessageKey = (value: unknown): value is AdminMessageKey =>
  typeof value === 'string' && value in adminJa;
