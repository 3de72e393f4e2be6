import type { Middleware } from 'koa';
import type { InteractionDeps, InteractionRequest } from '../deps.ts';
import type { OtpForm } from '../forms.ts';
import { failIdentityCheck, showIdentityFailure } from './identity-failure.ts';

/** Step 2: the one-time code (src/identity-check); then the identity check is complete. */
export const verifyOtp =
  (deps: InteractionDeps): Middleware =>
  async (ctx, next) => {
    const request = ctx.state.interaction as InteractionRequest;
    const { loginRef, customerId } = request.state;
    if (request.state.step !== 'otp' || !loginRef || !customerId)
      return failIdentityCheck(deps, ctx, loginRef, 'otp_out_of_order');
    const form = request.form as OtpForm;
    const result = await deps.identityCheck.checkOtp(loginRef, customerId, form.otp, {
      surface: 'authorization',
      ip: ctx.ip,
      partnerId: request.partner.client_id,
    });
    if (!result.ok) return showIdentityFailure(deps, ctx);
    request.state = { ...request.state, identifiedAt: deps.clock.now() };
    return next();
  };
