import type { Middleware } from 'koa';
import type { MyPageDeps } from '../deps.ts';
import { renderLoginPage } from '../pages.ts';

/** The per-IP limit on identity-check attempts, shared with API連携認証 (src/identity-check). */
export const checkIpThrottle =
  (deps: Pick<MyPageDeps, 'identityCheck' | 'config' | 'render'>): Middleware =>
  async (ctx, next) => {
    if (await deps.identityCheck.withinIpLimit(ctx.ip, { surface: 'my_page' })) return next();
    ctx.set('Retry-After', String(deps.config.settings.identityCheck.ipLimit.windowSeconds));
    return renderLoginPage(deps, ctx, { status: 429, errorKey: 'login.throttled' });
  };
