import type { Middleware } from 'koa';
import type { ResourceRequest } from '../context.ts';
import { invalidToken } from '../errors.ts';
import type { Clock } from '../../shared/clock.ts';
import { createOidcStore } from '../../store/oidc-adapter.ts';
import type { Store } from '../../store/store.ts';

/** A client-credentials access token as oidc-provider stores it (its `ClientCredentials` model). */
export interface ClientCredentialsPayload {
  jti: string;
  kind: 'ClientCredentials';
  exp: number;
  clientId: string;
  aud?: string | string[];
  scope?: string;
  jkt?: string;
  'x5t#S256'?: string;
}

/**
 * One store read: the bank system's access token, issued by this server through client
 * credentials. Partners' tokens are another model and are never found here.
 */
export const loadClientToken = (deps: { store: Store; clock: Clock }): Middleware => {
  const tokens = createOidcStore(deps.store);
  return async (ctx, next) => {
    const request = ctx.state.resource as ResourceRequest;
    const found = await tokens.findClientToken(request.token);
    if (!found) throw invalidToken('The access token is not valid.');
    // oidc-provider's stored ClientCredentials payload; its kind and expiry are checked next.
    const payload = found as unknown as ClientCredentialsPayload;
    if (payload.kind !== 'ClientCredentials' || payload.exp <= Math.floor(deps.clock.now() / 1000))
      throw invalidToken('The access token is not valid.');
    // The checks shared with the data API read the fields both kinds of token have (aud, scope, jkt, x5t#S256).
    request.payload = payload as unknown as ResourceRequest['payload'];
    await next();
  };
};
