import type { Middleware } from 'koa';
import type { MyPageRouteState } from '../deps.ts';

/** Pages behind the identity check: anyone else goes to the first step. */
export const requireCustomer: Middleware<MyPageRouteState> = async (ctx, next) => {
  const { session } = ctx.state.myPage;
  if (session?.stage !== 'active' || !session.customerId) {
    ctx.status = 303;
    ctx.redirect('/my');
    return;
  }
  await next();
};
