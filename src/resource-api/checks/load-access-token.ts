import type { Middleware } from 'koa';
import type { Clock } from '../../shared/clock.ts';
import { createOidcStore } from '../../store/oidc-adapter.ts';
import type { Store } from '../../store/store.ts';
import type { AccessTokenPayload, ResourceRequest } from '../context.ts';
import { invalidToken } from '../errors.ts';

/**
 * One store read: the token and, copied onto it at issuance, everything needed to authorize the
 * call (partner, accounts, scopes, the grant's end). Every way a grant ends deletes its tokens,
 * so a token that is found belongs to a live grant.
 */
export const loadAccessToken = (deps: { store: Store; clock: Clock }): Middleware => {
  const tokens = createOidcStore(deps.store);
  return async (ctx, next) => {
    const request = ctx.state.resource as ResourceRequest;
    const found = await tokens.findAccessToken(request.token);
    if (!found) throw invalidToken('The access token is not valid.');
    // oidc-provider's stored AccessToken payload; its kind and expiry are checked next.
    const payload = found as unknown as AccessTokenPayload;
    const now = Math.floor(deps.clock.now() / 1000);
    if (payload.kind !== 'AccessToken' || payload.exp <= now) throw invalidToken('The access token is not valid.');
    if (!payload.grantId || !payload.extra?.accounts || (payload.extra.grant_exp ?? 0) <= now) {
      throw invalidToken('The linkage has ended; the customer must authorize it again.');
    }
    request.payload = payload;
    request.accountIds = payload.extra.accounts;
    await next();
  };
};
