import { decodeProtectedHeader } from 'jose';
import { errors, type KoaContextWithOIDC } from 'oidc-provider';
import { closedDescription, oauthErrorDescription, type Availability } from '../availability/index.ts';
import type { TermsVersion } from '../config/load-config.ts';
import type { CoreBanking } from '../core-banking/port.ts';
import type { GrantRecord, GrantRecords } from '../grants/grant-records.ts';
import type { GrantRevocation } from '../grants/revocation.ts';
import type { Clock } from '../shared/clock.ts';
import { isoDateAt } from '../shared/jst.ts';
import { jwkThumbprint } from '../shared/jwk-thumbprint.ts';

type AnyToken = { kind: string; grantId?: string };

/** Thumbprint of the key in the request's DPoP proof (oidc-provider has already verified the proof). */
const dpopThumbprint = (ctx: KoaContextWithOIDC): string | undefined => {
  const proof = ctx.get('DPoP');
  return proof ? jwkThumbprint(decodeProtectedHeader(proof).jwk) : undefined;
};

export interface RefreshPolicyDeps {
  availability: Availability;
  grants: GrantRecords;
  revocation: Pick<GrantRevocation, 'ending'>;
  coreBanking: CoreBanking;
  terms: readonly TermsVersion[];
  clock: Clock;
}

/**
 * invalid_grant with a description the partner sees (oidc-provider's InvalidGrant keeps its own
 * fixed description and puts ours in the unexposed error_detail).
 */
const invalidGrant = (description: string) => new errors.CustomOIDCProviderError('invalid_grant', description);

/** The error_description prefixes partners can act on (documented in the README). */
export const REAUTHORIZATION_REQUIRED = 'reauthorization_required';
export const RECONSENT_REQUIRED = 'reconsent_required';

/**
 * A version of the terms that requires new consent and is in force today, newer than the one the
 * grant was agreed under (terms 9).
 */
const pendingReconsent = (record: GrantRecord, terms: readonly TermsVersion[], today: string) =>
  terms.find(
    (v) =>
      v.requiresReconsent &&
      v.effectiveFrom <= today &&
      v.version !== record.termsVersion &&
      Number(v.version) > Number(record.termsVersion),
  );

/**
 * Token refresh follows the calendar's `token_refresh` hours and operators' restrictions (terms
 * 7.3): while closed for this partner, 503 `temporarily_unavailable` with Retry-After when the
 * reopening is known. It is asked here, once oidc-provider has authenticated the partner, so
 * only the partner itself learns of its restriction. Internal clients never refresh.
 */
const checkRefreshOpen = (deps: RefreshPolicyDeps, ctx: KoaContextWithOIDC) => {
  const answer = deps.availability.check('token_refresh', ctx.oidc.client?.clientId);
  if (answer.open) return;
  if (answer.retryAfterSeconds !== undefined) ctx.set('Retry-After', String(answer.retryAfterSeconds));
  const error = new errors.CustomOIDCProviderError(
    'temporarily_unavailable',
    oauthErrorDescription(closedDescription('token_refresh', answer, 'en')),
  );
  Object.assign(error, { status: 503, statusCode: 503, expose: true });
  throw error;
};

/**
 * The checks a refresh must pass beyond oidc-provider's own, each with an error the partner can
 * act on: the linkage still exists and has not reached its end (terms 4.1), the refresh is signed
 * with the key of the code exchange, the terms agreed are still acceptable (terms 9), and the
 * customer is still eligible (terms 5.2).
 */
const checkRefresh = async (deps: RefreshPolicyDeps, ctx: KoaContextWithOIDC, grantId: string | undefined) => {
  checkRefreshOpen(deps, ctx);
  const record = grantId ? await deps.grants.find(grantId) : undefined;
  if (!record || record.expiresAt <= deps.clock.now()) {
    const ending = grantId ? await deps.revocation.ending(grantId) : undefined;
    throw invalidGrant(
      `${REAUTHORIZATION_REQUIRED}: the linkage ${ending ? `was ended (${ending.reason})` : 'has reached its end'}; ` +
        `the customer must authorize it again`,
    );
  }
  // RFC 9449 binds refresh tokens of confidential clients to nothing, and oidc-provider follows
  // it; a bank wants a stolen refresh token to be useless without the partner's key.
  if (record.jkt && record.jkt !== dpopThumbprint(ctx)) {
    throw invalidGrant('the DPoP proof is not signed with the key this linkage is bound to');
  }
  const newer = pendingReconsent(record, deps.terms, isoDateAt(deps.clock.now()));
  if (newer) {
    throw invalidGrant(
      `${RECONSENT_REQUIRED}: the terms changed to version ${newer.version} on ${newer.effectiveFrom}; the customer ` +
        `must agree again`,
    );
  }
  const eligibility = await deps.coreBanking.eligibility(record.customerId);
  if (!eligibility.eligible) {
    throw invalidGrant(`${REAUTHORIZATION_REQUIRED}: the customer can no longer use the service`);
  }
};

/**
 * oidc-provider's findAccount, called whenever it issues a token for a customer. `sub` is the
 * partner's pairwise identifier (see shared/pairwise.ts); the customer is found through the grant record.
 * At the code exchange it remembers the partner's DPoP key; at a refresh it runs checkRefresh.
 */
export const findAccount =
  (deps: RefreshPolicyDeps) => async (ctx: KoaContextWithOIDC, sub: string, token?: AnyToken) => {
    if (token?.kind === 'AuthorizationCode' && token.grantId) {
      const jkt = dpopThumbprint(ctx);
      if (jkt) await deps.grants.bindKey(token.grantId, jkt);
    }
    if (token?.kind === 'RefreshToken') await checkRefresh(deps, ctx, token.grantId);
    return { accountId: sub, claims: async () => ({ sub }) };
  };
