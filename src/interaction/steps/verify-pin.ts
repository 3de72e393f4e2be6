import type { Middleware } from 'koa';
import type { LoginAccountRef } from '../../core-banking/port.ts';
import type { InteractionDeps, InteractionRequest } from '../deps.ts';
import type { LoginForm } from '../forms.ts';
import { failIdentityCheck, waitForFloor } from './identity-failure.ts';

/**
 * Step 1 of the identity check: branch, account and cash-card PIN, checked by the core system.
 * The PIN is verified even for a locked account, so that a locked account answers in the same time.
 */
export const verifyPin = (deps: InteractionDeps): Middleware => async (ctx) => {
  const request = ctx.state.interaction as InteractionRequest;
  const form = request.form as LoginForm;
  const ref: LoginAccountRef = { branchCode: form.branch, accountType: form.accountType, accountNumber: form.accountNumber };
  const before = await deps.coreBanking.loginFailures(ref);
  const match = await deps.coreBanking.verifyPin(ref, form.pin);
  if (!match || before.locked) return failIdentityCheck(deps, ctx, ref, before.locked ? 'locked' : 'pin');

  request.state = { step: 'otp', csrf: request.state.csrf, loginRef: ref, customerId: match.customerId };
  await deps.states.save(request.uid, request.state);
  await waitForFloor(deps, request);
  ctx.status = 303;
  ctx.redirect(`/interaction/${request.uid}`);
};
