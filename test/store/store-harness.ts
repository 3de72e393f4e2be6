import { randomUUID } from 'node:crypto';
import { ManualClock } from '../../src/shared/clock.ts';
import { MemoryStore } from '../../src/store/memory-store.ts';
import { RedisStore, type RedisStoreOptions } from '../../src/store/redis-store.ts';
import type { Store } from '../../src/store/store.ts';

/** One test's view of a store implementation. */
export interface StoreContext {
  store: Store;
  /** Another handle on the same data, as a second server instance would hold it. */
  peer(): Promise<Store>;
  /** Lets time pass: the embedded store moves its clock, Redis really waits (keep it rare). */
  passSeconds(seconds: number): Promise<void>;
  dispose(): Promise<void>;
}

export interface StoreHarness {
  name: string;
  open(): Promise<StoreContext>;
}

export const memoryHarness: StoreHarness = {
  name: 'MemoryStore',
  async open() {
    const clock = new ManualClock(Date.UTC(2030, 0, 1));
    const store = new MemoryStore(clock);
    return {
      store,
      peer: async () => store,
      passSeconds: async (seconds) => clock.advance(seconds * 1000),
      dispose: () => store.close(),
    };
  },
};

/** Each test gets its own key prefix, and removes every key under it afterwards. */
export const redisHarness = (
  name: string,
  connection: () => Promise<Omit<RedisStoreOptions, 'keyPrefix'>>,
): StoreHarness => ({
  name,
  async open() {
    const options = { ...(await connection()), keyPrefix: `test:${randomUUID()}:` };
    const store = new RedisStore(options);
    const opened: RedisStore[] = [store];
    return {
      store,
      async peer() {
        const other = new RedisStore(options);
        opened.push(other);
        return other;
      },
      // 50 ms past the TTL: Redis expires a key when its millisecond deadline has passed.
      passSeconds: (seconds) => new Promise((resolve) => setTimeout(resolve, seconds * 1000 + 50)),
      async dispose() {
        const cleaner = new RedisStore(options);
        await cleaner.del(await cleaner.keysWithPrefix(''));
        await Promise.all([cleaner, ...opened].map((s) => s.close()));
      },
    };
  },
});

/** The private redis-server that test/support/global-setup.js started for this run. */
export const testRedisUrl = (): string => {
  const url = process.env.TEST_REDIS_URL;
  if (!url) throw new Error('TEST_REDIS_URL is not set (test/support/global-setup.js sets it)');
  return url;
};

export const singleNodeRedisHarness = redisHarness('RedisStore (single node)', async () => ({ url: testRedisUrl() }));
