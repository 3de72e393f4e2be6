import type { Middleware } from 'koa';
import { translator } from '../../i18n/index.ts';
import { resolveLocale } from '../../http/locale.ts';
import type { InteractionDeps, InteractionRequest } from '../deps.ts';
import { renderErrorPage } from '../pages.ts';
import { rememberReturnAddress, returnAddressOf, returnAddressOfRequest } from '../return-address.ts';
import { unavailableCause } from '../../shared/unavailable.ts';

/**
 * Loads the interaction named in the URL and bound to this browser's interaction cookie; without
 * the cookie (another browser, a forged post) nothing proceeds. Also loads the partner (it must
 * still be active) and this interaction's state.
 */
export const loadInteraction =
  (deps: InteractionDeps): Middleware =>
  async (ctx, next) => {
    const startedAt = Date.now();
    let details;
    try {
      details = await deps.provider.interactionDetails(ctx.req, ctx.res);
    } catch (error) {
      // An outage is not a lost session: the interaction is still there once the store is back.
      if (unavailableCause(error)) throw error;
      // Gone: the language it was in, as this browser remembers it (a ?lang= switch still wins).
      const locale = resolveLocale(ctx, returnAddressOf(ctx, ctx.params.uid)?.locale);
      return renderErrorPage(deps, ctx, {
        locale,
        status: 400,
        code: 'interaction_not_found',
        messageKey: 'error.session',
      });
    }
    const locale = resolveLocale(ctx, details.params.ui_locales);
    if (details.uid !== ctx.params.uid) {
      return renderErrorPage(deps, ctx, {
        locale,
        status: 400,
        code: 'interaction_mismatch',
        messageKey: 'error.session',
      });
    }
    const partner = await deps.partners.findActive(String(details.params.client_id));
    if (!partner) {
      return renderErrorPage(deps, ctx, {
        locale,
        status: 403,
        code: 'partner_not_active',
        messageKey: 'error.generic',
      });
    }
    const redirectUri = String(details.params.redirect_uri);
    ctx.state.formActionOrigins = [new URL(redirectUri).origin];
    const request: InteractionRequest = {
      uid: details.uid,
      details,
      partner,
      state: await deps.states.load(details.uid, { create: ctx.method === 'GET' }),
      locale,
      t: translator(locale),
      startedAt,
    };
    ctx.state.interaction = request;
    if (ctx.method === 'GET')
      rememberReturnAddress(ctx, returnAddressOfRequest(request), {
        secure: deps.config.settings.server.issuer.startsWith('https:'),
      });
    await next();
  };
