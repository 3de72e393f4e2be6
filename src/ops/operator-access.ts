import { createHash, timingSafeEqual } from 'node:crypto';
import type { Middleware } from 'koa';
import { preventCaching } from '../http/no-store.ts';

const LOOPBACK = /^(127\.\d{1,3}\.\d{1,3}\.\d{1,3}|::1|::ffff:127\.\d{1,3}\.\d{1,3}\.\d{1,3})$/;
const FORWARDING_HEADERS = ['forwarded', 'x-forwarded-for', 'x-real-ip'];

const digest = (text: string) => createHash('sha256').update(text).digest();

/**
 * Guards the operator endpoints (/metrics, /readyz). They answer when the request carries
 * `Authorization: Bearer <ops.metricsToken>`, or — with ops.allowLoopback — when it comes from
 * this host: the socket's peer is a loopback address (never ctx.ip, which trusts X-Forwarded-For
 * behind a proxy) and no proxy forwarding header is present, since a proxy on the same host
 * makes outside requests look local. Anything else gets 401 (a token is configured) or 403.
 */
export const operatorAccess = (settings: { metricsToken: string | null; allowLoopback: boolean }): Middleware => {
  const expected = settings.metricsToken ? digest(settings.metricsToken) : undefined;
  return async (ctx, next) => {
    const bearer = /^Bearer\s+(\S+)$/i.exec(ctx.get('authorization'))?.[1];
    const tokenOk = expected !== undefined && bearer !== undefined && timingSafeEqual(digest(bearer), expected);
    const local =
      settings.allowLoopback &&
      LOOPBACK.test(ctx.req.socket.remoteAddress ?? '') &&
      FORWARDING_HEADERS.every((h) => ctx.get(h) === '');
    if (tokenOk || local) {
      preventCaching(ctx);
      await next();
      return;
    }
    ctx.status = expected ? 401 : 403;
    if (expected) ctx.set('WWW-Authenticate', 'Bearer realm="operations"');
    ctx.body = {
      errorCode: expected ? 'unauthorized' : 'forbidden',
      errorMessage: 'operator endpoint: a bearer token or a request from this host is required',
    };
  };
};
