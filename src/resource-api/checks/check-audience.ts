import type { Middleware } from 'koa';
import type { ResourceRequest } from '../context.ts';
import { invalidToken } from '../errors.ts';

/** The token must have been issued for this API (its resource indicator). */
export const checkAudience =
  (audience: string): Middleware =>
  async (ctx, next) => {
    const { payload } = ctx.state.resource as ResourceRequest;
    const aud = Array.isArray(payload.aud) ? payload.aud : [payload.aud];
    if (!aud.includes(audience)) throw invalidToken('The access token was not issued for this API.');
    await next();
  };
