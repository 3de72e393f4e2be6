import type { Middleware } from 'koa';
import { invalidToken } from '../errors.ts';
import type { TokenState } from './token-request.ts';

/** The token must have been issued for this API (its resource indicator). */
export const checkAudience =
  (audience: string): Middleware<TokenState> =>
  async (ctx, next) => {
    const { aud } = ctx.state.token;
    if (!(Array.isArray(aud) ? aud : [aud]).includes(audience))
      throw invalidToken('The access token was not issued for this API.');
    await next();
  };
