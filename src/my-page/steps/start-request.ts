import type { Middleware } from 'koa';
import { resolveLocale } from '../../http/locale.ts';
import { translator } from '../../i18n/index.ts';
import type { MyPageRequest } from '../deps.ts';

/** Every request to /my: the page language (Japanese unless the customer switched). */
export const startRequest: Middleware = async (ctx, next) => {
  const locale = resolveLocale(ctx);
  const request: MyPageRequest = { locale, t: translator(locale), startedAt: Date.now() };
  ctx.state.myPage = request;
  await next();
};
