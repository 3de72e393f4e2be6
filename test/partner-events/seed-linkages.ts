import { randomUUID } from 'node:crypto';
import type { App } from '../../src/app.ts';
import { audiences } from '../../src/protocol/audiences.ts';
import { pairwiseSubject } from '../../src/shared/pairwise.ts';

const DAY = 86400;

/**
 * A linkage made directly through the app's objects, as the consent step and the token endpoint
 * would leave it: our grant record with its indexes and, with `tokens`, oidc-provider's Grant plus
 * an access token and a refresh token bound to it. Answers the ids and the token values.
 */
type ProviderClient = NonNullable<Awaited<ReturnType<App['provider']['Client']['find']>>>;

/** `tokens: true` looks the client up; a bulk seeding passes the client it looked up once. */
export const seedLinkage = async (
  app: App,
  options: { partnerId: string; now: number; customerId?: string; tokens?: boolean | ProviderClient },
) => {
  const { partnerId, now } = options;
  const customerId = options.customerId ?? `customer-${randomUUID()}`;
  const sub = pairwiseSubject(app.config.secrets.pairwiseSalt, partnerId, customerId);
  const scopes = ['openid', 'offline_access', 'accounts'];
  let grantId: string = randomUUID();
  const { Grant, AccessToken, RefreshToken, Client } = app.provider;
  const client = options.tokens === true ? await Client.find(partnerId) : options.tokens || undefined;
  if (options.tokens) {
    if (!client) throw new Error(`no active partner ${partnerId}`);
    const grant = new Grant({ accountId: sub, clientId: partnerId, expiresIn: 90 * DAY } as never);
    grant.addOIDCScope('openid offline_access');
    grant.addResourceScope(audiences(app.config.settings.server.issuer).dataApi, 'accounts');
    grantId = await grant.save();
  }
  // The record before the tokens, as in the real flow: an access token copies the accounts from it.
  await app.grants.save({
    grantId,
    customerId,
    partnerId,
    accountIds: ['account-1'],
    scopes,
    termsVersion: '1.0',
    consentId: `consent-${grantId}`,
    identifiedAt: now,
    createdAt: now,
    expiresAt: now + 90 * DAY * 1000,
  });
  const [accessToken, refreshToken] = client
    ? await Promise.all([
        new AccessToken({ accountId: sub, client, grantId, scope: 'accounts', expiresIn: 3600 } as never).save(),
        new RefreshToken({
          accountId: sub,
          client,
          grantId,
          scope: 'openid offline_access accounts',
          expiresIn: 90 * DAY,
        } as never).save(),
      ])
    : [undefined, undefined];
  return { grantId, customerId, sub, accessToken, refreshToken };
};
