import type { Middleware } from 'koa';
import type { PartnerStatusCache } from '../../partners/status-cache.ts';
import { invalidToken } from '../errors.ts';
import type { TokenState } from './token-request.ts';

/** A suspended partner's tokens stop working at once (401 invalid_token). */
export const checkPartnerActive =
  (partners: Pick<PartnerStatusCache, 'isActive'>): Middleware<TokenState> =>
  async (ctx, next) => {
    if (!(await partners.isActive(ctx.state.token.clientId)))
      throw invalidToken('The partner is not allowed to use the API.');
    await next();
  };
