/**
 * The `audit` block of the settings: how long the trail is kept in the store, how often each
 * instance signs a checkpoint of its hash chain, and the bound of its buffer. Every field has a default.
 */
export const auditSettingsSchema = {
  type: 'object',
  additionalProperties: false,
  default: {},
  properties: {
    /** Events and checkpoints older than this are trimmed from the store (the shipped log lines stay). */
    retentionDays: { type: 'integer', minimum: 1, maximum: 3650, default: 400 },
    /** A checkpoint after this many events of one instance... */
    checkpointEveryEvents: { type: 'integer', minimum: 1, maximum: 100000, default: 100 },
    /** ...or this long after the last one, whichever comes first (and at shutdown). */
    checkpointEverySeconds: { type: 'integer', minimum: 1, maximum: 86400, default: 60 },
    /**
     * Group commit: the events recorded while a write is under way go to the store together in the
     * next write. 0 (the default) adds no wait; more makes batches bigger at that cost in latency.
     */
    flushEveryMs: { type: 'integer', minimum: 0, maximum: 1000, default: 0 },
    /**
     * The durable buffer (this instance's Redis stream) between the requests and the record store.
     * While the record store cannot take events (PostgreSQL down), the buffer fills; once it holds
     * `hours` of `peakEventsPerSecond`, data calls answer 503 rather than go unaudited. The last
     * `reservedShare` of it is kept for every other event (revocations, staff actions, the note that
     * the buffer is full), so a flood of data calls never blocks them. About 0.8 KB of Redis memory
     * per event: 2 h at 200/s is 1.44 M events, about 1.2 GB. Applies only with a durable record store.
     */
    buffer: {
      type: 'object',
      additionalProperties: false,
      default: {},
      properties: {
        hours: { type: 'number', exclusiveMinimum: 0, maximum: 168, default: 2 },
        peakEventsPerSecond: { type: 'integer', minimum: 1, maximum: 100000, default: 200 },
        reservedShare: { type: 'number', exclusiveMinimum: 0, maximum: 0.5, default: 0.05 },
      },
    },
    /** kid of the key in the keys directory's jwks.json that signs checkpoints; null: the first ES256 key. */
    checkpointKeyId: { type: ['string', 'null'], default: null },
  },
} as const;
