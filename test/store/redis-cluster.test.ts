import { Redis } from 'ioredis';
import { createOidcAdapterFactory } from '../../src/store/oidc-adapter.ts';
import { RedisStore } from '../../src/store/redis-store.ts';
import { startRedisCluster, type RedisCluster } from './redis-cluster.ts';
import { storeContract } from './store-contract.ts';
import { storeCheckCases } from '../grants/store-check-cases.ts';
import { redisHarness } from './store-harness.ts';

// The cluster is started from the redis-server that test/support/global-setup.js found; with only
// an external REDIS_URL there is no binary to start one from.
const redisServer = process.env.TEST_REDIS_SERVER;

let cluster: Promise<RedisCluster> | undefined;
const started = () => (cluster ??= startRedisCluster(redisServer!));

afterAll(async () => {
  if (cluster) await (await cluster).stop();
});

(redisServer ? describe : describe.skip)('RedisStore on a Redis Cluster (three masters)', () => {
  describe('Store contract', () => {
    storeContract(redisHarness('RedisStore (cluster)', async () => ({ clusterNodes: (await started()).nodes })));
  });

  describe('store:check', () => {
    storeCheckCases(redisHarness('RedisStore (cluster)', async () => ({ clusterNodes: (await started()).nodes })));
  });

  it('spreads keys over the masters, so the contract above crossed hash slots', async () => {
    const { nodes } = await started();
    const keyPrefix = `test:spread:${Date.now()}:`;
    const store = new RedisStore({ clusterNodes: nodes, keyPrefix });
    const keys = Array.from({ length: 30 }, (_, i) => `k${i}`);
    try {
      await Promise.all(keys.map((k) => store.set(k, k)));
      const perNode = await Promise.all(
        nodes.map(async ({ port }) => {
          const node = new Redis(port, '127.0.0.1');
          try {
            return (await node.keys(`${keyPrefix}*`)).length;
          } finally {
            node.disconnect();
          }
        }),
      );
      expect(perNode.filter((n) => n > 0).length).toBeGreaterThan(1);
      expect(perNode.reduce((a, b) => a + b, 0)).toBe(30);
      expect(await store.getMany(keys)).toEqual(keys);
      expect(await store.del(keys)).toBe(30);
    } finally {
      await store.close();
    }
  });

  it('revokes every record of a grant although they sit in different slots', async () => {
    const store = new RedisStore({ clusterNodes: (await started()).nodes, keyPrefix: `test:revoke:${Date.now()}:` });
    const adapter = createOidcAdapterFactory(store);
    try {
      await adapter('Grant').upsert('g1', { accountId: 'acct-1' }, 3600);
      for (const id of ['at-1', 'at-2', 'at-3', 'at-4']) await adapter('AccessToken').upsert(id, { grantId: 'g1' }, 60);
      await adapter('RefreshToken').upsert('rt-1', { grantId: 'g1' }, 600);
      await adapter('AccessToken').revokeByGrantId('g1');
      expect(await store.keysWithPrefix('oidc:')).toEqual([]);
    } finally {
      await store.close();
    }
  });
});
