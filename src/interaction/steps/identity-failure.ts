import type { Context } from 'koa';
import type { LoginAccountRef } from '../../core-banking/port.ts';
import type { InteractionDeps, InteractionRequest } from '../deps.ts';
import { renderLoginPage } from '../pages.ts';

/**
 * The one answer to every failed identity check: the customer goes back to the first step, and
 * the page, status and wording are the same whatever failed.
 */
export const showIdentityFailure = async (deps: InteractionDeps, ctx: Context) => {
  const request = ctx.state.interaction as InteractionRequest;
  request.state = { step: 'login', csrf: request.state.csrf };
  await deps.states.save(request.uid, request.state);
  await deps.identityCheck.waitForFloor(request.startedAt);
  return renderLoginPage(deps, ctx, { status: 400, errorKey: 'login.error' });
};

/** A failure found before the core system was asked (malformed form, step out of order). */
export const failIdentityCheck = async (
  deps: InteractionDeps,
  ctx: Context,
  ref: LoginAccountRef | undefined,
  reason: string,
) => {
  const request = ctx.state.interaction as InteractionRequest;
  await deps.identityCheck.fail(ref, reason, {
    surface: 'authorization',
    partnerId: request.partner.client_id,
    ip: ctx.ip,
  });
  return showIdentityFailure(deps, ctx);
};
