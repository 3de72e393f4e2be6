import type { Context } from 'koa';

const COOKIE = 'demo_outbox';
const KEPT = 6;
const options = { httpOnly: true, sameSite: 'lax' as const, path: '/demo', signed: true, overwrite: true };

/**
 * The demo outbox shows a browser only the notices of the customers identified in it (a demo
 * linkage agreed, or a sign-in on /my): a signed cookie under /demo lists their customer numbers.
 * Demo data only: with real customers nothing is written.
 */
export const rememberInDemoBrowser = (ctx: Context, customerId: string, demo: boolean): void => {
  if (!demo || !/^[0-9A-Za-z_-]{1,40}$/.test(customerId)) return;
  const known = demoCustomersOf(ctx).filter((id) => id !== customerId);
  ctx.cookies.set(COOKIE, [customerId, ...known].slice(0, KEPT).join('.'), { ...options, secure: ctx.secure });
};

/** The customers identified in this browser, newest first. */
export const demoCustomersOf = (ctx: Context): string[] =>
  (ctx.cookies.get(COOKIE, { signed: true }) ?? '').split('.').filter((id) => /^[0-9A-Za-z_-]{1,40}$/.test(id));
