import type { Middleware } from 'koa';
import type { MyPageDeps } from '../deps.ts';
import { renderClosedPage } from '../pages.ts';

/**
 * The 'my_page' surface of the service calendar, and operators' restrictions (terms 7.3): while
 * closed, every page of /my shows why and when it opens again, and nothing else runs. The page
 * points to the partners, through whom a linkage can always be ended (terms 5.1).
 */
export const checkServiceOpen =
  (deps: Pick<MyPageDeps, 'availability' | 'render'>): Middleware =>
  async (ctx, next) => {
    const answer = deps.availability.check('my_page');
    if (answer.open) return next();
    if (answer.retryAfterSeconds !== undefined) ctx.set('Retry-After', String(answer.retryAfterSeconds));
    return renderClosedPage(deps, ctx, answer);
  };
