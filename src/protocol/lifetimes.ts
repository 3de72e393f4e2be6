import type { KoaContextWithOIDC } from 'oidc-provider';
import type { Settings } from '../config/schema.ts';
import type { Partner } from '../partners/schema.ts';

const DAY = 86400;

/** A partner's linkage lifetime in seconds: its own override, capped by the bank's maximum. */
export const grantLifetimeSeconds = (partner: Pick<Partner, 'grant_lifetime_days'>, lifetimes: Settings['lifetimes']) =>
  Math.min(partner.grant_lifetime_days ?? lifetimes.grantDays, lifetimes.maxGrantDays) * DAY;

/** Seconds left until the grant in this request ends (tokens never outlive their grant). */
const grantRemaining = (ctx: KoaContextWithOIDC | undefined): number | undefined => {
  const exp = ctx?.oidc?.entities?.Grant?.exp;
  return exp === undefined ? undefined : exp - Math.floor(Date.now() / 1000);
};

const capped = (wanted: number, ctx: KoaContextWithOIDC | undefined) => {
  const left = grantRemaining(ctx);
  return Math.max(1, left === undefined ? wanted : Math.min(wanted, left));
};

/**
 * oidc-provider's ttl functions (synchronous by contract). Grants get their lifetime explicitly
 * when the consent step creates them; refresh tokens end with their grant, access tokens too.
 */
export const ttlConfiguration = (lifetimes: Settings['lifetimes']) => ({
  AccessToken: (ctx: KoaContextWithOIDC) => capped(lifetimes.accessTokenSeconds, ctx),
  AuthorizationCode: lifetimes.authorizationCodeSeconds,
  ClientCredentials: lifetimes.accessTokenSeconds,
  Grant: lifetimes.grantDays * DAY,
  IdToken: 3600,
  Interaction: lifetimes.interactionSeconds,
  RefreshToken: (ctx: KoaContextWithOIDC) => capped(lifetimes.maxGrantDays * DAY, ctx),
  // The browser session carries nothing a later authorization may reuse (see interaction-policy.ts).
  Session: lifetimes.interactionSeconds,
});
