import { errors, type KoaContextWithOIDC } from 'oidc-provider';
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
  // The customer number too, so that each data call's audit event names the customer (searched by
  // operators). The token is opaque: only the bank's own introspecting servers ever see it.
  return { accounts: record.accountIds, grant_exp: Math.floor(record.expiresAt / 1000), customer: record.customerId };
};

/**
 * A linkage lasts for months and the customer is not present after consent: partners allowed
 * `offline_access` always get a refresh token, without having to send prompt=consent.
 */
export const issueRefreshToken = async (
  _ctx: KoaContextWithOIDC,
  client: { grantTypeAllowed(type: string): boolean },
) => client.grantTypeAllowed('refresh_token');

/** Revoking an access token ends that token only; revoking a refresh token ends the linkage. */
export const revocationAllowedPolicy = async (
  _ctx: KoaContextWithOIDC,
  client: { clientId: string },
  token: AnyToken,
) => {
  if (token.clientId !== client.clientId) throw new errors.UnauthorizedClient('token was not issued to this client');
  if (token.kind === 'AccessToken') {
    await token.destroy();
    return false;
  }
  return true;
};

/** Only resource servers the bank registered may introspect. */
export const introspectionAllowedPolicy =
  (introspectors: ReadonlySet<string>) => async (_ctx: KoaContextWithOIDC, client: { clientId: string }) => {
    if (!introspectors.has(client.clientId))
      throw new errors.UnauthorizedClient("introspection is only for the bank's registered resource servers");
    return true;
  };
