import { rememberInDemoBrowser } from '../../notifier/demo-browser.ts';
import type { Middleware } from 'koa';
import { LinkageError, type LinkageChoice } from '../../grants/linkages.ts';
import { grantLifetimeSeconds } from '../../protocol/lifetimes.ts';
import type { PostedFormState } from '../../web/parse-form.ts';
import type { InteractionDeps, InteractionRouteState } from '../deps.ts';
import type { ConsentForm } from '../forms.ts';
import { offerOf } from '../offer.ts';
import { currentTerms } from '../../terms/terms.ts';
import { pairwiseSubject } from '../../shared/pairwise.ts';
import { renderConsentPage } from '../pages.ts';
import { finishInteraction } from './finish.ts';

/**
 * The customer's answer on the consent page. 同意しない sends access_denied. 同意する needs at least
 * one of the offered accounts; then the linkage is made (or replaced) by src/grants/linkages.ts —
 * grant, grant record and consent evidence together — before the partner gets a code.
 */
export const recordConsent =
  (deps: InteractionDeps): Middleware<InteractionRouteState & PostedFormState<ConsentForm>> =>
  async (ctx) => {
    const { interaction: request, form } = ctx.state;
    const { customerId, identifiedAt } = request.state;
    if (request.state.step !== 'consent' || !customerId || !identifiedAt) {
      return finishInteraction(deps, ctx, {
        error: 'access_denied',
        error_description: 'the identity check was not completed',
      });
    }
    if (form.decision === 'decline') {
      await deps.consentFunnel.decided(request.uid);
      await deps.audit.record({
        kind: 'consent.declined',
        result: 'denied',
        partnerId: request.partner.client_id,
        customerId,
      });
      return finishInteraction(deps, ctx, { error: 'access_denied', error_description: 'the customer did not agree' });
    }

    const offer = await offerOf(deps, request, customerId);
    const offered = offer.accounts;
    const chosenIds = new Set(form.accounts ?? []);
    const chosen = offered.filter((a) => chosenIds.has(a.accountId));
    if (chosen.length === 0 || chosen.length !== chosenIds.size) {
      return renderConsentPage(deps, ctx, { status: 400, errorKey: 'consent.accounts.none_selected' });
    }

    const { settings } = deps.config;
    const terms = currentTerms(deps.config.terms, deps.clock);
    const { oidcScopes, dataScopes } = offer;
    const lifetime = grantLifetimeSeconds(request.partner, settings.lifetimes);
    const sub = pairwiseSubject(deps.config.secrets.pairwiseSalt, request.partner.client_id, customerId);
    const choice: LinkageChoice = {
      customerId,
      identifiedAt,
      partner: { clientId: request.partner.client_id, name: request.partner.name },
      accounts: chosen,
      oidcScopes,
      dataScopes,
      terms,
      locale: request.locale,
      expiresAt: identifiedAt + lifetime * 1000,
      subject: sub,
      source: { address: ctx.ip, userAgent: ctx.get('user-agent') || undefined },
    };
    // Grant Management `replace`: the same linkage (same grant id) with what the customer chose now.
    const replacing =
      request.details.params.grant_management_action === 'replace'
        ? String(request.details.params.grant_id)
        : undefined;
    let grantId: string;
    try {
      grantId = replacing ? await deps.linkages.replace(replacing, choice) : await deps.linkages.make(choice);
    } catch (error) {
      if (!(error instanceof LinkageError)) throw error;
      return finishInteraction(deps, ctx, { error: 'access_denied', error_description: error.message });
    }
    await deps.consentFunnel.decided(request.uid);
    rememberInDemoBrowser(ctx, choice.customerId, deps.config.demo !== undefined);
    return finishInteraction(deps, ctx, {
      login: { accountId: sub, amr: ['pin', 'otp'], ts: Math.floor(identifiedAt / 1000), remember: false },
      consent: { grantId },
    });
  };
