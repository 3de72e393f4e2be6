/**
 * The `audit` block of the settings: how long the trail is kept in the store and how often each
 * instance signs a checkpoint of its hash chain. Every field has a default.
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
    /** Group commit: the events recorded within this many ms go to the store together, in one write. */
    flushEveryMs: { type: 'integer', minimum: 0, maximum: 1000, default: 5 },
    /** kid of the key in the keys directory's jwks.json that signs checkpoints; null: the first ES256 key. */
    checkpointKeyId: { type: ['string', 'null'], default: null },
  },
} as const;
