/**
 * The `coreBanking` block of the settings: which connector, and how the HTTP connector talks to
 * the bank's gateway (docs/core-banking-gateway.md). CORE_BANKING_CONNECTOR, CORE_BANKING_URL and
 * CORE_BANKING_{CA,CERT,KEY}_FILE in the environment override the fields of the same meaning.
 */
export const coreBankingSettingsSchema = {
  type: 'object',
  additionalProperties: false,
  default: {},
  properties: {
    /** demo: the embedded data set (trials); http: the bank's gateway. */
    connector: { type: 'string', enum: ['demo', 'http'], default: 'demo' },
    http: {
      type: 'object',
      additionalProperties: false,
      default: {},
      properties: {
        /** The gateway's base URL, ending before the operation paths (…/v1). */
        baseUrl: { type: ['string', 'null'], format: 'uri', default: null },
        /** PEM files: the CA that issued the gateway's certificate, and this server's client certificate. */
        caFile: { type: ['string', 'null'], default: null },
        certFile: { type: ['string', 'null'], default: null },
        keyFile: { type: ['string', 'null'], default: null },
        /** Kept-alive connections to the gateway, per instance. */
        connections: { type: 'integer', minimum: 1, maximum: 256, default: 16 },
        keepAliveSeconds: { type: 'integer', minimum: 1, maximum: 600, default: 30 },
        /** One attempt of a read. */
        readTimeoutMs: { type: 'integer', minimum: 50, maximum: 10000, default: 800 },
        /** The PIN and one-time code checks: one attempt, never retried. */
        checkTimeoutMs: { type: 'integer', minimum: 50, maximum: 10000, default: 1500 },
        /** A read with its retries never takes longer than this (inside the 2 s answer deadline). */
        readDeadlineMs: { type: 'integer', minimum: 50, maximum: 10000, default: 1500 },
        /** Retries of one idempotent read, after the first attempt. */
        maxRetries: { type: 'integer', minimum: 0, maximum: 5, default: 2 },
        /** Full-jitter back-off: a random wait up to base × 2^(retry-1). */
        retryBaseMs: { type: 'integer', minimum: 1, maximum: 2000, default: 50 },
        /** Retries add at most this share of the calls of the last 10 s (plus 5): none pile onto a sick gateway. */
        retryBudgetRatio: { type: 'number', minimum: 0, maximum: 1, default: 0.1 },
        breaker: {
          type: 'object',
          additionalProperties: false,
          default: {},
          properties: {
            /** Opens when this share of calls in the rolling window failed... */
            errorThresholdPercentage: { type: 'integer', minimum: 1, maximum: 100, default: 50 },
            /** ...and at least this many calls were made in it. */
            volumeThreshold: { type: 'integer', minimum: 1, maximum: 1000, default: 5 },
            rollingWindowMs: { type: 'integer', minimum: 1000, maximum: 600000, default: 10000 },
            /** Open this long before one trial call (half-open). */
            resetTimeoutMs: { type: 'integer', minimum: 10, maximum: 600000, default: 5000 },
          },
        },
        /** Account and customer records are reused this long (0: never); nothing else is cached. */
        cacheSeconds: { type: 'integer', minimum: 0, maximum: 60, default: 5 },
      },
    },
  },
} as const;
