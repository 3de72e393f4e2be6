import type { Context } from 'koa';
import type { LoginAccountRef } from '../../core-banking/port.ts';
import type { InteractionDeps, InteractionRequest } from '../deps.ts';
import { renderLoginPage } from '../pages.ts';

/**
 * The one answer to every failed identity check — unknown account, wrong PIN, wrong one-time code,
 * locked account: the failure counts toward the lock, the wait grows with each failure, the
 * customer goes back to the first step, and the page, status and wording are the same.
 */
export const failIdentityCheck = async (deps: InteractionDeps, ctx: Context, ref: LoginAccountRef | undefined, reason: string) => {
  const request = ctx.state.interaction as InteractionRequest;
  const { lockAfterFailures, failureDelaysMs } = deps.config.settings.identityCheck;
  let failures = 0;
  if (ref) {
    const after = await deps.coreBanking.recordLoginFailure(ref, lockAfterFailures);
    failures = after.consecutiveFailures;
    if (after.locked && after.consecutiveFailures === lockAfterFailures) {
      await deps.audit.record({ kind: 'identity_check.locked', result: 'denied', partnerId: request.partner.client_id, details: { branch: ref.branchCode, accountType: ref.accountType } });
    }
  }
  await deps.audit.record({
    kind: 'identity_check.failure',
    result: 'failure',
    partnerId: request.partner.client_id,
    details: { reason, step: request.state.step, consecutiveFailures: failures },
  });
  const delay = failureDelaysMs[Math.min(Math.max(failures, 1), failureDelaysMs.length) - 1];
  await deps.sleep(delay);
  request.state = { step: 'login', csrf: request.state.csrf };
  await deps.states.save(request.uid, request.state);
  await waitForFloor(deps, request);
  return renderLoginPage(deps, ctx, { status: 400, errorKey: 'login.error' });
};

/** Every answer to an identity-check post takes at least the configured time. */
export const waitForFloor = async (deps: InteractionDeps, request: InteractionRequest) => {
  const left = deps.config.settings.identityCheck.responseFloorMs - (Date.now() - request.startedAt);
  if (left > 0) await deps.sleep(left);
};
