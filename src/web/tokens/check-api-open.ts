import type { Context, Middleware } from 'koa';
import { closedDescription, gatedSurface, routedPath, type Availability } from '../../availability/index.ts';
import { ResourceError } from '../errors.ts';
import type { TokenState } from './token-request.ts';

/**
 * 503 while the API is closed: `service_closed` outside the service calendar's hours,
 * `temporarily_unavailable` under an operator's restriction (terms 7.3) with the operator's
 * message (Japanese unless the caller prefers English); `Retry-After` when the reopening is known.
 */
const refuseIfClosed = (availability: Availability, ctx: Context, partnerId?: string) => {
  const surface = gatedSurface({ path: routedPath(ctx) });
  if (!surface) return;
  const answer = availability.check(surface, partnerId);
  if (answer.open) return;
  const language = ctx.acceptsLanguages('ja', 'en') === 'en' ? 'en' : 'ja';
  throw new ResourceError(
    503,
    answer.cause === 'calendar' ? 'service_closed' : 'temporarily_unavailable',
    closedDescription(surface, answer, language),
    {
      headers: answer.retryAfterSeconds === undefined ? {} : { 'Retry-After': String(answer.retryAfterSeconds) },
    },
  );
};

/** First in the chain: closed for everyone (calendar, whole service, this API) answers 503 whatever the token. */
export const checkApiOpen =
  (availability: Availability): Middleware =>
  async (ctx, next) => {
    refuseIfClosed(availability, ctx);
    await next();
  };

/**
 * After the caller proved who it is (token, proof, partner active): a restriction of this one
 * partner. Only the partner itself learns of it, and a suspended partner still gets its 401.
 */
export const checkApiOpenForPartner =
  (availability: Availability): Middleware<TokenState> =>
  async (ctx, next) => {
    refuseIfClosed(availability, ctx, ctx.state.token.clientId);
    await next();
  };
