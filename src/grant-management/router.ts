import { createRouter } from '../http/router.ts';
import type { Middleware } from 'koa';
import type { GrantRecords } from '../grants/grant-records.ts';
import type { GrantRevocation } from '../grants/revocation.ts';
import { audiences } from '../protocol/audiences.ts';
import { checkScope } from '../resource-api/checks/check-scope.ts';
import type { ResourceRequest } from '../resource-api/context.ts';
import { ResourceError } from '../resource-api/errors.ts';
import { resourceAdapter, type ResourceApiDeps } from '../resource-api/router.ts';

const notFound = () => new ResourceError(404, 'grant_not_found', 'No such grant.');

/**
 * The Grant Management API (FAPI working group): a partner reads or ends one of its own linkages
 * by grant id (terms 5.1: the customer cancels through the partner). Authorized by an access
 * token of the same partner with `grant_management_query` / `grant_management_revoke`; another
 * partner's grant id answers 404, exactly like an unknown one.
 */
export const grantManagementRouter = (
  deps: ResourceApiDeps & { grants: GrantRecords; revocation: GrantRevocation },
) => {
  const router = createRouter({ prefix: '/grants' });
  const adapter = resourceAdapter(deps, { auditKind: 'grant_management' });
  const dataApi = audiences(deps.config.settings.server.issuer).dataApi;

  const loadOwnGrant: Middleware = async (ctx, next) => {
    const request = ctx.state.resource as ResourceRequest;
    const record = await deps.grants.find(ctx.params.grantId);
    if (!record || record.partnerId !== request.payload.clientId || record.expiresAt <= deps.clock.now())
      throw notFound();
    ctx.state.grant = record;
    await next();
  };

  router.get('/:grantId', ...adapter, checkScope('grant_management_query'), loadOwnGrant, (ctx) => {
    const record = ctx.state.grant as NonNullable<Awaited<ReturnType<GrantRecords['find']>>>;
    const dataScopes = record.scopes.filter((s) => s !== 'openid' && s !== 'offline_access');
    ctx.set('Cache-Control', 'no-store');
    ctx.body = {
      grant_id: record.grantId,
      status: 'active',
      scopes: [
        ...(record.scopes.includes('openid') || record.scopes.includes('offline_access')
          ? [{ scope: record.scopes.filter((s) => s === 'openid' || s === 'offline_access').join(' ') }]
          : []),
        { scope: dataScopes.join(' '), resources: [dataApi] },
      ],
      accounts: record.accountIds,
      terms_version: record.termsVersion,
      created_at: Math.floor(record.createdAt / 1000),
      expires_at: Math.floor(record.expiresAt / 1000),
    };
  });

  router.delete('/:grantId', ...adapter, checkScope('grant_management_revoke'), loadOwnGrant, async (ctx) => {
    const request = ctx.state.resource as ResourceRequest;
    await deps.revocation.endGrant(ctx.params.grantId, {
      reason: 'revoked_by_partner',
      actor: request.payload.clientId,
    });
    ctx.status = 204;
  });

  return router;
};
