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
 */
export const GATE_EXEMPTIONS = {
  /** The admin console and the admin API. */
  pathPrefixes: ['/admin'],
  /** Token requests of the bank's internal clients. */
  grantTypes: ['client_credentials'],
} as const;

const under = (path: string, prefix: string) => path === prefix || path.startsWith(`${prefix}/`);

/** The surface whose availability decides this request; undefined where no gate applies. */
export const gatedSurface = (request: { path: string; grantType?: string }): Surface | undefined => {
  if (GATE_EXEMPTIONS.pathPrefixes.some((prefix) => under(request.path, prefix))) return undefined;
  if (request.grantType !== undefined) {
    if ((GATE_EXEMPTIONS.grantTypes as readonly string[]).includes(request.grantType)) return undefined;
    // The code exchange finishes a flow the closed page already let through: never cut it off.
    return request.grantType === 'refresh_token' ? 'token_refresh' : undefined;
  }
  if (under(request.path, '/interaction')) return 'authorization';
  if (under(request.path, '/api/v1/accounts')) return 'data_api';
  return undefined;
};
