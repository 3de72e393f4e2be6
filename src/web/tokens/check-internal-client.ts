import type { Middleware } from 'koa';
import { invalidToken } from '../errors.ts';
import type { InternalClientState, TokenState } from './token-request.ts';

/**
 * The token's client must still be one of the bank's internal clients allowed this API (a client
 * removed from the configuration stops at once). Its id goes on ctx.state.internalClient: the
 * actor of what it does.
 */
export const checkInternalClient =
  (allowed: ReadonlySet<string>): Middleware<TokenState & Partial<Pick<InternalClientState, 'internalClient'>>> =>
  async (ctx, next) => {
    const { clientId } = ctx.state.token;
    if (!allowed.has(clientId)) throw invalidToken('The client is not allowed to use this API.');
    ctx.state.internalClient = clientId;
    await next();
  };
