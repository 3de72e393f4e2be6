import type { TestServer } from './server.ts';

/**
 * `count` live linkages of one partner, made as the consent step makes them (through
 * app.linkages), each with an access and a refresh token: what a bulk ending has to end.
 * Answers the grant ids, in order.
 */
export const seedLinkages = async (
  server: TestServer,
  options: { partnerId: string; count: number; customerPrefix: string },
): Promise<string[]> => {
  const { app } = server;
  const { partnerId, count, customerPrefix } = options;
  const client = await app.provider.Client.find(partnerId);
  if (!client) throw new Error(`no partner ${partnerId}`);
  const ids: string[] = new Array(count);
  let next = 0;
  const lane = async () => {
    while (next < count) {
      const i = next++;
      const now = server.clock.now();
      const grantId = await app.linkages.make({
        customerId: `${customerPrefix}-${i}`,
        identifiedAt: now,
        partner: { clientId: partnerId, name: { ja: 'テスト連携先', en: 'Test partner' } },
        accounts: [{ accountId: `acct-${i}`, accountType: 'ordinary', branchCode: '001', accountNumber: '1234567' }],
        oidcScopes: ['openid', 'offline_access'],
        dataScopes: ['accounts'],
        terms: { version: '1.0', text: 'terms' },
        locale: 'ja',
        expiresAt: now + 86_400_000,
        subject: `${customerPrefix}-sub-${i}`,
      });
      const { AccessToken, RefreshToken } = app.provider;
      const base = { accountId: `${customerPrefix}-sub-${i}`, client, grantId };
      // oidc-provider's constructors are typed for its own callers (a Grant object, not an id).
      await new AccessToken({ ...base, scope: 'accounts', expiresIn: 3600 } as never).save();
      await new RefreshToken({ ...base, scope: 'openid offline_access accounts', expiresIn: 86_400 } as never).save();
      ids[i] = grantId;
    }
  };
  await Promise.all(Array.from({ length: 32 }, lane));
  return ids;
};
