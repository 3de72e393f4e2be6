import type { Middleware } from 'koa';
import { matchTotp } from '../../shared/totp.ts';
import type { InteractionDeps, InteractionRequest } from '../deps.ts';
import type { OtpForm } from '../forms.ts';
import { failIdentityCheck } from './identity-failure.ts';

/**
 * Step 2: the one-time code from the customer's registered authenticator (RFC 6238). A code is
 * accepted once: its time step is marked used in the store, across instances. A wrong code counts
 * toward the same lock as a wrong PIN.
 */
export const verifyOtp = (deps: InteractionDeps): Middleware => async (ctx, next) => {
  const request = ctx.state.interaction as InteractionRequest;
  const { loginRef, customerId } = request.state;
  if (request.state.step !== 'otp' || !loginRef || !customerId) return failIdentityCheck(deps, ctx, loginRef, 'otp_out_of_order');

  const form = request.form as OtpForm;
  const failures = await deps.coreBanking.loginFailures(loginRef);
  const secret = await deps.coreBanking.totpSecret(customerId);
  const window = deps.config.settings.identityCheck.totpWindowSteps;
  const counter = secret ? matchTotp(secret, form.otp, deps.clock.now(), window) : undefined;
  if (failures.locked || counter === undefined) return failIdentityCheck(deps, ctx, loginRef, failures.locked ? 'locked' : 'otp');

  // Refuse a code whose time step (or an earlier one) was already used for this customer.
  const lastKey = `otp-last-step:${customerId}`;
  const last = Number((await deps.store.get(lastKey)) ?? -1);
  const fresh = counter > last && (await deps.store.setIfAbsent(`otp-used:${customerId}:${counter}`, '1', 30 * (2 * window + 2)));
  if (!fresh) return failIdentityCheck(deps, ctx, loginRef, 'otp_replayed');
  await deps.store.set(lastKey, String(counter), 30 * (2 * window + 2));

  await deps.coreBanking.resetLoginFailures(loginRef);
  request.state = { ...request.state, identifiedAt: deps.clock.now() };
  await deps.audit.record({ kind: 'identity_check.success', result: 'success', partnerId: request.partner.client_id, customerId });
  return next();
};
