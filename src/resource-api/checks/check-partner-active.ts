import type { Middleware } from 'koa';
import type { PartnerStatusCache } from '../../partners/status-cache.ts';
import type { ResourceRequest } from '../context.ts';
import { invalidToken } from '../errors.ts';

/** A suspended partner's tokens stop working at once (401 invalid_token). */
export const checkPartnerActive =
  (partners: PartnerStatusCache): Middleware =>
  async (ctx, next) => {
    const { payload } = ctx.state.resource as ResourceRequest;
    if (!(await partners.isActive(payload.clientId))) throw invalidToken('The partner is not allowed to use the API.');
    await next();
  };
