import type { Middleware } from 'koa';
import type { ResourceRequest } from '../context.ts';
import { invalidToken } from '../errors.ts';

/**
 * The token's client must still be one of the bank's internal clients allowed this API (a client
 * removed from the configuration stops at once). Its id goes on ctx.state.internalClient: the
 * actor of what it does.
 */
export const checkInternalClient =
  (allowed: ReadonlySet<string>): Middleware =>
  async (ctx, next) => {
    const request = ctx.state.resource as ResourceRequest;
    if (!allowed.has(request.payload.clientId)) throw invalidToken('The client is not allowed to use this API.');
    ctx.state.internalClient = request.payload.clientId;
    await next();
  };
