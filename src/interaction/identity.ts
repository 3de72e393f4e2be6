import type { InteractionDeps, InteractionRouteState } from './deps.ts';
import { renderClosedPage, renderLoginPage, renderOtpPage } from './pages.ts';
import { closedNow } from './steps/return-when-closed.ts';
import type { IdentityPort } from '../web/identity/identity-port.ts';
import { renderBusyPage } from '../http/busy-page.ts';

/**
 * API連携認証's side of the identity check (src/web/identity): the state lives in the
 * interaction's stored state, each step leads back to the interaction's page, and a completed
 * check goes on to the eligibility check.
 */
export const interactionIdentity = (deps: InteractionDeps): IdentityPort<InteractionRouteState> => ({
  asker: (ctx) => ({ surface: 'authorization', partnerId: ctx.state.interaction.partner.client_id, ip: ctx.ip }),
  startedAt: (ctx) => ctx.state.interaction.startedAt,
  pinStep: (ctx) => {
    const { state } = ctx.state.interaction;
    return { atOtp: state.step === 'otp', loginRef: state.loginRef, customerId: state.customerId };
  },
  closed: (ctx) => closedNow(deps, ctx),
  async restart(ctx) {
    const request = ctx.state.interaction;
    request.state = { step: 'login', csrf: request.state.csrf };
    await deps.states.save(request.uid, request.state);
  },
  async otpFailed(ctx) {
    const request = ctx.state.interaction;
    const otpFailures = (request.state.otpFailures ?? 0) + 1;
    request.state = { ...request.state, otpFailures };
    await deps.states.save(request.uid, request.state);
    return otpFailures;
  },
  async pinVerified(ctx, loginRef, customerId) {
    const request = ctx.state.interaction;
    request.state = { step: 'otp', csrf: request.state.csrf, loginRef, customerId };
    await deps.states.save(request.uid, request.state);
  },
  async otpVerified(ctx, _customerId, next) {
    const request = ctx.state.interaction;
    request.state = { ...request.state, identifiedAt: deps.clock.now() };
    return next();
  },
  stepUrl: (ctx) => `/interaction/${ctx.state.interaction.uid}`,
  renderLogin: (ctx, options) => renderLoginPage(deps, ctx, options),
  renderOtp: (ctx, options) => renderOtpPage(deps, ctx, options),
  renderClosed: (ctx, closed) => renderClosedPage(deps, ctx, closed),
  renderBusy: (ctx, error) => renderBusyPage(deps.render, ctx, error, ctx.state.interaction.locale),
});
