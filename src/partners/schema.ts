import type { FromSchema } from 'json-schema-to-ts';
import { ACCOUNT_TYPES } from '../core-banking/port.ts';

/** Scopes a partner may be allowed; internal scopes (admin:*, core:events) are not among them. */
export const PARTNER_SCOPES = [
  'openid',
  'offline_access',
  'accounts',
  'deposits',
  'time_deposits',
  'grant_management_query',
  'grant_management_revoke',
] as const;

/** A base64url string of exactly `length` characters (a key coordinate of a fixed size). */
const b64u = (length: number) => ({ type: 'string', pattern: `^[A-Za-z0-9_-]{${length}}$` }) as const;
const curve = (crv: string, members: Record<string, ReturnType<typeof b64u>>) =>
  ({
    if: { properties: { crv: { const: crv } }, required: ['crv'] },
    then: { required: Object.keys(members), properties: members },
  }) as const;

/**
 * A partner's public signing key, checked per `kty` (RFC 7518 §6): EC with a named curve and
 * coordinates of that curve's size, RSA with a modulus of at least 2048 bits and an exponent,
 * OKP with an EdDSA curve. Private members are refused: a partner file never holds a private key.
 */
const jwk = {
  type: 'object',
  required: ['kty'],
  properties: {
    kty: { type: 'string', enum: ['EC', 'RSA', 'OKP'] },
    kid: { type: 'string', minLength: 1, maxLength: 200 },
    alg: { type: 'string', maxLength: 20 },
    use: { type: 'string', enum: ['sig', 'enc'] },
    key_ops: { type: 'array', maxItems: 8, items: { type: 'string', maxLength: 20 } },
    x5c: { type: 'array', maxItems: 10, items: { type: 'string', maxLength: 20000 } },
    crv: { type: 'string' },
    x: { type: 'string' },
    y: { type: 'string' },
    n: { type: 'string' },
    e: { type: 'string' },
  },
  not: {
    anyOf: ['d', 'p', 'q', 'dp', 'dq', 'qi', 'k'].map((member) => ({
      required: [member],
      properties: { [member]: {} },
    })),
  },
  allOf: [
    {
      if: { properties: { kty: { const: 'EC' } }, required: ['kty'] },
      then: {
        required: ['crv', 'x', 'y'],
        properties: { crv: { enum: ['P-256', 'P-384', 'P-521'] }, x: { type: 'string' }, y: { type: 'string' } },
        allOf: [
          curve('P-256', { x: b64u(43), y: b64u(43) }),
          curve('P-384', { x: b64u(64), y: b64u(64) }),
          curve('P-521', { x: b64u(88), y: b64u(88) }),
        ],
      },
    },
    {
      if: { properties: { kty: { const: 'RSA' } }, required: ['kty'] },
      then: {
        required: ['n', 'e'],
        properties: {
          n: { type: 'string', pattern: '^[A-Za-z0-9_-]{342,2048}$' },
          e: { type: 'string', pattern: '^[A-Za-z0-9_-]{1,8}$' },
        },
      },
    },
    {
      if: { properties: { kty: { const: 'OKP' } }, required: ['kty'] },
      then: {
        required: ['crv', 'x'],
        properties: { crv: { enum: ['Ed25519', 'Ed448'] }, x: { type: 'string' } },
        allOf: [curve('Ed25519', { x: b64u(43) }), curve('Ed448', { x: b64u(76) })],
      },
    },
  ],
  additionalProperties: true,
} as const;

/**
 * The registration of an 電子決済等代行業者 as the Financial Services Agency's register spells it:
 * the local finance bureau (or the Fukuoka branch bureau, or the Okinawa general bureau), then
 * 「長（電代）第N号」, e.g. 関東財務局長（電代）第12号.
 */
export const REGISTRATION_NUMBER_PATTERN =
  '^(北海道財務局|東北財務局|関東財務局|北陸財務局|東海財務局|近畿財務局|中国財務局|四国財務局|九州財務局|福岡財務支局|沖縄総合事務局)長（電代）第[1-9][0-9]{0,4}号$';

const localizedText = (maxLength: number) =>
  ({
    type: 'object',
    additionalProperties: false,
    required: ['ja', 'en'],
    properties: {
      ja: { type: 'string', minLength: 1, maxLength },
      en: { type: 'string', minLength: 1, maxLength },
    },
  }) as const;

/** Who the partner is in law: what the consent page shows the customer before they agree. */
const legalDetails = {
  type: 'object',
  additionalProperties: false,
  required: ['name', 'registration_number', 'contact_url', 'privacy_policy_url'],
  properties: {
    name: localizedText(200),
    registration_number: { type: 'string', pattern: REGISTRATION_NUMBER_PATTERN },
    contact_url: { type: 'string', format: 'uri' },
    contact_phone: { type: 'string', pattern: '^0[0-9]{1,4}-[0-9]{1,4}-[0-9]{3,4}$' },
    privacy_policy_url: { type: 'string', format: 'uri' },
  },
} as const;

/**
 * One partner (API連携事業者) file under config/partners/ or PARTNERS_DIR. The same schema checks
 * partners that operators add or edit at run time.
 */
export const partnerSchema = {
  $id: 'partner',
  type: 'object',
  additionalProperties: false,
  required: ['client_id', 'name', 'redirect_uris', 'scopes', 'account_types'],
  properties: {
    $comment: { type: 'string' },
    client_id: { type: 'string', pattern: '^[A-Za-z0-9._-]{3,64}$' },
    name: localizedText(100),
    redirect_uris: { type: 'array', minItems: 1, uniqueItems: true, items: { type: 'string', format: 'uri' } },
    jwks: {
      type: 'object',
      additionalProperties: false,
      required: ['keys'],
      properties: { keys: { type: 'array', minItems: 1, items: jwk } },
    },
    jwks_uri: { type: 'string', format: 'uri' },
    token_endpoint_auth_method: {
      type: 'string',
      enum: ['private_key_jwt', 'tls_client_auth', 'self_signed_tls_client_auth'],
      default: 'private_key_jwt',
    },
    tls_client_auth_subject_dn: { type: 'string' },
    scopes: { type: 'array', minItems: 1, uniqueItems: true, items: { type: 'string', enum: PARTNER_SCOPES } },
    account_types: {
      type: 'array',
      minItems: 1,
      uniqueItems: true,
      items: { type: 'string', enum: ACCOUNT_TYPES },
    },
    status: { type: 'string', enum: ['active', 'suspended'], default: 'active' },
    grant_lifetime_days: { type: 'integer', minimum: 1 },
    profile: { type: 'string', enum: ['fapi2', 'legacy'], default: 'fapi2' },
    event_endpoint: { type: 'string', format: 'uri' },
    legal: legalDetails,
  },
  // Cross-field rules as anyOf alternatives (not if/then/not), so that every required member is one
  // the schema defines: OpenAPI linters and renderers read them, and ajv means the same.
  allOf: [
    // jwks or jwks_uri, never both.
    { anyOf: [{ properties: { jwks: false } }, { properties: { jwks_uri: false } }] },
    // Keys are needed to verify client assertions, and to recognise a self-signed certificate.
    {
      anyOf: [
        { required: ['jwks'] },
        { required: ['jwks_uri'] },
        {
          required: ['token_endpoint_auth_method'],
          properties: {
            token_endpoint_auth_method: { not: { enum: ['private_key_jwt', 'self_signed_tls_client_auth'] } },
          },
        },
      ],
    },
    // A CA-issued certificate is recognised by its subject.
    {
      anyOf: [
        { required: ['tls_client_auth_subject_dn'] },
        { properties: { token_endpoint_auth_method: { not: { const: 'tls_client_auth' } } } },
      ],
    },
  ],
} as const;

export type PartnerFile = FromSchema<typeof partnerSchema>;
/** A partner after defaults are applied. */
export type Partner = PartnerFile & Required<Pick<PartnerFile, 'token_endpoint_auth_method' | 'status' | 'profile'>>;

/** A partner as a file defines it. */
export interface PartnerDefinition {
  partner: Partner;
  /** The file that defined it (shown in the console: which source applies). */
  file: string;
}
