import type { Middleware } from 'koa';
import type { LoginAccountRef } from '../../core-banking/port.ts';
import type { InteractionDeps, InteractionRequest } from '../deps.ts';
import type { LoginForm } from '../forms.ts';
import { showIdentityFailure } from './identity-failure.ts';

/** Step 1 of the identity check: branch, account and cash-card PIN (src/identity-check). */
export const verifyPin =
  (deps: InteractionDeps): Middleware =>
  async (ctx) => {
    const request = ctx.state.interaction as InteractionRequest;
    const form = request.form as LoginForm;
    const ref: LoginAccountRef = {
      branchCode: form.branch,
      accountType: form.accountType,
      accountNumber: form.accountNumber,
    };
    const result = await deps.identityCheck.checkPin(ref, form.pin, {
      surface: 'authorization',
      ip: ctx.ip,
      partnerId: request.partner.client_id,
    });
    if (!result.ok) return showIdentityFailure(deps, ctx);

    request.state = { step: 'otp', csrf: request.state.csrf, loginRef: ref, customerId: result.customerId };
    await deps.states.save(request.uid, request.state);
    await deps.identityCheck.waitForFloor(request.startedAt);
    ctx.status = 303;
    ctx.redirect(`/interaction/${request.uid}`);
  };
