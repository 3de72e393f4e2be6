import type { Context } from 'koa';
import type { UnavailableError } from '../shared/unavailable.ts';

/**
 * Where "try again" leads: the same page for a GET; for a form post, the page of the step it was
 * posted from (the interaction's one URL, the customer's page), so nothing is posted twice and the
 * step the customer was at is still there once the store is back.
 */
export const retryHref = (ctx: Context): string => {
  if (ctx.method === 'GET' || ctx.method === 'HEAD') return ctx.originalUrl;
  const interaction = /^\/interaction\/([^/]+)/.exec(ctx.path);
  if (interaction) return `/interaction/${interaction[1]}`;
  if (ctx.path.startsWith('/my')) return '/my';
  const parent = ctx.path.replace(/\/[^/]*$/, '');
  return parent || '/';
};

/** 503 with Retry-After and no caching: the headers every surface adds to an outage answer. */
export const markUnavailable = (ctx: Context, error?: Pick<UnavailableError, 'retryAfterSeconds'>) => {
  ctx.status = 503;
  ctx.set('Retry-After', String(error?.retryAfterSeconds ?? 5));
  ctx.set('Cache-Control', 'no-store');
};
