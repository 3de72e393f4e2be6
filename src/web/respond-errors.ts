import type { Middleware } from 'koa';
import { ResourceError } from './errors.ts';
import { preventCaching } from '../http/no-store.ts';
import { DPOP_ALGS } from './tokens/check-sender-constraint.ts';
import type { ChallengeState } from './tokens/token-request.ts';

const quote = (s: string) => `"${s.replace(/["\\]/g, '')}"`;

/**
 * Writes a ResourceError as `{"errorCode", "errorMessage"}` with its status, and for 401/403 the
 * challenge RFC 6750 §3 and RFC 9449 §7.1 describe, in the scheme the caller used (DPoP unless
 * it sent a Bearer token, or the surface expects Bearer).
 */
export const respondErrors: Middleware<ChallengeState> = async (ctx, next) => {
  try {
    await next();
  } catch (e) {
    if (!(e instanceof ResourceError)) throw e;
    ctx.status = e.status;
    preventCaching(ctx);
    for (const [k, v] of Object.entries(e.headers)) ctx.set(k, v);
    if (e.status === 401 || e.status === 403 || e.authError) {
      const scheme = ctx.state.challenge === 'Bearer' ? 'Bearer' : 'DPoP';
      const params = [
        ...(e.authError ? [`error=${quote(e.authError)}`, `error_description=${quote(e.message)}`] : []),
        ...(e.authError === 'insufficient_scope' && e.headers['x-required-scope']
          ? [`scope=${quote(e.headers['x-required-scope'])}`]
          : []),
        ...(scheme === 'DPoP' ? [`algs=${quote(DPOP_ALGS.join(' '))}`] : []),
      ];
      ctx.set('WWW-Authenticate', `${scheme} ${params.join(', ')}`.trim());
      ctx.remove('x-required-scope');
    }
    ctx.body = { errorCode: e.errorCode, errorMessage: e.message };
  }
};
