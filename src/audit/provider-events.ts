import { AsyncLocalStorage } from 'node:async_hooks';
import { createHash } from 'node:crypto';
import type { ServerResponse } from 'node:http';
import type Provider from 'oidc-provider';
import type { KoaContextWithOIDC } from 'oidc-provider';
import type { Logger } from '../shared/logger.ts';
import type { AuditEvent, AuditLog } from './audit-log.ts';

/** The fields of oidc-provider's token models used here. */
interface TokenLike {
  jti: string;
  kind: string;
  clientId?: string;
  grantId?: string;
  gty?: string;
  scope?: string;
  exp?: number;
}

/**
 * A token names itself by a short SHA-256 prefix of its id. An opaque token's id IS the token,
 * so the id itself never goes into the trail; the prefix lets an investigator match a token the
 * partner hands over without making the trail a list of live tokens.
 */
export const tokenIdHash = (jti: string): string => createHash('sha256').update(jti).digest('hex').slice(0, 16);

/** "authorization_code refresh_token" → "refresh_token": the grant type that produced the token. */
const lastGrantType = (gty?: string) => gty?.split(' ').pop();

/**
 * Records, from oidc-provider's events, every authorization code and token issued (and refreshed,
 * and an access token revoked on its own) with its grant id and the hash prefix above, and the
 * token endpoint's refusals. A grant ending is recorded by src/grants/revocation.ts, which every
 * revocation path goes through, so `grant.revoked` is not recorded twice here.
 *
 * The events carry no request: an AsyncLocalStorage entered by a provider middleware finds the
 * request id (set on the response by src/http/error-handler.ts's requestId) for the event.
 * Call before the provider serves its first request.
 */
export const auditProviderEvents = (provider: Provider, audit: AuditLog, options: { logger?: Logger } = {}): void => {
  const responses = new AsyncLocalStorage<ServerResponse>();
  provider.use((ctx, next) => responses.run(ctx.res, next));

  const requestId = () => {
    const id = responses.getStore()?.getHeader('x-request-id');
    return typeof id === 'string' ? id : undefined;
  };
  const record = (event: AuditEvent) => {
    // Listeners cannot be awaited: a failed write is logged by the trail and here.
    audit
      .record({ ...event, requestId: requestId() })
      .catch((error: Error) =>
        options.logger?.error('audit of a provider event failed', { kind: event.kind, error: error.message }),
      );
  };
  const tokenDetails = (token: TokenLike, type: string) => ({
    type,
    grantId: token.grantId,
    grantType: lastGrantType(token.gty),
    jtiSha256: tokenIdHash(token.jti),
    ...(token.scope ? { scope: token.scope } : {}),
    ...(token.exp ? { expiresAt: new Date(token.exp * 1000).toISOString() } : {}),
  });

  provider.on('authorization_code.saved', (code: TokenLike) => {
    record({
      kind: 'code.issued',
      result: 'success',
      actor: code.clientId,
      partnerId: code.clientId,
      details: tokenDetails(code, 'authorization_code'),
    });
  });
  provider.on('authorization_code.consumed', (code: TokenLike) => {
    record({
      kind: 'code.consumed',
      result: 'success',
      actor: code.clientId,
      partnerId: code.clientId,
      details: tokenDetails(code, 'authorization_code'),
    });
  });
  provider.on('access_token.saved', (token: TokenLike) => {
    const refreshed = lastGrantType(token.gty) === 'refresh_token';
    record({
      kind: refreshed ? 'token.refreshed' : 'token.issued',
      result: 'success',
      actor: token.clientId,
      partnerId: token.clientId,
      details: tokenDetails(token, 'access_token'),
    });
  });
  provider.on('refresh_token.saved', (token: TokenLike) => {
    record({
      kind: 'token.issued',
      result: 'success',
      actor: token.clientId,
      partnerId: token.clientId,
      details: tokenDetails(token, 'refresh_token'),
    });
  });
  provider.on('client_credentials.saved', (token: TokenLike) => {
    // A bank-internal client (admin API, core-banking events), not a partner.
    record({
      kind: 'token.issued',
      result: 'success',
      actor: token.clientId,
      details: { ...tokenDetails(token, 'client_credentials'), clientId: token.clientId },
    });
  });
  provider.on('access_token.destroyed', (token: TokenLike) => {
    record({
      kind: 'token.revoked',
      result: 'success',
      actor: token.clientId,
      partnerId: token.clientId,
      details: tokenDetails(token, 'access_token'),
    });
  });
  provider.on('grant.error', (ctx: KoaContextWithOIDC, error: { error?: string; error_description?: string }) => {
    const clientId = ctx.oidc?.client?.clientId;
    record({
      kind: 'token.denied',
      result: 'denied',
      actor: clientId,
      partnerId: clientId,
      details: {
        grantType: ctx.oidc?.params?.grant_type,
        error: error.error,
        description: error.error_description?.slice(0, 200),
      },
    });
  });
  provider.on('server_error', (ctx: KoaContextWithOIDC, error: Error) => {
    options.logger?.error('oidc-provider server error', {
      route: ctx.oidc?.route,
      path: ctx.path,
      error: error.name,
      message: error.message,
      requestId: requestId(),
    });
  });
};
