import type { Context } from 'koa';
import type { InteractionResults } from 'oidc-provider';
import type { InteractionDeps, InteractionRequest } from '../deps.ts';

/**
 * Hands the result back to oidc-provider, which redirects the browser on to the partner.
 * interactionFinished writes the response itself, so koa must not write another.
 */
export const finishInteraction = async (deps: InteractionDeps, ctx: Context, result: InteractionResults) => {
  const request = ctx.state.interaction as InteractionRequest;
  await deps.states.clear(request.uid);
  await deps.provider.interactionFinished(ctx.req, ctx.res, result, { mergeWithLastSubmission: false });
  ctx.respond = false;
};
