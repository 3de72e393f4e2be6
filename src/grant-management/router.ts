import { type RouterMiddleware } from '@koa/router';
import { createRouter } from '../http/router.ts';
import type { GrantRecord, GrantRecords } from '../grants/grant-records.ts';
import type { Linkages } from '../grants/linkages.ts';
import type { Clock } from '../shared/clock.ts';
import { ResourceError } from '../web/errors.ts';
import { preventCaching } from '../http/no-store.ts';
import { checkScope } from '../web/tokens/check-scope.ts';
import type { PartnerCallState, TokenChecks } from '../web/tokens/token-checks.ts';

interface GrantState extends PartnerCallState {
  grant: GrantRecord;
}

const notFound = () => new ResourceError(404, 'grant_not_found', 'No such grant.');

/**
 * The Grant Management API (FAPI working group): a partner reads or ends one of its own linkages
 * by grant id (terms 5.1: the customer cancels through the partner). Authorized by an access
 * token of the same partner with `grant_management_query` / `grant_management_revoke`; another
 * partner's grant id answers 404, exactly like an unknown one.
 */
export const grantManagementRouter = (deps: {
  clock: Clock;
  tokenChecks: TokenChecks;
  grants: GrantRecords;
  linkages: Linkages;
  /** The data API's resource indicator: the resource a grant's data scopes are for. */
  dataApi: string;
}) => {
  const router = createRouter<GrantState>({ prefix: '/grants' });
  const adapter = deps.tokenChecks.partner({ auditKind: 'grant_management' });

  const loadOwnGrant: RouterMiddleware<GrantState> = async (ctx, next) => {
    const record = await deps.grants.find(ctx.params.grantId);
    if (!record || record.partnerId !== ctx.state.token.clientId || record.expiresAt <= deps.clock.now())
      throw notFound();
    ctx.state.grant = record;
    await next();
  };

  router.get('/:grantId', ...adapter, checkScope('grant_management_query'), loadOwnGrant, (ctx) => {
    const record = ctx.state.grant;
    const dataScopes = record.scopes.filter((s) => s !== 'openid' && s !== 'offline_access');
    preventCaching(ctx);
    ctx.body = {
      grant_id: record.grantId,
      status: 'active',
      scopes: [
        ...(record.scopes.includes('openid') || record.scopes.includes('offline_access')
          ? [{ scope: record.scopes.filter((s) => s === 'openid' || s === 'offline_access').join(' ') }]
          : []),
        { scope: dataScopes.join(' '), resources: [deps.dataApi] },
      ],
      accounts: record.accountIds,
      terms_version: record.termsVersion,
      created_at: Math.floor(record.createdAt / 1000),
      expires_at: Math.floor(record.expiresAt / 1000),
    };
  });

  router.delete('/:grantId', ...adapter, checkScope('grant_management_revoke'), loadOwnGrant, async (ctx) => {
    await deps.linkages.end(
      { grantId: ctx.params.grantId },
      { reason: 'revoked_by_partner', actor: ctx.state.token.clientId },
    );
    ctx.status = 204;
  });

  return router;
};
