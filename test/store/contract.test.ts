import { RedisStore } from '../../src/store/redis-store.ts';
import { StoreUnavailableError } from '../../src/store/store.ts';
import { closedPort } from '../support/ports.ts';
import { storeContract } from './store-contract.ts';
import { memoryHarness, singleNodeRedisHarness, testRedisUrl } from './store-harness.ts';

describe.each([memoryHarness, singleNodeRedisHarness])('Store contract: $name', storeContract);

describe('RedisStore when Redis cannot be reached', () => {
  it('rejects get with StoreUnavailableError within 3 seconds', async () => {
    const store = new RedisStore({ url: `redis://127.0.0.1:${await closedPort()}` });
    const started = Date.now();
    try {
      await expect(store.get('anything')).rejects.toBeInstanceOf(StoreUnavailableError);
      await expect(store.ping()).rejects.toBeInstanceOf(StoreUnavailableError);
      expect(Date.now() - started).toBeLessThan(3000);
    } finally {
      await store.close();
    }
  });

  it('rejects every operation with StoreUnavailableError once closed', async () => {
    const store = new RedisStore({ url: testRedisUrl(), keyPrefix: 'test:closed:' });
    await store.ping();
    await store.close();
    await expect(store.get('k')).rejects.toBeInstanceOf(StoreUnavailableError);
    await expect(store.set('k', 'v', 10)).rejects.toBeInstanceOf(StoreUnavailableError);
  });
});
