import type { Context } from 'koa';
import type { Locale } from '../i18n/index.ts';
import type { BusyError } from '../shared/admission.ts';
import { renderErrorPage } from './error-page.ts';
import type { Render } from './render.ts';
import { markUnavailable, retryHref } from './unavailable.ts';

/**
 * 「ただいま混み合っています」: an identity check was refused by its admission limit. The one
 * error page (src/http/error-page.ts), 503 with Retry-After like an outage, and "try again" opening
 * the same step; nothing of the step was done.
 */
export const renderBusyPage = (
  render: Render,
  ctx: Context,
  error: Pick<BusyError, 'retryAfterSeconds'>,
  /** The page's language where the surface knows it (an interaction's ui_locales). */
  locale?: Locale,
) => {
  renderErrorPage(render, ctx, {
    status: 503,
    code: 'temporarily_unavailable',
    titleKey: 'busy.title',
    messageKey: 'busy.message',
    locale,
    retryHref: retryHref(ctx),
    myPage: ctx.path.startsWith('/my'),
  });
  markUnavailable(ctx, error);
};
