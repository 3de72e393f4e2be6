import type { IncomingMessage } from 'node:http';
import type { Middleware } from 'koa';
import type { Logger } from '../shared/logger.ts';
import { StoreUnavailableError } from '../store/store.ts';

/**
 * Last line of defence: a store outage answers 503, anything unexpected 500, both without
 * internals. JSON for API clients, a short page for browsers.
 */
export const errorHandler =
  (logger: Logger, hooks: { onStoreUnavailable?: () => void } = {}): Middleware =>
  async (ctx, next) => {
    try {
      await next();
    } catch (err) {
      const e = err as Error & { status?: number; expose?: boolean };
      const unavailable = e instanceof StoreUnavailableError;
      if (unavailable) hooks.onStoreUnavailable?.();
      const status = unavailable ? 503 : e.status && e.status >= 400 && e.status < 600 ? e.status : 500;
      if (status >= 500)
        logger.error('request failed', {
          path: ctx.path,
          method: ctx.method,
          error: e.name,
          message: e.message,
          requestId: ctx.state.requestId,
        });
      const code = unavailable ? 'service_unavailable' : status >= 500 ? 'server_error' : 'invalid_request';
      const message = unavailable
        ? 'The service is temporarily unavailable. Please try again later.'
        : status < 500 && e.expose
          ? e.message
          : 'The request could not be processed.';
      ctx.status = status;
      if (ctx.state.requestId) ctx.set('X-Request-Id', ctx.state.requestId);
      if (unavailable) ctx.set('Retry-After', '5');
      if (ctx.accepts('html', 'json') === 'html') {
        ctx.type = 'text/html; charset=utf-8';
        ctx.body =
          `<!doctype html><html lang="ja"><head><meta charset="utf-8"><title>${status}</title>` +
          `<link rel="stylesheet" href="/static/app.css"></head><body><main><h1>${status}</h1>` +
          `<p>ただいま処理できませんでした。しばらくしてからもう一度お試しください。</p>` +
          `<p lang="en">${message}</p><p>code: ${code}</p>` +
          `<p>お問い合わせ番号 (request id): <code>${ctx.state.requestId ?? ''}</code></p></main></body></html>`;
      } else {
        ctx.body = { errorCode: code, errorMessage: message };
      }
    }
  };

const requestIds = new WeakMap<IncomingMessage, string>();

/** The request id of a Node request: for pages rendered where only it is shared (oidc-provider's own context). */
export const requestIdOf = (req: IncomingMessage): string | undefined => requestIds.get(req);

/** A request id on every request and response, for the access log, the audit trail and support. */
export const requestId: Middleware = async (ctx, next) => {
  const given = ctx.get('x-request-id');
  ctx.state.requestId = /^[A-Za-z0-9._-]{8,64}$/.test(given) ? given : crypto.randomUUID();
  requestIds.set(ctx.req, ctx.state.requestId);
  ctx.set('X-Request-Id', ctx.state.requestId);
  await next();
};
