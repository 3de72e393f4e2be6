import type { Middleware } from 'koa';
import type { Clock } from '../../shared/clock.ts';
import { createOidcStore } from '../../store/oidc-adapter.ts';
import type { Store } from '../../store/store.ts';
import { invalidToken } from '../errors.ts';
import type { ClientCredentialsPayload, CredentialsState, ProofState, TokenState } from './token-request.ts';

/**
 * One store round trip (with the DPoP replay marker, as loadAccessToken): the bank system's access
 * token, issued by this server through client credentials. Partners' tokens are another model and
 * are never found here.
 */
export const loadClientToken = (deps: {
  store: Store;
  clock: Clock;
}): Middleware<CredentialsState & ProofState & Partial<TokenState<ClientCredentialsPayload>>> => {
  const tokens = createOidcStore(deps.store);
  return async (ctx, next) => {
    const { proof } = ctx.state;
    const replay = proof && 'verified' in proof ? proof.replay : undefined;
    const { payload: found, fresh } = await tokens.findClientToken(ctx.state.credentials.token, replay);
    if (replay && proof && 'verified' in proof) proof.fresh = fresh;
    if (!found) throw invalidToken('The access token is not valid.');
    // oidc-provider's own record, written by our adapter: its shape is oidc-provider's, not validated again.
    const payload = found as unknown as ClientCredentialsPayload;
    if (payload.kind !== 'ClientCredentials' || payload.exp <= Math.floor(deps.clock.now() / 1000))
      throw invalidToken('The access token is not valid.');
    ctx.state.token = payload;
    await next();
  };
};
