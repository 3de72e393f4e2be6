import type { Context } from 'koa';
import { translator, type Locale } from '../i18n/index.ts';
import type { BusyError } from '../shared/admission.ts';
import { resolveLocale } from './locale.ts';
import type { Render } from './render.ts';
import { markUnavailable, retryHref } from './unavailable.ts';

/**
 * 「ただいま混み合っています」: an identity check was refused by its admission limit. 503 with
 * Retry-After, like an outage, and a link back to the same step; nothing of the step was done.
 */
export const renderBusyPage = (
  render: Render,
  ctx: Context,
  error: Pick<BusyError, 'retryAfterSeconds'>,
  /** The page's language where the surface knows it (an interaction's ui_locales). */
  known?: Locale,
) => {
  const locale = known ?? resolveLocale(ctx);
  render(
    ctx,
    'busy',
    { retryHref: retryHref(ctx), retryAfterSeconds: error.retryAfterSeconds },
    { locale, title: translator(locale)('busy.title'), status: 503 },
  );
  markUnavailable(ctx, error);
};
