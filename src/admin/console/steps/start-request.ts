import type { Middleware } from 'koa';
import { resolveLocale } from '../../../http/locale.ts';
import { preventCaching } from '../../../http/no-store.ts';
import { adminTranslator } from '../../i18n/index.ts';
import type { ConsoleRequest } from '../deps.ts';

/** Every console request: the page language, and nothing cached anywhere (pages show customer data). */
export const startRequest: Middleware = async (ctx, next) => {
  const locale = resolveLocale(ctx);
  ctx.state.console = { locale, at: adminTranslator(locale) } satisfies ConsoleRequest;
  preventCaching(ctx);
  await next();
};
