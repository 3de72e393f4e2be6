import type { Middleware } from 'koa';
import type { InteractionDeps, InteractionRouteState } from '../deps.ts';

/**
 * Terms 1.2(1): only a customer holding an eligible ordinary or savings account (cash card issued)
 * and not restricted may link. Otherwise the next page explains why and the partner gets
 * access_denied; there is no consent and no token.
 */
export const checkEligibility =
  (deps: InteractionDeps): Middleware<InteractionRouteState> =>
  async (ctx) => {
    const request = ctx.state.interaction;
    const customerId = request.state.customerId!;
    const eligibility = await deps.coreBanking.eligibility(customerId);
    if (eligibility.eligible) {
      request.state = { ...request.state, step: 'consent' };
    } else {
      request.state = { ...request.state, step: 'ineligible', ineligibleReason: eligibility.reason };
      await deps.audit.record({
        kind: 'eligibility.denied',
        result: 'denied',
        partnerId: request.partner.client_id,
        customerId,
        details: { reason: eligibility.reason },
      });
    }
    await deps.states.save(request.uid, request.state);
    await deps.identityCheck.waitForFloor(request.startedAt);
    ctx.status = 303;
    ctx.redirect(`/interaction/${request.uid}`);
  };
