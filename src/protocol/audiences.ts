/** Resource indicators (token audiences) of the bank's APIs, derived from the issuer. */
export const audiences = (issuer: string) => ({
  dataApi: `${issuer}/api/v1`,
  adminApi: `${issuer}/admin/api/v1`,
  coreEvents: `${issuer}/core-events`,
});
export type Audiences = ReturnType<typeof audiences>;

/** Scopes of the data API (and the Grant Management API, which lives beside it). */
export const DATA_API_SCOPES = [
  'accounts',
  'deposits',
  'time_deposits',
  'grant_management_query',
  'grant_management_revoke',
] as const;
/** Scopes only the bank's own internal clients can ever hold. */
export const INTERNAL_SCOPES = ['admin:read', 'admin:write', 'core:events'] as const;

/**
 * What a linkage grants of the scopes an authorization request asked for: those the partner is
 * allowed, split into OIDC scopes and data API scopes. The consent page and the consent step
 * both ask this, so what the customer reads is what the grant holds.
 */
export const grantedScopes = (requested: string, partnerScopes: readonly string[]) => {
  const allowed = new Set(partnerScopes);
  const asked = requested.split(' ').filter((s) => s && allowed.has(s));
  return {
    oidcScopes: asked.filter((s) => s === 'openid' || s === 'offline_access'),
    dataScopes: asked.filter((s) => DATA_API_SCOPES.some((item) => item === s)),
  };
};
