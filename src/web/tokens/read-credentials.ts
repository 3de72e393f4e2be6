import type { Middleware } from 'koa';
import { ResourceError } from '../errors.ts';
import type { ChallengeState, CredentialsState } from './token-request.ts';

/**
 * Reads `Authorization: DPoP <token>` (or `Bearer <token>`, accepted later only for a
 * certificate-bound or unbound token). No credentials at all: 401 with a bare challenge (RFC 6750 §3.1).
 */
export const readCredentials: Middleware<ChallengeState & Partial<CredentialsState>> = async (ctx, next) => {
  const header = ctx.get('authorization');
  const match = /^(DPoP|Bearer) ([A-Za-z0-9\-._~+/]+=*)$/i.exec(header);
  if (!header) throw new ResourceError(401, 'unauthorized', 'An access token is required.');
  if (!match)
    throw new ResourceError(400, 'invalid_request', 'The Authorization header is malformed.', {
      authError: 'invalid_request',
    });
  const scheme = match[1].toLowerCase() === 'dpop' ? 'DPoP' : 'Bearer';
  ctx.state.credentials = { token: match[2], scheme };
  ctx.state.challenge = scheme;
  await next();
};
