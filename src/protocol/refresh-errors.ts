import type Provider from 'oidc-provider';
import type { GrantRevocation } from '../grants/revocation.ts';
import type { Clock } from '../shared/clock.ts';
import type { Store } from '../store/store.ts';
import { REAUTHORIZATION_REQUIRED } from './find-account.ts';

const rtKey = (refreshTokenId: string) => `refresh-token-grant:${refreshTokenId}`;
const KEEP_DAYS = 400;

/**
 * Remembers, for a while after a refresh token is gone from the store, which grant it belonged
 * to and when that grant ended — so that a partner refreshing after the linkage's end is told
 * `reauthorization_required`, not a bare "invalid grant" (terms 4.1).
 */
export const rememberRefreshToken =
  (store: Store) => async (model: string, id: string, payload: { grantId?: string; exp?: number }) => {
    if (model !== 'RefreshToken' || !payload.grantId) return;
    await store.set(rtKey(id), JSON.stringify({ grantId: payload.grantId, exp: payload.exp }), KEEP_DAYS * 86400);
  };

/** Rewrites oidc-provider's generic invalid_grant for a refresh token whose linkage has ended. */
export const explainEndedRefresh = (
  provider: Provider,
  deps: { store: Store; revocation: Pick<GrantRevocation, 'ending'>; clock: Clock },
) => {
  provider.use(async (ctx, next) => {
    await next();
    if (ctx.oidc?.route !== 'token' || ctx.status !== 400) return;
    const body = ctx.body as { error?: string; error_description?: string } | undefined;
    const params = ctx.oidc.params as { grant_type?: string; refresh_token?: string } | undefined;
    if (body?.error !== 'invalid_grant' || params?.grant_type !== 'refresh_token' || !params.refresh_token) return;
    if (body.error_description?.includes(':')) return; // already one of ours
    const raw = await deps.store.get(rtKey(params.refresh_token));
    if (!raw) return;
    const { grantId, exp } = JSON.parse(raw) as { grantId: string; exp?: number };
    const ending = await deps.revocation.ending(grantId);
    const expired = exp !== undefined && exp * 1000 <= deps.clock.now();
    if (ending || expired) {
      body.error_description = `${REAUTHORIZATION_REQUIRED}: the linkage ${
        ending ? `was ended ` + `(${ending.reason})` : 'has reached its end'
      }; the customer must authorize it again`;
    }
  });
};
