/**
 * The `ops` block of the settings: who may read the operator endpoints (/metrics, /readyz).
 * METRICS_TOKEN in the environment overrides metricsToken.
 */
export const opsSettingsSchema = {
  type: 'object',
  additionalProperties: false,
  default: {},
  properties: {
    /** A bearer token that opens /metrics and /readyz from anywhere; null: none. */
    metricsToken: { type: ['string', 'null'], minLength: 16, default: null },
    /**
     * Whether a request from this host (loopback, with no proxy forwarding headers) may read them
     * without the token: a sidecar or `curl` on the host. Turn off when a proxy on the same host
     * forwards outside traffic without adding X-Forwarded-For.
     */
    allowLoopback: { type: 'boolean', default: true },
    /** How often the consent-funnel counts forget the consent screens nobody decided on in time. */
    consentFunnelSweepSeconds: { type: 'integer', minimum: 1, maximum: 3600, default: 60 },
  },
} as const;
