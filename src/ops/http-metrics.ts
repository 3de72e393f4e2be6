import type { Context, Middleware } from 'koa';
import type { Metrics } from './metrics.ts';

/** oidc-provider's own endpoints: it is not a @koa/router router, so its paths are listed here. */
const PROVIDER_PATHS = new Set([
  '/.well-known/openid-configuration',
  '/jwks',
  '/request',
  '/auth',
  '/token',
  '/token/revocation',
  '/token/introspection',
  '/me',
  '/session/end',
]);
const METHODS = new Set(['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS']);

/**
 * The route pattern, never the raw path: ids in paths (/interaction/:uid) would make a series per
 * request. @koa/router leaves the matched pattern on the context.
 */
export const routeLabel = (ctx: Context): string => {
  const matched: unknown = '_matchedRoute' in ctx ? ctx._matchedRoute : undefined;
  if (matched !== undefined) return String(matched);
  if (PROVIDER_PATHS.has(ctx.path)) return ctx.path;
  if (ctx.path.startsWith('/auth/')) return '/auth/:uid';
  if (ctx.path.startsWith('/static/')) return '/static/*';
  return 'unmatched';
};

/**
 * Counts every request and times it, when the response has been sent: oidc-provider writes its
 * responses itself (ctx.respond = false), so the status is read from the Node response.
 * Registered first, so that it sees the status the error handler settled on.
 */
export const httpMetrics =
  (metrics: Metrics): Middleware =>
  async (ctx, next) => {
    const started = process.hrtime.bigint();
    let done = false;
    const observe = () => {
      if (done) return;
      done = true;
      const route = routeLabel(ctx);
      const method = METHODS.has(ctx.method) ? ctx.method : 'other';
      metrics.httpRequests.inc({ route, method, status: String(ctx.res.statusCode) });
      metrics.httpDuration.observe({ route, method }, Number(process.hrtime.bigint() - started) / 1e9);
    };
    ctx.res.once('finish', observe);
    ctx.res.once('close', observe);
    await next();
  };
