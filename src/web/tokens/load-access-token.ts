import type { Middleware } from 'koa';
import type { Clock } from '../../shared/clock.ts';
import { createOidcStore } from '../../store/oidc-adapter.ts';
import type { Store } from '../../store/store.ts';
import { invalidToken } from '../errors.ts';
import {
  isStoredAccessToken,
  type CredentialsState,
  type ProofState,
  type PartnerTokenState,
} from './token-request.ts';

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
    // oidc-provider's own record, written by our adapter, checked member by member.
    const now = Math.floor(deps.clock.now() / 1000);
    if (!isStoredAccessToken(found) || found.exp <= now) throw invalidToken('The access token is not valid.');
    const { grantId, extra } = found;
    if (!grantId || !extra?.accounts || (extra.grant_exp ?? 0) <= now) {
      throw invalidToken('The linkage has ended; the customer must authorize it again.');
    }
    ctx.state.token = { ...found, grantId };
    ctx.state.accountIds = extra.accounts;
    await next();
  };
};
