import type { AsymmetricSigningAlgorithm, ClientMetadata, JWKS } from 'oidc-provider';
import type { InternalClient } from '../config/schema.ts';
import { isJwk } from '../shared/jwk.ts';
import type { Partner } from '../partners/schema.ts';

/** Algorithms a FAPI 2.0 client may sign its assertions and DPoP proofs with. */
export const FAPI_SIGNING_ALGS: AsymmetricSigningAlgorithm[] = ['PS256', 'ES256', 'EdDSA'];

/**
 * oidc-provider client metadata for a partner. The `fapi2` profile binds every access token to
 * the partner's key (DPoP) or certificate (mTLS); `legacy` allows plain bearer tokens, and only
 * where the partner's file says so.
 */
export const partnerClientMetadata = (partner: Partner, options: { extraRedirectUris?: string[] }): ClientMetadata => {
  const mtls = partner.token_endpoint_auth_method !== 'private_key_jwt';
  return {
    client_id: partner.client_id,
    client_name: partner.name.ja,
    redirect_uris: [...new Set([...partner.redirect_uris, ...(options.extraRedirectUris ?? [])])],
    ...(partner.jwks ? { jwks: structuredClone(partner.jwks) } : {}),
    ...(partner.jwks_uri ? { jwks_uri: partner.jwks_uri } : {}),
    token_endpoint_auth_method: partner.token_endpoint_auth_method,
    ...(partner.token_endpoint_auth_method === 'tls_client_auth'
      ? { tls_client_auth_subject_dn: partner.tls_client_auth_subject_dn }
      : {}),
    grant_types: partner.scopes.includes('offline_access')
      ? ['authorization_code', 'refresh_token']
      : ['authorization_code'],
    response_types: ['code'],
    scope: partner.scopes.join(' '),
    require_pushed_authorization_requests: true,
    ...(partner.profile === 'fapi2'
      ? mtls
        ? { tls_client_certificate_bound_access_tokens: true }
        : { dpop_bound_access_tokens: true }
      : {}),
  };
};

/** An internal client's keys (its config schema asks only for `kty`), each checked to be a JWK. */
const checkedJwks = (clientId: string, keys: readonly unknown[]): JWKS => {
  const checked = structuredClone(keys).filter(isJwk);
  if (checked.length !== keys.length)
    throw new TypeError(`internal client ${clientId}: a key in its jwks is not a JWK`);
  return { keys: checked };
};

/**
 * A bank-internal client: client credentials only (or nothing, for a resource server that only
 * introspects). It can never run the authorization flow.
 */
export const internalClientMetadata = (client: InternalClient): ClientMetadata => ({
  client_id: client.client_id,
  jwks: checkedJwks(client.client_id, client.jwks.keys),
  token_endpoint_auth_method: 'private_key_jwt',
  grant_types: client.scopes.length ? ['client_credentials'] : [],
  response_types: [],
  redirect_uris: [],
  ...(client.scopes.length ? { scope: client.scopes.join(' ') } : {}),
});
