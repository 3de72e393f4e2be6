import type { Surface } from '../calendar/index.ts';

/**
 * Where availability is enforced, and where on purpose it is not.
 *
 * The gates sit only where a surface is served: the API連携認証 pages (/interaction), the data API
 * (/api/v1/accounts...) and the refresh-token grant of the token endpoint. A restriction of the
 * whole service or of a surface never reaches the admin console or the admin API (/admin...),
 * nor the internal clients' token requests (client credentials: how the bank's own systems get
 * tokens for the admin API): otherwise an operator could not lift the restriction that stops
 * everything. Each gate asks `gatedSurface` which surface, if any, a request belongs to.
 *
 * Gates and routers must agree on paths. @koa/router matches case-insensitively and ignores a
 * trailing slash, so a gate that compared `ctx.path` as a string could be walked around with
 * `/API/V1/ACCOUNTS/balances`. The gates therefore decide on the route template the router
 * matched (`ctx.routerPath`: one spelling per route), and `gatedSurface` canonicalises whatever
 * it is given (case folding, percent-decoding, repeated slashes, dot segments, trailing slash),
 * so that any spelling a lenient router could accept is gated too: the gate may only ever be
 * wider than the route, never narrower.
 */
export const GATE_EXEMPTIONS = {
  /** The admin console and the admin API. */
  pathPrefixes: ['/admin'],
  /** Token requests of the bank's internal clients. */
  grantTypes: ['client_credentials'],
} as const;

const decodeOnce = (segment: string) => {
  try {
    return decodeURIComponent(segment);
  } catch {
    return segment;
  }
};

/**
 * The one spelling of a path that the gates compare: percent-decoded (until stable, so `%252F`
 * cannot hide a slash either), NFKC-normalised and lower-cased (the Kelvin sign K folds to `k`,
 * `ſ` to `s`, `ı` and `İ` to `i`), backslashes as slashes, repeated slashes collapsed, dot segments resolved, no
 * trailing slash.
 */
export const canonicalPath = (path: string): string => {
  let decoded = path;
  for (let i = 0; i < 4; i += 1) {
    const next = decodeOnce(decoded);
    if (next === decoded) break;
    decoded = next;
  }
  const folded = decoded
    .normalize('NFKC')
    .toLowerCase()
    // Dotless ı and İ (lower-cased to i + U+0307) fold to i where a router folds case by Unicode rules.
    .replace(/\u0131/gu, 'i')
    .replace(/\u0307/gu, '')
    .replaceAll('\\', '/');
  const out: string[] = [];
  for (const segment of folded.split('/')) {
    if (segment === '' || segment === '.') continue;
    if (segment === '..') out.pop();
    else out.push(segment);
  }
  return `/${out.join('/')}`;
};

const under = (path: string, prefix: string) => path === prefix || path.startsWith(`${prefix}/`);

/** The surface whose availability decides this request; undefined where no gate applies. */
export const gatedSurface = (request: { path: string; grantType?: string }): Surface | undefined => {
  const path = canonicalPath(request.path);
  if (GATE_EXEMPTIONS.pathPrefixes.some((prefix) => under(path, prefix))) return undefined;
  if (request.grantType !== undefined) {
    if (GATE_EXEMPTIONS.grantTypes.some((item) => item === request.grantType)) return undefined;
    // The code exchange finishes a flow the closed page already let through: never cut it off.
    return request.grantType === 'refresh_token' ? 'token_refresh' : undefined;
  }
  if (under(path, '/interaction')) return 'authorization';
  if (under(path, '/api/v1/accounts')) return 'data_api';
  return undefined;
};

/** The path a gate decides on: the route template the router matched, else the request's path. */
export const routedPath = (ctx: { routerPath?: string; path: string }): string => ctx.routerPath || ctx.path;
