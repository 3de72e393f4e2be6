import { errors, type KoaContextWithOIDC } from 'oidc-provider';
import type { GrantRecords } from '../grants/grant-records.ts';

export const GRANT_MANAGEMENT_ACTIONS = ['create', 'replace'] as const;

/**
 * The authorization-request parameters of Grant Management: `grant_management_action=replace`
 * with the `grant_id` of one of the partner's own live linkages changes that linkage (new
 * accounts or scopes) after a fresh identity check and consent; `create` (the default) makes a
 * new one. Checked at PAR and again at the authorization endpoint.
 */
export const grantManagementParams = (grants: GrantRecords) => ({
  grant_management_action: async (ctx: KoaContextWithOIDC, value: string | undefined) => {
    if (value !== undefined && !GRANT_MANAGEMENT_ACTIONS.some((item) => item === value)) {
      throw new errors.InvalidRequest(`grant_management_action must be one of ${GRANT_MANAGEMENT_ACTIONS.join(', ')}`);
    }
    const given = ctx.oidc.params?.grant_id;
    const grantId = typeof given === 'string' ? given : undefined;
    if (value === 'replace' && !grantId)
      throw new errors.InvalidRequest('grant_management_action=replace needs grant_id');
    if (value !== 'replace' && grantId)
      throw new errors.InvalidRequest('grant_id is only used with grant_management_action=replace');
  },
  grant_id: async (ctx: KoaContextWithOIDC, value: string | undefined) => {
    if (value === undefined) return;
    const record = await grants.find(value);
    if (!record || record.partnerId !== ctx.oidc.client?.clientId) {
      throw new errors.CustomOIDCProviderError(
        'invalid_grant_id',
        'grant_id does not name a live grant of this client',
      );
    }
  },
});
