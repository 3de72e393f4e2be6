import { fieldOf, stringField } from '../shared/unknown-json.ts';
import type { IncomingMessage } from 'node:http';
import type { Context, Middleware } from 'koa';
import type { Logger } from '../shared/logger.ts';
import { routeLabel } from './http-metrics.ts';

const partners = new WeakMap<IncomingMessage, string>();

/**
 * Notes which partner a request came from, where only the inner app knows it (oidc-provider's
 * endpoints run on their own context; the Node request is the one thing both share).
 */
export const notePartner = (req: IncomingMessage, partnerId: string | undefined) => {
  if (partnerId) partners.set(req, partnerId);
};

const partnerOf = (ctx: Context): string | undefined => {
  // The token checks (src/web/tokens) put the caller's token on ctx.state.token.
  // Any surface's state passes here: look before reading.
  const state: unknown = ctx.state;
  return (
    stringField(fieldOf(state, 'token'), 'clientId') ??
    stringField(fieldOf(fieldOf(state, 'interaction'), 'partner'), 'client_id') ??
    partners.get(ctx.req)
  );
};

/**
 * One line per request, once the answer has gone out: method, route pattern (never the raw path
 * or its query, which can carry an authorization code), status, duration, request id, partner.
 * Nothing from headers or bodies, so no token, cookie or PIN can reach it.
 */
export const accessLog =
  (logger: Logger): Middleware =>
  async (ctx, next) => {
    const started = process.hrtime.bigint();
    let done = false;
    const write = () => {
      if (done) return;
      done = true;
      const partnerId = partnerOf(ctx);
      logger.info('request', {
        method: ctx.method,
        route: routeLabel(ctx),
        status: ctx.res.statusCode,
        durationMs: Math.round(Number(process.hrtime.bigint() - started) / 1e4) / 100,
        requestId: ctx.state.requestId,
        ...(partnerId ? { partnerId } : {}),
        ...(ctx.res.writableFinished ? {} : { aborted: true }),
      });
    };
    ctx.res.once('finish', write);
    ctx.res.once('close', write);
    await next();
  };
