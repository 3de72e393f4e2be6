import type { Context } from 'koa';
import { translator, type Locale, type MessageKey } from '../i18n/index.ts';
import { isBusy } from '../shared/admission.ts';
import type { UnavailableError } from '../shared/unavailable.ts';
import { resolveLocale } from './locale.ts';
import type { Render } from './render.ts';
import { markUnavailable, retryHref } from './unavailable.ts';

/**
 * The way back to the partner a page offers, when the partner is known: a form that ends the
 * interaction (oidc-provider then redirects with an OAuth error), a link (the partner's redirect
 * with an error, built where the interaction is gone), or, when neither is allowed, the partner's
 * name in a sentence that says to return to its app.
 */
export interface WayBack {
  partnerName: string;
  abort?: { action: string; csrf: string };
  href?: string;
  /** The partner has its answer already: the sentence says to look there, not to start again. */
  finished?: boolean;
}

export interface ErrorPage {
  status: number;
  /** The machine-readable code (an OAuth error or ours), shown small under the message. */
  code: string;
  messageKey: MessageKey;
  titleKey?: MessageKey;
  locale?: Locale;
  /**
   * The same page in the other language; by default the current path with only ?lang= (a hostile
   * query is not echoed back); null for none.
   */
  switchLocaleHref?: string | null;
  wayBack?: WayBack;
  /** "Try again" (the same step): outage pages. */
  retryHref?: string;
  /** A link back to the customer's own page, for pages under /my. */
  myPage?: boolean;
}

/**
 * Every error, expiry, outage and not-found page a customer can meet, whatever surface it comes
 * from (API連携認証, /my, oidc-provider's own errors, the last-resort error handler): one template,
 * views/error.eta, in the bank's layout, with the inquiry number (the request id) and the way back.
 */
export const renderErrorPage = (render: Render, ctx: Context, page: ErrorPage) => {
  const locale = page.locale ?? localeOf(ctx);
  render(
    ctx,
    'error',
    {
      code: page.code,
      messageKey: page.messageKey,
      wayBack: page.wayBack,
      retryHref: page.retryHref,
      myPage: page.myPage === true,
    },
    {
      locale,
      title: translator(locale)(page.titleKey ?? 'error.title'),
      switchLocaleHref:
        page.switchLocaleHref === null
          ? undefined
          : (page.switchLocaleHref ?? `${ctx.path}?lang=${locale === 'ja' ? 'en' : 'ja'}`),
      status: page.status,
    },
  );
};

/** The page's language; Japanese when the request cannot even be read for it (its socket already gone). */
const localeOf = (ctx: Context, uiLocales?: unknown): Locale => {
  try {
    return resolveLocale(ctx, uiLocales);
  } catch {
    return 'ja';
  }
};

/** 503 for an outage: the customer's place is kept, "try again" opens the same step. */
export const renderUnavailablePage = (
  render: Render,
  ctx: Context,
  error?: Pick<UnavailableError, 'retryAfterSeconds'>,
  uiLocales?: unknown,
) => {
  // Refused by an admission limit (src/shared/admission.ts), not an outage: 「ただいま混み合っています」.
  const busy = isBusy(error);
  renderErrorPage(render, ctx, {
    status: 503,
    code: 'temporarily_unavailable',
    titleKey: busy ? 'busy.title' : 'unavailable.title',
    messageKey: busy ? 'busy.message' : 'unavailable.message',
    locale: localeOf(ctx, uiLocales),
    retryHref: retryHref(ctx),
    myPage: ctx.path.startsWith('/my'),
  });
  markUnavailable(ctx, error);
};

/** An unknown URL, for a browser: the bank's styled page, in the customer's language. */
export const renderNotFoundPage = (render: Render, ctx: Context) => {
  renderErrorPage(render, ctx, {
    status: 404,
    code: 'not_found',
    titleKey: 'notfound.title',
    messageKey: 'notfound.message',
  });
  ctx.set('Cache-Control', 'no-store');
};

/** Browsers say so; API clients that send no Accept header (or * / *) get JSON. */
export const wantsHtml = (ctx: Pick<Context, 'get' | 'accepts'>) =>
  /\btext\/html\b/.test(ctx.get('accept')) && ctx.accepts('json', 'html') === 'html';
