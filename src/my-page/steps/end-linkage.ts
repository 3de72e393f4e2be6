import type { Middleware } from 'koa';
import { sendNotice } from '../../notifier/index.ts';
import type { MyPageDeps, MyPageRequest } from '../deps.ts';

/**
 * The customer ends a linkage after the confirmation: the grant and every token of it go at once
 * (src/grants/revocation.ts), and the customer is told through the notifier like for a new one.
 */
export const endLinkage = (deps: MyPageDeps): Middleware => async (ctx) => {
  const request = ctx.state.myPage as MyPageRequest;
  const linkage = request.linkage!;
  const customerId = request.session!.customerId!;
  const ended = await deps.revocation.endGrant(linkage.grantId, { reason: 'revoked_by_customer', actor: 'customer' });
  if (ended) {
    await sendNotice(deps, {
      customerId,
      kind: 'linkage.ended',
      partner: { clientId: linkage.partnerId, name: linkage.partnerName },
      categories: linkage.categories,
      accounts: linkage.accounts.map((a) => ({ type: a.type, maskedNumber: a.maskedNumber })),
      endedReason: 'revoked_by_customer',
      at: deps.clock.now(),
    });
  }
  request.session = await deps.sessions.touch(request.sessionId!, { ...request.session!, endedPartnerId: linkage.partnerId });
  ctx.status = 303;
  ctx.redirect('/my');
};
