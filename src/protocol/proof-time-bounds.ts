import { decodeJwt, decodeProtectedHeader } from 'jose';
import { errors as oidcErrors, type KoaContextWithOIDC } from 'oidc-provider';
import { systemClock, type Clock } from '../shared/clock.ts';

/**
 * oidc-provider judges the times in DPoP proofs and client assertions by the system clock (its own
 * epoch time), so the bounds it cannot be told use that same clock: a tighter bound on another
 * clock would disagree with the check that follows.
 */
const providerClock: Clock = systemClock;

/** oidc-provider's own clock tolerance (its `clockTolerance` default), the skew a future `iat` may have. */
export const CLOCK_SKEW_SECONDS = 15;

const now = () => Math.floor(providerClock.now() / 1000);

/** The decoded claims of a compact JWS, or undefined when it is not one (oidc-provider then refuses it itself). */
const claimsOf = (jwt: string) => {
  try {
    decodeProtectedHeader(jwt);
    return decodeJwt(jwt);
  } catch {
    return undefined;
  }
};

/**
 * One DPoP `iat` window everywhere: oidc-provider accepts proofs up to 300 s old at the token and
 * PAR endpoints; the data API only `dpop.iatToleranceSeconds`. This cheap check on the decoded
 * (not yet verified) proof, before oidc-provider verifies it, applies the setting there too: a
 * proof outside the window is refused whatever its signature, and one inside it still goes
 * through oidc-provider's full check.
 */
type ProviderMiddleware = (ctx: KoaContextWithOIDC, next: () => Promise<unknown>) => Promise<void>;

export const dpopIatWindow =
  (iatToleranceSeconds: number): ProviderMiddleware =>
  async (ctx, next) => {
    const proofs = ctx.req.headersDistinct.dpop;
    if (proofs?.length === 1) {
      const iat = claimsOf(proofs[0])?.iat;
      if (typeof iat === 'number' && Math.abs(now() - iat) > iatToleranceSeconds) {
        ctx.status = 400;
        ctx.set('Cache-Control', 'no-store');
        ctx.body = { error: 'invalid_dpop_proof', error_description: 'DPoP proof iat is not recent enough' };
        return;
      }
    }
    await next();
  };

/**
 * FAPI 2.0 wants short-lived client assertions; oidc-provider takes any `exp` in the future and
 * an `iat` in the future. Refused here: `exp` further ahead than `maxLifetimeSeconds`, an `iat`
 * in the future beyond the clock skew. (Runs after oidc-provider verified the signature.)
 */
export const assertClientAssertionLifetime = (maxLifetimeSeconds: number) => (claims: Record<string, unknown>) => {
  const t = now();
  if (typeof claims.exp === 'number' && claims.exp - t > maxLifetimeSeconds + CLOCK_SKEW_SECONDS)
    throw new oidcErrors.InvalidClientAuth(`the client_assertion must expire within ${maxLifetimeSeconds} seconds`);
  if (claims.iat !== undefined && (typeof claims.iat !== 'number' || claims.iat - t > CLOCK_SKEW_SECONDS))
    throw new oidcErrors.InvalidClientAuth('the client_assertion iat is in the future');
};
