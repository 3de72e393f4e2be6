import type { Context, Middleware } from 'koa';
import {
  closedDescription,
  gatedSurface,
  oauthErrorDescription,
  type AvailabilityAnswer,
} from '../../availability/index.ts';
import type { Surface } from '../../calendar/index.ts';
import { jstDateTimeText } from '../../shared/jst.ts';
import type { MessageKey } from '../../i18n/index.ts';
import type { InteractionDeps, InteractionRequest } from '../deps.ts';
import { finishInteraction } from './finish.ts';

type Closed = Extract<AvailabilityAnswer, { open: false }> & { surface: Surface };

/** Whether API連携認証 is closed now for this interaction's partner (calendar or an operator's restriction). */
const closedNow = (deps: InteractionDeps, ctx: Context): Closed | undefined => {
  const surface = gatedSurface({ path: ctx.path });
  if (!surface) return undefined;
  const answer = deps.availability.check(surface, (ctx.state.interaction as InteractionRequest).partner.client_id);
  return answer.open ? undefined : { ...answer, surface };
};

/**
 * Terms 2.1, 4.1, 7.3: API連携認証 only while it is open. Outside hours or under a restriction the
 * customer sees why and when it opens again, and nothing of the step runs. This comes after
 * oidc-provider validated the authorization request (it only sends valid ones here), so the
 * partner reached from the page's button is never an open redirect.
 */
export const checkServiceOpen =
  (deps: InteractionDeps): Middleware =>
  async (ctx, next) => {
    const closed = closedNow(deps, ctx);
    if (!closed) return next();
    const request = ctx.state.interaction as InteractionRequest;
    if (closed.retryAfterSeconds !== undefined) ctx.set('Retry-After', String(closed.retryAfterSeconds));
    deps.render(
      ctx,
      'closed',
      {
        uid: request.uid,
        csrf: request.state.csrf,
        partnerName: request.locale === 'ja' ? request.partner.name.ja : request.partner.name.en,
        message: closed.message?.[request.locale],
        reasonKey:
          closed.cause === 'calendar'
            ? (`closed.calendar.${closed.reason ?? 'outside_hours'}` as MessageKey)
            : undefined,
        opensAt: closed.opensAt === undefined ? undefined : jstDateTimeText(closed.opensAt, request.locale),
      },
      {
        locale: request.locale,
        title: request.t('closed.title'),
        switchLocaleHref: `/interaction/${request.uid}?lang=${request.locale === 'ja' ? 'en' : 'ja'}`,
        status: 503,
      },
    );
  };

/**
 * The closed page's "return to the partner" (the abort form, CSRF-checked before this): while
 * closed the partner learns `temporarily_unavailable`, not that the customer declined.
 */
export const returnWhenClosed =
  (deps: InteractionDeps): Middleware =>
  async (ctx, next) => {
    const closed = closedNow(deps, ctx);
    if (!closed) return next();
    return finishInteraction(deps, ctx, {
      error: 'temporarily_unavailable',
      error_description: oauthErrorDescription(closedDescription(closed.surface, closed, 'en')),
    });
  };
