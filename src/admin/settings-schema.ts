/**
 * The `admin` block of the settings (config/default.json): staff sessions, login throttling and bulk actions.
 * Every field has a default; docs/admin.md explains them.
 */
export const adminSettingsSchema = {
  type: 'object',
  additionalProperties: false,
  default: {},
  properties: {
    /** A console session ends after this long without a request. */
    sessionIdleMinutes: { type: 'integer', minimum: 1, maximum: 240, default: 15 },
    /** ...and after this long whatever the activity: staff log in again each working day. */
    sessionMaxHours: { type: 'integer', minimum: 1, maximum: 24, default: 10 },
    /** Failed logins (password or one-time code) per username, and per client address, before a pause. */
    loginMaxFailures: { type: 'integer', minimum: 1, maximum: 50, default: 5 },
    loginMaxFailuresPerIp: { type: 'integer', minimum: 1, maximum: 1000, default: 30 },
    /** How long the failures count, and so how long a throttled login waits. */
    loginFailureWindowMinutes: { type: 'integer', minimum: 1, maximum: 1440, default: 15 },
    /** Time steps either side of now a one-time code may come from (clock drift). */
    totpWindowSteps: { type: 'integer', minimum: 0, maximum: 2, default: 1 },
    /**
     * Ending every linkage of a partner or customer (and removing a partner) answers within this
     * long instead of server.requestDeadlineMs: its work grows with the number of linkages.
     */
    bulkActionDeadlineSeconds: { type: 'integer', minimum: 1, maximum: 3600, default: 300 },
  },
} as const;
