import type { FromSchema } from 'json-schema-to-ts';

/**
 * The `store` block of the settings: where the hot state lives. REDIS_URL, REDIS_CLUSTER_NODES and
 * REDIS_KEY_PREFIX in the environment override it.
 */
export const storeSettingsSchema = {
  type: 'object',
  additionalProperties: false,
  default: {},
  properties: {
    redisUrl: { type: ['string', 'null'], default: null },
    redisClusterNodes: { type: 'array', items: { type: 'string', pattern: '^[^:]+:\\d+$' }, default: [] },
    keyPrefix: { type: 'string', default: 'renkei:' },
    /**
     * How long one Redis command may wait for its answer on a connection that died without closing
     * (a frozen Redis): then it fails as an outage. A request's own deadline may cut it shorter.
     */
    commandTimeoutMs: { type: 'integer', minimum: 100, maximum: 60000, default: 1500 },
  },
} as const;

export type StoreSettings = FromSchema<typeof storeSettingsSchema>;
