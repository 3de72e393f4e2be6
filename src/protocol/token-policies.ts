import { calculateJwkThumbprint, decodeProtectedHeader, type JWK } from 'jose';
import { errors, type KoaContextWithOIDC } from 'oidc-provider';
import type { CoreBanking } from '../core-banking/port.ts';
import type { GrantRecords } from '../grants/grant-records.ts';

type AnyToken = { kind: string; grantId?: string; destroy(): Promise<void>; clientId?: string };

/**
 * Copies onto each access token what the data API needs to authorize a call (the accounts the
 * customer ticked, the grant's end), so that one store read answers a data call. Every way a grant
 * ends deletes its tokens, so the copy is never stale.
 */
export const extraTokenClaims = (grants: GrantRecords) => async (_ctx: KoaContextWithOIDC, token: AnyToken) => {
  if (token.kind !== 'AccessToken' || !token.grantId) return undefined;
  const record = await grants.find(token.grantId);
  if (!record) return undefined;
  return { accounts: record.accountIds, grant_exp: Math.floor(record.expiresAt / 1000) };
};

/**
 * A linkage lasts for months and the customer is not present after consent: partners allowed
 * `offline_access` always get a refresh token, without having to send prompt=consent.
 */
export const issueRefreshToken = async (_ctx: KoaContextWithOIDC, client: { grantTypeAllowed(type: string): boolean }) =>
  client.grantTypeAllowed('refresh_token');

/** Revoking an access token ends that token only; revoking a refresh token ends the linkage. */
export const revocationAllowedPolicy = async (_ctx: KoaContextWithOIDC, client: { clientId: string }, token: AnyToken) => {
  if (token.clientId !== client.clientId) throw new errors.UnauthorizedClient('token was not issued to this client');
  if (token.kind === 'AccessToken') {
    await token.destroy();
    return false;
  }
  return true;
};

/** Only resource servers the bank registered may introspect. */
export const introspectionAllowedPolicy = (introspectors: ReadonlySet<string>) => async (_ctx: KoaContextWithOIDC, client: { clientId: string }) => {
  if (!introspectors.has(client.clientId)) throw new errors.UnauthorizedClient('introspection is only for the bank\'s registered resource servers');
  return true;
};

/** Thumbprint of the key in the request's DPoP proof (oidc-provider has already verified the proof). */
const dpopThumbprint = async (ctx: KoaContextWithOIDC): Promise<string | undefined> => {
  const proof = ctx.get('DPoP');
  if (!proof) return undefined;
  const { jwk } = decodeProtectedHeader(proof);
  return jwk ? calculateJwkThumbprint(jwk as JWK) : undefined;
};

/**
 * Called for every token the provider issues for a customer, refresh included: refuses when the
 * linkage record is gone or the customer is no longer eligible (terms 5.2).
 *
 * It also binds the linkage to the partner's DPoP key. RFC 9449 binds refresh tokens of
 * confidential clients to nothing, and oidc-provider follows it; a bank wants a stolen refresh
 * token to be useless without the key, so the key of the code exchange is kept and every refresh
 * must prove possession of that same key.
 */
export const findAccount = (deps: { grants: GrantRecords; coreBanking: CoreBanking }) => async (
  ctx: KoaContextWithOIDC,
  sub: string,
  token?: AnyToken,
) => {
  // `sub` is the partner's pairwise identifier; the customer is found through the grant record.
  if (token?.kind === 'AuthorizationCode' && token.grantId) {
    const jkt = await dpopThumbprint(ctx);
    if (jkt) await deps.grants.bindKey(token.grantId, jkt);
  }
  if (token?.kind === 'RefreshToken') {
    const record = token.grantId ? await deps.grants.find(token.grantId) : undefined;
    if (!record) throw new errors.InvalidGrant('reauthorization_required: the linkage has ended');
    if (record.jkt && record.jkt !== (await dpopThumbprint(ctx))) throw new errors.InvalidGrant('the DPoP key does not match the key this linkage is bound to');
    const eligibility = await deps.coreBanking.eligibility(record.customerId);
    if (!eligibility.eligible) throw new errors.InvalidGrant('reauthorization_required: the customer is no longer eligible');
  }
  return { accountId: sub, claims: async () => ({ sub }) };
};
