import type { Middleware } from 'koa';
import { categoriesOf } from '../../grants/categories.ts';
import { maskAccountNumber, termsHash } from '../../grants/consent-records.ts';
import { grantLifetimeSeconds } from '../../protocol/lifetimes.ts';
import { DATA_API_SCOPES, audiences } from '../../protocol/audiences.ts';
import { sendNotice } from '../../notifier/index.ts';
import type { InteractionDeps, InteractionRequest } from '../deps.ts';
import type { ConsentForm } from '../forms.ts';
import { linkableAccounts } from '../linkable-accounts.ts';
import { currentTerms } from '../../terms/terms.ts';
import { pairwiseSubject } from '../../shared/pairwise.ts';
import { renderConsentPage } from '../pages.ts';
import { finishInteraction } from './finish.ts';

/**
 * The customer's answer on the consent page. 同意しない sends access_denied. 同意する needs at least
 * one of the offered accounts; then the grant (oidc-provider's, with our record of the accounts
 * and terms version beside it) and the consent record are saved before the partner gets a code.
 */
export const recordConsent =
  (deps: InteractionDeps): Middleware =>
  async (ctx) => {
    const request = ctx.state.interaction as InteractionRequest;
    const form = request.form as ConsentForm;
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

    const offered = linkableAccounts(
      await deps.coreBanking.accounts(customerId),
      deps.config.settings.linkableAccountTypes,
      request.partner.account_types,
    );
    const chosenIds = new Set(form.accounts ?? []);
    const chosen = offered.filter((a) => chosenIds.has(a.accountId));
    if (chosen.length === 0 || chosen.length !== chosenIds.size) {
      return renderConsentPage(deps, ctx, { status: 400, errorKey: 'consent.accounts.none_selected' });
    }

    const { settings } = deps.config;
    const terms = currentTerms(deps.config.terms, deps.clock);
    const requestedScopes = String(request.details.params.scope ?? '')
      .split(' ')
      .filter(Boolean);
    const allowed = new Set<string>(request.partner.scopes);
    const dataScopes = requestedScopes.filter(
      (s) => allowed.has(s) && (DATA_API_SCOPES as readonly string[]).includes(s),
    );
    const oidcScopes = requestedScopes.filter((s) => allowed.has(s) && (s === 'openid' || s === 'offline_access'));
    const lifetime = grantLifetimeSeconds(request.partner, settings.lifetimes);
    const expiresAt = identifiedAt + lifetime * 1000;
    const remaining = Math.floor((expiresAt - deps.clock.now()) / 1000);
    if (remaining <= 0)
      return finishInteraction(deps, ctx, {
        error: 'access_denied',
        error_description: 'the identity check is too old',
      });

    // Grant Management `replace`: the same linkage (same grant id) with what the customer chose now.
    const replacing =
      request.details.params.grant_management_action === 'replace'
        ? String(request.details.params.grant_id)
        : undefined;
    if (replacing) {
      const old = await deps.grants.find(replacing);
      if (!old || old.customerId !== customerId || old.partnerId !== request.partner.client_id) {
        return finishInteraction(deps, ctx, {
          error: 'access_denied',
          error_description: "the linkage to replace is not this customer's, or has ended",
        });
      }
    }

    const sub = pairwiseSubject(deps.config.secrets.pairwiseSalt, request.partner.client_id, customerId);
    const grant = new deps.provider.Grant({
      accountId: sub,
      clientId: request.partner.client_id,
      expiresIn: remaining,
    } as never);
    if (replacing) {
      // Tokens carry a copy of the grant's scopes and accounts: none may outlive the change.
      await deps.revocation.revokeTokens(replacing);
      grant.jti = replacing;
    }
    // Data scopes are listed among the provider's scopes (clients' `scope` metadata must name only
    // listed ones), so the OIDC part of the grant has to cover them as well as the resource part.
    grant.addOIDCScope([...oidcScopes, ...dataScopes].join(' '));
    grant.addResourceScope(audiences(settings.server.issuer).dataApi, dataScopes.join(' '));
    const grantId = await grant.save();

    const consentId = deps.consents.newId();
    const now = deps.clock.now();
    await deps.grants.save({
      grantId,
      customerId,
      partnerId: request.partner.client_id,
      accountIds: chosen.map((a) => a.accountId),
      scopes: [...oidcScopes, ...dataScopes],
      termsVersion: terms.version,
      consentId,
      identifiedAt,
      createdAt: now,
      expiresAt,
    });
    await deps.revocation.endEarlierLinkages({ grantId, customerId, partnerId: request.partner.client_id });
    await deps.consents.save({
      consentId,
      grantId,
      customerId,
      partner: { clientId: request.partner.client_id, nameJa: request.partner.name.ja },
      scopes: [...oidcScopes, ...dataScopes],
      accounts: chosen.map((a) => ({
        accountId: a.accountId,
        accountType: a.accountType,
        branchCode: a.branchCode,
        maskedNumber: maskAccountNumber(a.accountNumber),
      })),
      termsVersion: terms.version,
      termsSha256: termsHash(terms.text),
      identifiedBy: 'pin+totp',
      identifiedAt,
      consentedAt: now,
      locale: request.locale,
    });
    // Against linkages made with stolen account details: the customer hears of every new one.
    await sendNotice(deps, {
      customerId,
      kind: 'linkage.created',
      partner: { clientId: request.partner.client_id, name: request.partner.name },
      categories: categoriesOf(dataScopes),
      accounts: chosen.map((a) => ({ type: a.accountType, maskedNumber: maskAccountNumber(a.accountNumber) })),
      expiresAt,
      at: now,
    });
    await deps.audit.record({
      kind: 'consent.granted',
      result: 'success',
      partnerId: request.partner.client_id,
      customerId,
      accountIds: chosen.map((a) => a.accountId),
      details: {
        grantId,
        consentId,
        termsVersion: terms.version,
        scopes: [...oidcScopes, ...dataScopes],
        ...(replacing ? { action: 'replace' } : {}),
      },
    });
    await deps.consentFunnel.decided(request.uid);
    return finishInteraction(deps, ctx, {
      login: { accountId: sub, amr: ['pin', 'otp'], ts: Math.floor(identifiedAt / 1000), remember: false },
      consent: { grantId },
    });
  };
