/**
 * The `notices` block of the settings: how customers hear of their linkages (docs/configuration.md).
 * NOTICE_CHANNEL, NOTICE_SMTP_HOST, NOTICE_SMTP_PORT, NOTICE_SMTP_USER, NOTICE_SMTP_PASSWORD,
 * NOTICE_SMTP_FROM, NOTICE_SMTP_CA_FILE and NOTICE_WEBHOOK_URL in the environment override.
 */
export const noticesSettingsSchema = {
  type: 'object',
  additionalProperties: false,
  default: {},
  properties: {
    /**
     * outbox: the demo page /demo/outbox (demo data only); smtp: e-mail to the customer's registered
     * address; webhook: the bank's own messaging system, signed.
     */
    channel: { enum: ['outbox', 'smtp', 'webhook'], default: 'outbox' },
    /** Where a customer who did not make a linkage calls: printed in every notice. */
    contactDesk: {
      type: 'object',
      additionalProperties: false,
      default: {},
      properties: {
        nameJa: { type: 'string', minLength: 1, default: 'お客さま相談窓口' },
        nameEn: { type: 'string', minLength: 1, default: 'Customer Help Desk' },
        phone: { type: 'string', pattern: '^[0-9][0-9-]{5,14}$', default: '0120-000-000' },
        hoursJa: { type: 'string', default: '平日 9:00〜17:00' },
        hoursEn: { type: 'string', default: 'weekdays 9:00-17:00 JST' },
      },
    },
    /** Waits before each retry of a notice the channel did not take; after the last, it is dead-lettered. */
    retryDelaysSeconds: {
      type: 'array',
      minItems: 1,
      maxItems: 20,
      items: { type: 'integer', minimum: 1 },
      default: [10, 30, 120, 600, 1800, 3600, 7200, 21600],
    },
    /** How long one delivery may take. */
    timeoutSeconds: { type: 'integer', minimum: 1, maximum: 60, default: 10 },
    smtp: {
      type: 'object',
      additionalProperties: false,
      default: {},
      properties: {
        host: { type: ['string', 'null'], default: null },
        /** 587 with STARTTLS (required unless `secure`); 465 with `secure: true` (TLS from the start). */
        port: { type: 'integer', minimum: 1, maximum: 65535, default: 587 },
        secure: { type: 'boolean', default: false },
        /** Refuse to send over a connection that did not upgrade to TLS. */
        requireTls: { type: 'boolean', default: true },
        user: { type: ['string', 'null'], default: null },
        /** Set it through NOTICE_SMTP_PASSWORD, never in a committed file. */
        password: { type: ['string', 'null'], default: null },
        from: { type: 'string', default: 'noreply@example.jp' },
        /** A PEM file of the CA that signed the SMTP server's certificate (a private CA); null: the system's. */
        caFile: { type: ['string', 'null'], default: null },
      },
    },
    webhook: {
      type: 'object',
      additionalProperties: false,
      default: {},
      properties: {
        url: { type: ['string', 'null'], format: 'uri', default: null },
        /** The receiver's replay window, sent for information: signatures older than this are refused. */
        replayWindowSeconds: { type: 'integer', minimum: 10, maximum: 3600, default: 300 },
      },
    },
  },
} as const;
