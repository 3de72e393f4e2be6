import type { ParameterizedContext } from 'koa';
import type { InteractionResults } from 'oidc-provider';
import type { InteractionDeps, InteractionRequest, InteractionRouteState } from '../deps.ts';
import { rememberReturnAddress, returnAddressOfRequest } from '../return-address.ts';

/**
 * An earlier sign-in in this browser (another partner's linkage, or another customer on a shared
 * phone) is never reused: its session is ended before the new result is handed over. Otherwise
 * oidc-provider would stop at a script-driven logout page that our CSP (rightly) blocks.
 */
const endEarlierSession = async (deps: InteractionDeps, request: InteractionRequest) => {
  const { details } = request;
  const earlier = details.session;
  if (!earlier?.uid) return;
  const session = await deps.provider.Session.findByUid(earlier.uid);
  await session?.destroy();
  // Leaves the interaction without the ended session, as oidc-provider reads it (its type says uid is always there).
  Reflect.deleteProperty(earlier, 'uid');
  await details.save(details.exp - Math.floor(Date.now() / 1000));
};

/**
 * Hands the result back to oidc-provider, which redirects the browser on to the partner.
 * interactionFinished writes the response itself, so koa must not write another.
 */
export const finishInteraction = async (
  deps: InteractionDeps,
  ctx: ParameterizedContext<InteractionRouteState>,
  result: InteractionResults,
) => {
  const request = ctx.state.interaction;
  await deps.states.clear(request.uid);
  // A later look at this interaction's URL says it is over, without sending the partner a second answer.
  rememberReturnAddress(ctx, returnAddressOfRequest(request, true), {
    secure: deps.config.settings.server.issuer.startsWith('https:'),
  });
  if (result.login) await endEarlierSession(deps, request);
  await deps.provider.interactionFinished(ctx.req, ctx.res, result, { mergeWithLastSubmission: false });
  ctx.respond = false;
};
