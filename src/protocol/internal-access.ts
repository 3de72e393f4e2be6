import type { Middleware } from 'koa';
import type { Clock } from '../shared/clock.ts';
import { oidcKeys } from '../store/oidc-adapter.ts';
import type { Store } from '../store/store.ts';

interface ClientCredentialsPayload {
  kind: 'ClientCredentials';
  clientId: string;
  exp: number;
  aud?: string | string[];
  scope?: string;
}

const deny = (ctx: Parameters<Middleware>[0], status: 401 | 403, error: string, message: string) => {
  ctx.status = status;
  ctx.set('WWW-Authenticate', `Bearer error="${error}", error_description="${message}"`);
  ctx.set('Cache-Control', 'no-store');
  ctx.body = { errorCode: error, errorMessage: message };
};

/**
 * For the bank's own systems: an access token this server issued to an internal client by client
 * credentials, for this audience, with this scope (one store read). Partners can never hold such
 * a token: internal scopes exist only for internal clients (see provider.ts).
 */
export const requireInternalToken = (deps: { store: Store; clock: Clock; audience: string; scope: string }): Middleware => async (ctx, next) => {
  const match = /^Bearer ([A-Za-z0-9\-._~+/]+=*)$/.exec(ctx.get('authorization'));
  if (!match) return deny(ctx, 401, 'invalid_token', 'A bearer access token of an internal client is required.');
  const raw = await deps.store.get(oidcKeys.model('ClientCredentials', match[1]));
  const payload = raw ? (JSON.parse(raw) as ClientCredentialsPayload) : undefined;
  const aud = payload ? (Array.isArray(payload.aud) ? payload.aud : [payload.aud]) : [];
  if (!payload || payload.kind !== 'ClientCredentials' || payload.exp * 1000 <= deps.clock.now() || !aud.includes(deps.audience)) {
    return deny(ctx, 401, 'invalid_token', 'The access token is not valid for this API.');
  }
  if (!(payload.scope ?? '').split(' ').includes(deps.scope)) return deny(ctx, 403, 'insufficient_scope', `This API needs the "${deps.scope}" scope.`);
  ctx.state.internalClient = payload.clientId;
  await next();
};
