/**
 * The `records` block of the settings: where the records the bank must keep live (the audit
 * trail, consent evidence, linkage history). Without a database URL they live in this process's
 * memory (a trial); with one, in PostgreSQL. Every field has a default.
 */
export const recordsSettingsSchema = {
  type: 'object',
  additionalProperties: false,
  default: {},
  properties: {
    /** The application role (INSERT and SELECT only); DATABASE_URL. null: the embedded record store. */
    databaseUrl: { type: ['string', 'null'], default: null },
    /** The owner role: migrations and retention (dropping partitions); DATABASE_OWNER_URL. */
    ownerUrl: { type: ['string', 'null'], default: null },
    /** Apply migrations and create partitions ahead at start (needs ownerUrl); else `npm run db:migrate` does. */
    migrateAtStart: { type: 'boolean', default: false },
    /** Month partitions of the audit trail created ahead of the current month. */
    partitionsAheadMonths: { type: 'integer', minimum: 1, maximum: 24, default: 3 },
    poolSize: { type: 'integer', minimum: 1, maximum: 100, default: 10 },
    statementTimeoutMs: { type: 'integer', minimum: 100, maximum: 600000, default: 10000 },
    /** The embedded record store keeps at most this many audit events (the oldest go first). */
    memoryMaxAuditEvents: { type: 'integer', minimum: 1000, default: 200000 },
    archiver: {
      type: 'object',
      additionalProperties: false,
      default: {},
      properties: {
        /** Events moved from the buffer to the record store per INSERT. */
        batchSize: { type: 'integer', minimum: 1, maximum: 10000, default: 1000 },
        /** How often an idle archiver looks at the buffer. */
        intervalMs: { type: 'integer', minimum: 10, maximum: 60000, default: 200 },
        /** After a failed write, the first wait before trying again (doubling up to 30 s). */
        retryMs: { type: 'integer', minimum: 10, maximum: 60000, default: 500 },
      },
    },
  },
} as const;
