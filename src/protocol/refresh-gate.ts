import type { IncomingMessage } from 'node:http';
import { decodeJwt } from 'jose';
import type Provider from 'oidc-provider';
import { closedDescription, gatedSurface, oauthErrorDescription, type Availability } from '../availability/index.ts';

// oidc-provider's own limit for a request body.
const BODY_LIMIT = 56 * 1024;

const readBody = async (req: IncomingMessage): Promise<string | undefined> => {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > BODY_LIMIT) return undefined;
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks).toString('utf8');
};

/** The partner asking: its client_id, or the subject of its client assertion (not yet verified). */
const callerOf = (params: URLSearchParams): string | undefined => {
  const clientId = params.get('client_id');
  if (clientId) return clientId;
  try {
    const assertion = params.get('client_assertion');
    return assertion ? decodeJwt(assertion).sub : undefined;
  } catch {
    return undefined;
  }
};

/**
 * Token refresh follows the service calendar's `token_refresh` hours and operators'
 * restrictions (terms 7.3): while it is closed for the partner, the refresh_token grant answers
 * 503 `temporarily_unavailable` with `Retry-After` when the reopening is known, before
 * oidc-provider looks at the refresh token. Other grants pass untouched, and the internal
 * clients' client_credentials are never gated (availability/gated-surfaces.ts).
 *
 * The grant type is in the form body, which oidc-provider has not read at this point: the gate
 * reads it only while the surface may be closed for someone (never in normal operation) and
 * hands it on as `req.body`, which oidc-provider takes from an upstream body parser. The answer
 * comes before client authentication, so a caller claiming a restricted partner's client_id learns
 * no more than that the partner is restricted.
 */
export const gateRefresh = (provider: Provider, deps: { availability: Availability }) => {
  const tokenPath = provider.pathFor('token');
  provider.use(async (ctx, next) => {
    if (ctx.method !== 'POST' || ctx.path !== tokenPath || !ctx.is('application/x-www-form-urlencoded')) return next();
    if (!deps.availability.mayBeClosed('token_refresh')) return next();
    const body = await readBody(ctx.req);
    if (body === undefined) {
      ctx.status = 413;
      ctx.body = { error: 'invalid_request', error_description: 'the request body is too large' };
      return undefined;
    }
    (ctx.req as IncomingMessage & { body?: string }).body = body;
    const params = new URLSearchParams(body);
    const surface = gatedSurface({ path: ctx.path, grantType: params.get('grant_type') ?? '' });
    if (!surface) return next();
    const answer = deps.availability.check(surface, callerOf(params));
    if (answer.open) return next();
    ctx.status = 503;
    ctx.set('Cache-Control', 'no-store');
    if (answer.retryAfterSeconds !== undefined) ctx.set('Retry-After', String(answer.retryAfterSeconds));
    ctx.body = { error: 'temporarily_unavailable', error_description: oauthErrorDescription(closedDescription(surface, answer, 'en')) };
    return undefined;
  });
};
