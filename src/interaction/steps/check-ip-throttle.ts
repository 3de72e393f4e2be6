import type { Middleware } from 'koa';
import type { InteractionDeps, InteractionRequest } from '../deps.ts';
import { renderLoginPage } from '../pages.ts';

/** Per-IP limit on identity-check attempts (src/identity-check). */
export const checkIpThrottle =
  (deps: InteractionDeps): Middleware =>
  async (ctx, next) => {
    const request = ctx.state.interaction as InteractionRequest;
    if (
      await deps.identityCheck.withinIpLimit(ctx.ip, { surface: 'authorization', partnerId: request.partner.client_id })
    )
      return next();
    ctx.set('Retry-After', String(deps.config.settings.identityCheck.ipLimit.windowSeconds));
    return renderLoginPage(deps, ctx, { status: 429, errorKey: 'login.throttled' });
  };
