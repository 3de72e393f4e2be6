import type { Middleware, ParameterizedContext } from 'koa';
import {
  closedDescription,
  gatedSurface,
  routedPath,
  oauthErrorDescription,
  type AvailabilityAnswer,
} from '../../availability/index.ts';
import type { Surface } from '../../calendar/index.ts';
import type { InteractionDeps, InteractionRouteState } from '../deps.ts';
import { finishInteraction } from './finish.ts';

type Closed = Extract<AvailabilityAnswer, { open: false }> & { surface: Surface };

/** Whether API連携認証 is closed now for this interaction's partner (calendar or an operator's restriction). */
export const closedNow = (
  deps: Pick<InteractionDeps, 'availability'>,
  ctx: ParameterizedContext<InteractionRouteState>,
): Closed | undefined => {
  const surface = gatedSurface({ path: routedPath(ctx) });
  if (!surface) return undefined;
  const answer = deps.availability.check(surface, ctx.state.interaction.partner.client_id);
  return answer.open ? undefined : { ...answer, surface };
};

/**
 * The closed page's "return to the partner" (the abort form, CSRF-checked before this): while
 * closed the partner learns `temporarily_unavailable`, not that the customer declined.
 */
export const returnWhenClosed =
  (deps: InteractionDeps): Middleware<InteractionRouteState> =>
  async (ctx, next) => {
    const closed = closedNow(deps, ctx);
    if (!closed) return next();
    return finishInteraction(deps, ctx, {
      error: 'temporarily_unavailable',
      error_description: oauthErrorDescription(closedDescription(closed.surface, closed, 'en')),
    });
  };
