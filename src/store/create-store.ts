import type { Clock } from '../shared/clock.ts';
import type { Deadlines } from '../shared/deadline.ts';
import { MemoryStore } from './memory-store.ts';
import { RedisStore, type StoreLogger } from './redis-store.ts';
import type { StoreSettings } from './settings-schema.ts';
import type { Store } from './store.ts';

export interface CreateStoreOptions {
  /**
   * The `store` settings: a Redis URL, or "host:port" seed nodes of a Redis Cluster (they win over
   * the URL); the prefix of every Redis key and channel; how long one command may wait.
   */
  settings: StoreSettings;
  clock: Clock;
  logger?: StoreLogger;
  /** Request deadlines: a Redis operation made for a request gives up when its request's time is up. */
  deadlines?: Deadlines;
}

const parseNode = (node: string) => {
  const at = node.lastIndexOf(':');
  const port = Number(node.slice(at + 1));
  if (at <= 0 || !Number.isInteger(port) || port <= 0 || port > 65535) {
    throw new TypeError(`a Redis Cluster node must be "host:port", got "${node}"`);
  }
  return { host: node.slice(0, at), port };
};

/** Redis when a Cluster or a URL is configured, otherwise the embedded in-memory store. */
export const createStore = (options: CreateStoreOptions): Store => {
  const { settings, clock, logger, deadlines } = options;
  const { redisUrl, redisClusterNodes, keyPrefix, commandTimeoutMs } = settings;
  if (redisClusterNodes.length > 0) {
    return new RedisStore({
      clusterNodes: redisClusterNodes.map(parseNode),
      keyPrefix,
      commandTimeoutMs,
      logger,
      deadlines,
    });
  }
  if (redisUrl) return new RedisStore({ url: redisUrl, keyPrefix, commandTimeoutMs, logger, deadlines });
  return new MemoryStore(clock);
};
