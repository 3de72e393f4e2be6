import type { Middleware } from 'koa';
import type { InteractionDeps, InteractionRequest } from '../deps.ts';
import { renderLoginPage } from '../pages.ts';

/** Per-IP limit on identity-check attempts, across instances (the counter lives in the store). */
export const checkIpThrottle = (deps: InteractionDeps): Middleware => {
  const { maxAttempts, windowSeconds } = deps.config.settings.identityCheck.ipLimit;
  return async (ctx, next) => {
    const count = await deps.store.incr(`throttle:identity-check:${ctx.ip}`, windowSeconds);
    if (count > maxAttempts) {
      const request = ctx.state.interaction as InteractionRequest;
      ctx.set('Retry-After', String(windowSeconds));
      await deps.audit.record({ kind: 'identity_check.throttled', result: 'denied', partnerId: request.partner.client_id, details: { ip: ctx.ip } });
      return renderLoginPage(deps, ctx, { status: 429, errorKey: 'login.throttled' });
    }
    return next();
  };
};
