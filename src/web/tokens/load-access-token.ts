import type { Middleware } from 'koa';
import type { Clock } from '../../shared/clock.ts';
import { createOidcStore } from '../../store/oidc-adapter.ts';
import type { Store } from '../../store/store.ts';
import { invalidToken } from '../errors.ts';
import type { AccessTokenPayload, CredentialsState, ProofState, PartnerTokenState } from './token-request.ts';

/**
 * One store round trip: a partner's token and, copied onto it at issuance, everything needed to
 * authorize the call (partner, accounts, scopes, the grant's end), with the DPoP proof's replay
 * marker set in the same script. Every way a grant ends deletes its tokens, so a token that is
 * found belongs to a live grant.
 */
export const loadAccessToken = (deps: {
  store: Store;
  clock: Clock;
}): Middleware<CredentialsState & ProofState & Partial<PartnerTokenState>> => {
  const tokens = createOidcStore(deps.store);
  return async (ctx, next) => {
    const { proof } = ctx.state;
    const replay = proof && 'verified' in proof ? proof.replay : undefined;
    const { payload: found, fresh } = await tokens.findAccessToken(ctx.state.credentials.token, replay);
    if (replay && proof && 'verified' in proof) proof.fresh = fresh;
    if (!found) throw invalidToken('The access token is not valid.');
    // oidc-provider's own record, written by our adapter: its shape is oidc-provider's, not validated again.
    const payload = found as unknown as AccessTokenPayload;
    const now = Math.floor(deps.clock.now() / 1000);
    if (payload.kind !== 'AccessToken' || payload.exp <= now) throw invalidToken('The access token is not valid.');
    if (!payload.grantId || !payload.extra?.accounts || (payload.extra.grant_exp ?? 0) <= now) {
      throw invalidToken('The linkage has ended; the customer must authorize it again.');
    }
    ctx.state.token = payload;
    ctx.state.accountIds = payload.extra.accounts;
    await next();
  };
};
