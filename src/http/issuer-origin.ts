import type { Middleware } from 'koa';

/**
 * The configured issuer is the only origin. Every absolute URL this server builds — DPoP `htu`,
 * oidc-provider's endpoint URLs and discovery, redirects — comes from koa's and oidc-provider's
 * view of the request's host and scheme, and those come from headers the client chooses: `Host`,
 * `X-Forwarded-Host`, `X-Forwarded-Proto` (when the proxy is trusted) or an
 * absolute-form request target (`GET https://elsewhere/token`). This first middleware replaces
 * them all with the issuer's, so whatever a request says, it is answered with the issuer's URLs
 * (a cache poisoned through a forged Host would otherwise hand partners another origin).
 */
export const pinToIssuer = (issuer: string, options: { trustProxy: boolean }): Middleware => {
  const origin = new URL(issuer);
  const scheme = origin.protocol.slice(0, -1);
  return async (ctx, next) => {
    const { req } = ctx;
    const target = req.url ?? '/';
    if (!target.startsWith('/')) {
      // Absolute form (RFC 9112 §3.2.2) or an asterisk: keep only the path and query.
      const parsed = URL.parse(target);
      if (!parsed || (parsed.protocol !== 'http:' && parsed.protocol !== 'https:')) {
        ctx.status = 400;
        ctx.body = { error: 'invalid_request', error_description: 'The request target must be a path.' };
        return;
      }
      req.url = `${parsed.pathname}${parsed.search}`;
      ctx.originalUrl = req.url;
    }
    req.headers.host = origin.host;
    delete req.headers['x-forwarded-host'];
    // `Forwarded` stays: nothing builds a URL from it, and the ops access check must still see that
    // a request was forwarded.
    if (options.trustProxy) req.headers['x-forwarded-proto'] = scheme;
    else delete req.headers['x-forwarded-proto'];
    await next();
  };
};

/** The URL a DPoP proof must name for this request: the issuer's origin and the request's path (RFC 9449 §4.3). */
export const issuerUrlFor = (issuer: string, path: string): string => {
  // Concatenated, not resolved: a path such as `//elsewhere/x` must not become another host.
  const origin = new URL(issuer).origin;
  return URL.parse(`${origin}${path}`)?.href ?? `${origin}${path}`;
};
