import type { FromSchema } from 'json-schema-to-ts';
import { ACCOUNT_TYPES } from '../core-banking/port.ts';
import { adminSettingsSchema } from '../admin/settings-schema.ts';
import { auditSettingsSchema } from '../audit/settings-schema.ts';
import { opsSettingsSchema } from '../ops/settings-schema.ts';
import { noticesSettingsSchema } from '../notifier/settings-schema.ts';
import { coreBankingSettingsSchema } from '../core-banking/http/settings-schema.ts';
import { recordsSettingsSchema } from '../records/settings-schema.ts';
import { storeSettingsSchema } from '../store/settings-schema.ts';

const accountType = { type: 'string', enum: ACCOUNT_TYPES } as const;

/** One admission limit (src/shared/admission.ts): how many run at once, and how long the next may wait. */
const admissionLimit = {
  type: 'object',
  additionalProperties: false,
  default: {},
  properties: {
    /** At once; null: one less than the CPUs the process may use (cgroup quota), at least 1. Required in production. */
    concurrent: { type: ['integer', 'null'], minimum: 1, maximum: 1024, default: null },
    /** The longest a check waits for a place before the 混雑 page (503). */
    maxWaitMs: { type: 'integer', minimum: 0, maximum: 1000, default: 250 },
    /** How many may wait at once; null: four per place. */
    queue: { type: ['integer', 'null'], minimum: 0, maximum: 100000, default: null },
    retryAfterSeconds: { type: 'integer', minimum: 1, maximum: 300, default: 2 },
  },
} as const;

/**
 * config/default.json (and the optional overlay named by CONFIG_FILE). Every field has a default,
 * so an empty file is a valid trial configuration; docs/configuration.md explains each one.
 */
export const settingsSchema = {
  $id: 'settings',
  type: 'object',
  additionalProperties: false,
  properties: {
    $comment: { type: 'string' },
    server: {
      type: 'object',
      additionalProperties: false,
      default: {},
      properties: {
        port: { type: 'integer', minimum: 0, maximum: 65535, default: 3000 },
        issuer: { type: 'string', format: 'uri', default: 'http://localhost:3000' },
        /** Behind a TLS-terminating proxy: trust X-Forwarded-Proto/Host. */
        trustProxy: { type: 'boolean', default: false },
        instanceName: { type: 'string', default: '' },
        /** Every request answers within this long, with 503 when a dependency could not serve in time. */
        requestDeadlineMs: { type: 'integer', minimum: 100, maximum: 60000, default: 2000 },
        /** On SIGTERM: /readyz answers 503 at once, and requests are still served this long. */
        drainDelaySeconds: { type: 'number', minimum: 0, maximum: 300, default: 5 },
        /** Then at most this long for the requests in flight to finish before the stores close. */
        shutdownTimeoutSeconds: { type: 'number', minimum: 0, maximum: 300, default: 10 },
      },
    },
    /** Where the hot state lives (src/store/settings-schema.ts). */
    store: storeSettingsSchema,
    keysDir: { type: 'string', default: 'config/demo/keys' },
    demo: {
      type: 'object',
      additionalProperties: false,
      default: {},
      properties: {
        enabled: { type: 'boolean', default: true },
        dir: { type: 'string', default: 'config/demo' },
        /** How long the demo core system keeps PIN failures of an account number it does not know. */
        unknownAccountFailureSeconds: { type: 'integer', minimum: 1, maximum: 86400, default: 3600 },
        /** How long the demo outbox (/demo/outbox) keeps the notices it shows. */
        outboxRetentionDays: { type: 'integer', minimum: 1, maximum: 365, default: 30 },
      },
    },
    partnerStatus: {
      type: 'object',
      additionalProperties: false,
      default: {},
      properties: {
        /**
         * Each instance reads every partner's state (active, suspended) again this often, besides
         * the events that announce a change: the most a lost event can leave it stale.
         */
        refreshMs: { type: 'integer', minimum: 100, maximum: 300000, default: 5000 },
      },
    },
    partnersDirs: { type: 'array', items: { type: 'string' }, default: ['config/partners'] },
    identityCheck: {
      type: 'object',
      additionalProperties: false,
      default: {},
      properties: {
        lockAfterFailures: { type: 'integer', minimum: 1, maximum: 20, default: 5 },
        /** Extra delay after the n-th consecutive failure (the last value repeats). */
        failureDelaysMs: {
          type: 'array',
          items: { type: 'integer', minimum: 0 },
          minItems: 1,
          default: [250, 500, 1000, 2000, 4000],
        },
        /** Every answer to a login or OTP post takes at least this long, so timing tells nothing. */
        responseFloorMs: { type: 'integer', minimum: 0, default: 300 },
        /** Wrong one-time codes one flow may try on the code step before it goes back to the start. */
        otpAttempts: { type: 'integer', minimum: 1, maximum: 10, default: 3 },
        /**
         * Failed identity checks from one client address (an IPv6 address by its network prefix)
         * within the window; beyond it both steps answer 429 until the window has passed.
         */
        ipLimit: {
          type: 'object',
          additionalProperties: false,
          default: {},
          properties: {
            maxFailures: { type: 'integer', minimum: 1, default: 50 },
            windowSeconds: { type: 'integer', minimum: 1, default: 600 },
            ipv6PrefixLength: { type: 'integer', minimum: 32, maximum: 128, default: 64 },
          },
        },
        /**
         * Failed identity checks of all clients together within the window (one PIN sprayed over
         * many accounts from many addresses); beyond it the PIN step answers 429 for everyone.
         */
        globalLimit: {
          type: 'object',
          additionalProperties: false,
          default: {},
          properties: {
            maxFailures: { type: 'integer', minimum: 1, default: 120 },
            windowSeconds: { type: 'integer', minimum: 1, default: 60 },
          },
        },
        totpWindowSteps: { type: 'integer', minimum: 0, maximum: 2, default: 1 },
      },
    },
    /**
     * Admission limits on the expensive identity checks, per connector: the PIN check (argon2 in
     * the demo connector, the gateway call in production) and staff password verification.
     */
    admission: {
      type: 'object',
      additionalProperties: false,
      default: {},
      properties: {
        pinCheck: admissionLimit,
        staffPassword: admissionLimit,
      },
    },
    lifetimes: {
      type: 'object',
      additionalProperties: false,
      default: {},
      properties: {
        accessTokenSeconds: { type: 'integer', minimum: 60, maximum: 86400, default: 3600 },
        authorizationCodeSeconds: { type: 'integer', minimum: 10, maximum: 600, default: 60 },
        interactionSeconds: { type: 'integer', minimum: 60, maximum: 3600, default: 900 },
        grantDays: { type: 'integer', minimum: 1, default: 90 },
        /** The bank's maximum: a partner's override can shorten a linkage, never lengthen it past this. */
        maxGrantDays: { type: 'integer', minimum: 1, default: 90 },
        consentRecordRetentionDays: { type: 'integer', minimum: 1, default: 3650 },
      },
    },
    linkableAccountTypes: {
      type: 'array',
      uniqueItems: true,
      items: accountType,
      default: ACCOUNT_TYPES,
    },
    dataApi: {
      type: 'object',
      additionalProperties: false,
      default: {},
      properties: {
        /** Transactions per page (at most). */
        pageSize: { type: 'integer', minimum: 1, maximum: 500, default: 500 },
        /** How far back transactions go (terms 2.4), in months before today (JST). */
        historyMonths: { type: 'integer', minimum: 1, maximum: 120, default: 24 },
      },
    },
    grants: {
      type: 'object',
      additionalProperties: false,
      default: {},
      properties: {
        /**
         * How often the sweeper looks for makings and endings of linkages that a crash or an outage
         * interrupted, and how old one must be before it finishes it.
         */
        sweeperPeriodSeconds: { type: 'integer', minimum: 1, maximum: 3600, default: 60 },
      },
    },
    myPage: {
      type: 'object',
      additionalProperties: false,
      default: {},
      properties: {
        /** A customer's session on /my ends after this long without a request... */
        sessionIdleMinutes: { type: 'integer', minimum: 1, maximum: 60, default: 10 },
        /** ...and after this long whatever the activity. */
        sessionMaxMinutes: { type: 'integer', minimum: 5, maximum: 480, default: 60 },
      },
    },
    partnerEvents: {
      type: 'object',
      additionalProperties: false,
      default: {},
      properties: {
        /**
         * Waits before each retry of a SET the partner did not accept; after the last, it is given up (and audited).
         */
        retryDelaysSeconds: {
          type: 'array',
          minItems: 1,
          maxItems: 20,
          items: { type: 'integer', minimum: 1 },
          default: [10, 30, 120, 600, 1800, 3600, 7200, 21600, 43200],
        },
        /** How long one delivery may take. */
        timeoutSeconds: { type: 'integer', minimum: 1, maximum: 60, default: 5 },
      },
    },
    mtls: {
      type: 'object',
      additionalProperties: false,
      default: {},
      properties: {
        enabled: { type: 'boolean', default: false },
        /** Header in which the trusted TLS-terminating proxy forwards the client certificate (PEM, URL-encoded). */
        certificateHeader: { type: 'string', default: 'x-ssl-client-cert' },
        /**
         * Header in which the proxy forwards its verification of that certificate against the CAs
         * the bank trusts (nginx: $ssl_client_verify). tls_client_auth needs "SUCCESS"; a
         * self-signed certificate (self_signed_tls_client_auth, "FAILED:…" with optional_no_ca) is
         * matched against the partner's registered key instead.
         */
        verificationHeader: { type: 'string', default: 'x-ssl-client-verify' },
      },
    },
    dpop: {
      type: 'object',
      additionalProperties: false,
      default: {},
      properties: {
        requireNonce: { type: 'boolean', default: false },
        iatToleranceSeconds: { type: 'integer', minimum: 1, maximum: 300, default: 60 },
      },
    },
    /** Client assertions (private_key_jwt): how far ahead their `exp` may be (FAPI 2.0: short-lived). */
    clientAssertion: {
      type: 'object',
      additionalProperties: false,
      default: {},
      properties: {
        maxLifetimeSeconds: { type: 'integer', minimum: 10, maximum: 3600, default: 300 },
      },
    },
    internalClients: { type: 'array', default: [], items: { $ref: 'internal-client' } },
    /** Bank staff's console: sessions and login throttling (src/admin/settings-schema.ts). */
    admin: adminSettingsSchema,
    /** Audit trail retention and checkpoints (src/audit/settings-schema.ts). */
    audit: auditSettingsSchema,
    /** Where records live: the embedded store or PostgreSQL (src/records/settings-schema.ts). */
    records: recordsSettingsSchema,
    /** Who may read /metrics and /readyz (src/ops/settings-schema.ts). */
    ops: opsSettingsSchema,
    /** Notices to customers: the channel, the bank's phone number, retries (src/notifier/settings-schema.ts). */
    notices: noticesSettingsSchema,
    /** The core-banking connector (src/core-banking/http/settings-schema.ts). */
    coreBanking: coreBankingSettingsSchema,
  },
} as const;

/** A bank-internal client: a resource server allowed to introspect, or a system using client credentials. */
export const internalClientSchema = {
  $id: 'internal-client',
  type: 'object',
  additionalProperties: false,
  required: ['client_id', 'jwks', 'scopes'],
  properties: {
    $comment: { type: 'string' },
    client_id: { type: 'string', pattern: '^[A-Za-z0-9._:-]{3,64}$' },
    jwks: {
      type: 'object',
      required: ['keys'],
      additionalProperties: false,
      properties: { keys: { type: 'array', minItems: 1, items: { type: 'object', required: ['kty'] } } },
    },
    /** Empty for a resource server that only introspects. */
    scopes: {
      type: 'array',
      uniqueItems: true,
      items: { type: 'string', enum: ['admin:read', 'admin:write', 'core:events'] },
    },
    introspection: { type: 'boolean', default: false },
  },
} as const;

export type Settings = FromSchema<typeof settingsSchema, { references: [typeof internalClientSchema] }>;
export type InternalClient = FromSchema<typeof internalClientSchema>;

/** config/demo/keys (or KEYS_DIR)/secrets.json: the non-JWK secrets several instances must share. */
export const secretsSchema = {
  $id: 'secrets',
  type: 'object',
  additionalProperties: false,
  required: ['cookieKeys', 'dpopNonceSecret', 'pairwiseSalt'],
  properties: {
    $comment: { type: 'string' },
    /** Newest first; older keys still verify cookies during a rotation. */
    cookieKeys: { type: 'array', minItems: 1, items: { type: 'string', minLength: 32 } },
    /** 32 bytes, base64url. */
    dpopNonceSecret: { type: 'string', pattern: '^[A-Za-z0-9_-]{43}$' },
    pairwiseSalt: { type: 'string', minLength: 32 },
    demo: { type: 'boolean' },
  },
} as const;
export type Secrets = FromSchema<typeof secretsSchema>;

/** The signing keys (private JWKS) in the keys directory. */
export const signingKeysSchema = {
  $id: 'signing-keys',
  type: 'object',
  additionalProperties: false,
  required: ['keys'],
  properties: {
    keys: {
      type: 'array',
      minItems: 1,
      items: {
        type: 'object',
        required: ['kty', 'kid', 'd', 'alg', 'use'],
        properties: {
          kty: { type: 'string', enum: ['EC', 'RSA', 'OKP'] },
          kid: { type: 'string', minLength: 1 },
          d: { type: 'string' },
          alg: { type: 'string', enum: ['ES256', 'PS256', 'EdDSA'] },
          use: { type: 'string', const: 'sig' },
        },
      },
    },
  },
} as const;
export type SigningKeys = FromSchema<typeof signingKeysSchema>;

/** checkpoint-keys.json: public keys only (`npm run keys -- --retire` writes it). */
export const retiredKeysSchema = {
  $id: 'retired-keys',
  type: 'object',
  additionalProperties: false,
  required: ['keys'],
  properties: {
    keys: {
      type: 'array',
      items: {
        type: 'object',
        required: ['kty', 'kid', 'alg'],
        not: { anyOf: [{ required: ['d'] }, { required: ['p'] }, { required: ['k'] }] },
        properties: {
          kty: { type: 'string', enum: ['EC', 'RSA', 'OKP'] },
          kid: { type: 'string', minLength: 1 },
          alg: { type: 'string', enum: ['ES256', 'PS256', 'EdDSA'] },
        },
      },
    },
  },
} as const;
export type RetiredKeys = FromSchema<typeof retiredKeysSchema>;

export const termsSchema = {
  $id: 'terms',
  type: 'object',
  additionalProperties: false,
  required: ['versions'],
  properties: {
    $comment: { type: 'string' },
    versions: {
      type: 'array',
      minItems: 1,
      items: {
        type: 'object',
        additionalProperties: false,
        required: ['version', 'effectiveFrom', 'requiresReconsent', 'file'],
        properties: {
          version: { type: 'string', pattern: '^[0-9]+\\.[0-9]+$' },
          /** JST date on which the version takes effect. */
          effectiveFrom: { type: 'string', format: 'date' },
          requiresReconsent: { type: 'boolean' },
          /** The full text (plain text), relative to the terms file. */
          file: { type: 'string' },
          changeSummary: {
            type: 'object',
            additionalProperties: false,
            properties: { ja: { type: 'string' }, en: { type: 'string' } },
          },
        },
      },
    },
  },
} as const;
export type TermsConfig = FromSchema<typeof termsSchema>;
