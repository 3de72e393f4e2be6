import type { IncomingMessage } from 'node:http';
import type { Middleware } from 'koa';
import type { Logger } from '../shared/logger.ts';
import { messageOf } from '../shared/thrown.ts';
import { fieldOf, stringField } from '../shared/unknown-json.ts';
import { unavailableCause, type UnavailableError } from '../shared/unavailable.ts';
import { renderErrorPage, renderUnavailablePage, wantsHtml } from './error-page.ts';
import type { Render } from './render.ts';
import { markUnavailable } from './unavailable.ts';

export interface ErrorHandlerHooks {
  /** The pages browsers get (src/http/error-page.ts). */
  render: Render;
  /** A dependency could not serve (metrics). */
  onUnavailable?: (error: UnavailableError) => void;
}

/**
 * Last line of defence: a dependency outage answers 503 with Retry-After, anything unexpected 500,
 * both without internals. JSON for API clients (`{errorCode, errorMessage}`, as the data API
 * answers), a page for browsers.
 */
export const errorHandler =
  (logger: Logger, hooks: ErrorHandlerHooks): Middleware =>
  async (ctx, next) => {
    try {
      await next();
    } catch (err) {
      const unavailable = unavailableCause(err);
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
        if (wantsHtml(ctx)) {
          renderUnavailablePage(hooks.render, ctx, unavailable);
          return;
        }
        markUnavailable(ctx, unavailable);
        // The data API's documented outage code; an operator's restriction answers temporarily_unavailable.
        ctx.body = {
          errorCode: 'service_unavailable',
          errorMessage: 'The service is temporarily unavailable. Please try again shortly.',
        };
        return;
      }
      // koa's and http-errors' errors carry the status to answer and whether their message may be shown.
      const given = fieldOf(err, 'status');
      const status = typeof given === 'number' && given >= 400 && given < 600 ? given : 500;
      if (status >= 500)
        logger.error('request failed', {
          path: ctx.path,
          method: ctx.method,
          error: stringField(err, 'name'),
          message: stringField(err, 'message'),
          requestId: ctx.state.requestId,
        });
      const code = status >= 500 ? 'server_error' : 'invalid_request';
      const message = status < 500 && fieldOf(err, 'expose') ? messageOf(err) : 'The request could not be processed.';
      ctx.status = status;
      if (ctx.state.requestId) ctx.set('X-Request-Id', ctx.state.requestId);
      if (wantsHtml(ctx)) {
        renderErrorPage(hooks.render, ctx, {
          status,
          code,
          messageKey: status >= 500 ? 'error.server' : 'error.request',
          myPage: ctx.path.startsWith('/my'),
        });
        ctx.set('Cache-Control', 'no-store');
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
