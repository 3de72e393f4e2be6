import type { Context } from 'koa';
import { isLocale, localeFromUiLocales, type Locale } from '../i18n/index.ts';

export const LOCALE_COOKIE = 'lang';

/**
 * The page language: an explicit ?lang= switch (remembered in a cookie), else the cookie, else the
 * partner's ui_locales, else Japanese.
 */
export const resolveLocale = (ctx: Context, uiLocales?: unknown): Locale => {
  const asked = ctx.query.lang;
  if (isLocale(asked)) {
    ctx.cookies.set(LOCALE_COOKIE, asked, {
      httpOnly: true,
      sameSite: 'lax',
      secure: ctx.secure,
      overwrite: true,
      signed: false,
    });
    return asked;
  }
  const remembered = ctx.cookies.get(LOCALE_COOKIE, { signed: false });
  if (isLocale(remembered)) return remembered;
  return localeFromUiLocales(uiLocales) ?? 'ja';
};

/** The current path with ?lang= set to the other language. */
export const switchLocaleHref = (ctx: Context, current: Locale): string => {
  const params = new URLSearchParams(ctx.querystring);
  params.set('lang', current === 'ja' ? 'en' : 'ja');
  return `${ctx.path}?${params.toString()}`;
};
