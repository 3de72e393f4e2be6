import type { Middleware } from 'koa';
import type { MyPageDeps, MyPageRouteState } from '../deps.ts';
import { customerLinkage } from '../linkages.ts';
import { renderErrorPage } from '../pages.ts';

/**
 * The linkage named in the URL, when it is this customer's and still live. Another customer's
 * grant id gets the same 404 as an unknown one.
 */
export const loadLinkage =
  (deps: MyPageDeps): Middleware<MyPageRouteState> =>
  async (ctx, next) => {
    const request = ctx.state.myPage;
    const linkage = await customerLinkage(deps, request.session!.customerId!, String(ctx.params.grantId));
    if (!linkage)
      return renderErrorPage(deps, ctx, { status: 404, code: 'linkage_not_found', messageKey: 'my.not_found' });
    request.linkage = linkage;
    await next();
  };
