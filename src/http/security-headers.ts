import type { Middleware } from 'koa';

const csp = (formActionOrigins: string[]) =>
  `default-src 'none'; style-src 'self'; img-src 'self' data:; form-action ` +
  `${["'self'", ...formActionOrigins].join(' ')}; frame-ancestors 'none'; base-uri 'none'`;

/**
 * Strict headers on every response, set before the request is handled so that they also cover
 * what oidc-provider writes itself. Pages load only our own stylesheet; nothing may frame them.
 * `form-action` is widened per page (ctx.state.formActionOrigins) where a form's redirect chain
 * ends at a partner's redirect URI: browsers apply form-action to redirects after a submission.
 */
/** What a page's steps set to widen `form-action`: the origins its form's redirect chain ends at. */
export interface FormActionState {
  formActionOrigins?: string[];
}

export const securityHeaders =
  (options: { hsts: boolean }): Middleware<FormActionState> =>
  async (ctx, next) => {
    ctx.set('Content-Security-Policy', csp([]));
    ctx.set('X-Content-Type-Options', 'nosniff');
    ctx.set('X-Frame-Options', 'DENY');
    ctx.set('Referrer-Policy', 'no-referrer');
    ctx.set('Cross-Origin-Opener-Policy', 'same-origin');
    ctx.set('Permissions-Policy', 'camera=(), microphone=(), geolocation=()');
    if (options.hsts) ctx.set('Strict-Transport-Security', 'max-age=63072000; includeSubDomains');
    await next();
    const origins = ctx.state.formActionOrigins;
    if (origins?.length && ctx.respond !== false) ctx.set('Content-Security-Policy', csp(origins));
  };
