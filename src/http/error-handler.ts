import type { IncomingMessage } from 'node:http';
import type { Context, Middleware } from 'koa';
import type { Logger } from '../shared/logger.ts';
import { unavailableCause, type UnavailableError } from '../shared/unavailable.ts';
import { markUnavailable } from './unavailable.ts';

export interface ErrorHandlerHooks {
  /** A dependency could not serve (metrics). */
  onUnavailable?: (error: UnavailableError) => void;
  /** The page a browser gets for an outage (src/http/unavailable.ts); a short built-in page otherwise. */
  renderUnavailable?: (ctx: Context, error: UnavailableError) => void;
}

/**
 * Last line of defence: a dependency outage answers 503 with Retry-After, anything unexpected 500,
 * both without internals. JSON for API clients (`{errorCode, errorMessage}`, as the data API
 * answers), a page for browsers.
 */
export const errorHandler =
  (logger: Logger, hooks: ErrorHandlerHooks = {}): Middleware =>
  async (ctx, next) => {
    try {
      await next();
    } catch (err) {
      const e = err as Error & { status?: number; expose?: boolean };
      const unavailable = unavailableCause(e);
      if (unavailable) {
        hooks.onUnavailable?.(unavailable);
        logger.warn('a dependency could not serve', {
          path: ctx.path,
          method: ctx.method,
          dependency: unavailable.dependency,
          message: unavailable.message,
          requestId: ctx.state.requestId,
        });
        if (ctx.headerSent) return;
        if (ctx.state.requestId) ctx.set('X-Request-Id', ctx.state.requestId);
        if (wantsHtml(ctx) && hooks.renderUnavailable) {
          hooks.renderUnavailable(ctx, unavailable);
          return;
        }
        markUnavailable(ctx, unavailable);
        if (wantsHtml(ctx)) {
          ctx.type = 'text/html; charset=utf-8';
          ctx.body = page(
            503,
            'ただいま一時的にご利用いただけません。しばらくしてからもう一度お試しください。',
            'temporarily_unavailable',
          );
        } else {
          // The data API's documented outage code; an operator's restriction answers temporarily_unavailable.
          ctx.body = {
            errorCode: 'service_unavailable',
            errorMessage: 'The service is temporarily unavailable. Please try again shortly.',
          };
        }
        return;
      }
      const status = e.status && e.status >= 400 && e.status < 600 ? e.status : 500;
      if (status >= 500)
        logger.error('request failed', {
          path: ctx.path,
          method: ctx.method,
          error: e.name,
          message: e.message,
          requestId: ctx.state.requestId,
        });
      const code = status >= 500 ? 'server_error' : 'invalid_request';
      const message = status < 500 && e.expose ? e.message : 'The request could not be processed.';
      ctx.status = status;
      if (ctx.state.requestId) ctx.set('X-Request-Id', ctx.state.requestId);
      if (wantsHtml(ctx)) {
        ctx.type = 'text/html; charset=utf-8';
        ctx.body = page(
          status,
          'ただいま処理できませんでした。しばらくしてからもう一度お試しください。',
          code,
          message,
          ctx.state.requestId,
        );
      } else {
        ctx.body = { errorCode: code, errorMessage: message };
      }
    }
  };

/** Browsers say so; API clients that send no Accept header (or * / *) get JSON. */
const wantsHtml = (ctx: Context) => /\btext\/html\b/.test(ctx.get('accept')) && ctx.accepts('json', 'html') === 'html';

const escape = (text: string) =>
  text.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);

const page = (status: number, ja: string, code: string, en?: string, requestId?: string) =>
  `<!doctype html><html lang="ja"><head><meta charset="utf-8"><title>${status}</title>` +
  `<link rel="stylesheet" href="/static/app.css"></head><body><main><h1>${status}</h1><p>${ja}</p>` +
  `${en ? `<p lang="en">${escape(en)}</p>` : ''}<p>code: ${code}</p>` +
  `<p>お問い合わせ番号 (request id): <code>${escape(requestId ?? '')}</code></p></main></body></html>`;

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
