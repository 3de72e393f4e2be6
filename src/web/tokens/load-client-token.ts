import type { Middleware } from 'koa';
import type { Clock } from '../../shared/clock.ts';
import { createOidcStore } from '../../store/oidc-adapter.ts';
import type { Store } from '../../store/store.ts';
import { invalidToken } from '../errors.ts';
import {
  isClientCredentialsPayload,
  type ClientCredentialsPayload,
  type CredentialsState,
  type ProofState,
  type TokenState,
} from './token-request.ts';

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
    // oidc-provider's own record, written by our adapter, checked member by member.
    if (!isClientCredentialsPayload(found) || found.exp <= Math.floor(deps.clock.now() / 1000))
      throw invalidToken('The access token is not valid.');
    ctx.state.token = found;
    await next();
  };
};
