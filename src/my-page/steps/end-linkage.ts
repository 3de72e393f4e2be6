import type { Middleware } from 'koa';
import type { MyPageDeps, MyPageRouteState } from '../deps.ts';

/**
 * The customer ends a linkage after the confirmation: the grant and every token of it go at once
 * (src/grants/linkages.ts), and the customer is told through the notifier like for a new one.
 */
export const endLinkage =
  (deps: MyPageDeps): Middleware<MyPageRouteState> =>
  async (ctx) => {
    const request = ctx.state.myPage;
    const linkage = request.linkage!;
    // The customer's notice follows from the ending itself (src/notifier/ending-notices.ts).
    await deps.linkages.end({ grantId: linkage.grantId }, { reason: 'revoked_by_customer', actor: 'customer' });
    request.session = await deps.sessions.touch(request.sessionId!, {
      ...request.session!,
      endedPartnerId: linkage.partnerId,
    });
    ctx.status = 303;
    ctx.redirect('/my');
  };
