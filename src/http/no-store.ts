import type { Context, Middleware } from 'koa';

/** Answers that carry per-customer or per-caller state: never cached anywhere (HTTP/1.0 caches included). */
export const preventCaching = (ctx: Context) => {
  ctx.set('Cache-Control', 'no-store');
  ctx.set('Pragma', 'no-cache');
};

/** The same, as the first step of a route or a router. */
export const noStore: Middleware = async (ctx, next) => {
  preventCaching(ctx);
  await next();
};
