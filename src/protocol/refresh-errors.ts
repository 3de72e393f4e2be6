import type Provider from 'oidc-provider';
import type { GrantRevocation } from '../grants/revocation.ts';
import type { Clock } from '../shared/clock.ts';
import { isRecord, stringField } from '../shared/unknown-json.ts';
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

/** What rememberRefreshToken wrote, or undefined when nothing (or something else) is there. */
const parseRemembered = (raw: string | undefined): { grantId: string; exp?: number } | undefined => {
  if (!raw) return undefined;
  const value: unknown = JSON.parse(raw);
  if (!isRecord(value) || typeof value.grantId !== 'string') return undefined;
  return { grantId: value.grantId, ...(typeof value.exp === 'number' ? { exp: value.exp } : {}) };
};

/** Rewrites oidc-provider's generic invalid_grant for a refresh token whose linkage has ended. */
export const explainEndedRefresh = (
  provider: Provider,
  deps: { store: Store; revocation: Pick<GrantRevocation, 'ending'>; clock: Clock },
) => {
  provider.use(async (ctx, next) => {
    await next();
    if (ctx.oidc?.route !== 'token' || ctx.status !== 400) return;
    const body = ctx.body;
    const refreshToken = stringField(ctx.oidc.params, 'refresh_token');
    if (!isRecord(body) || body.error !== 'invalid_grant') return;
    if (stringField(ctx.oidc.params, 'grant_type') !== 'refresh_token' || !refreshToken) return;
    if (stringField(body, 'error_description')?.includes(':')) return; // already one of ours
    const remembered = parseRemembered(await deps.store.get(rtKey(refreshToken)));
    if (!remembered) return;
    const { grantId, exp } = remembered;
    const ending = await deps.revocation.ending(grantId);
    const expired = exp !== undefined && exp * 1000 <= deps.clock.now();
    if (ending || expired) {
      body.error_description = `${REAUTHORIZATION_REQUIRED}: the linkage ${
        ending ? `was ended ` + `(${ending.reason})` : 'has reached its end'
      }; the customer must authorize it again`;
    }
  });
};
