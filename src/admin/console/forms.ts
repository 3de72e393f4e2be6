import type { FromSchema } from 'json-schema-to-ts';
import { staffTextSchema } from '../field-schemas.ts';
import { accountNumberSchema, branchCodeSchema, loginAccountTypeSchema } from '../../core-banking/field-schemas.ts';
import { SURFACES } from '../../calendar/surfaces.ts';
import { SEARCH_KINDS } from '../operations/search.ts';

/** The forms the console posts. Every one carries the session's CSRF token. */
const csrf = { type: 'string', minLength: 1, maxLength: 100 } as const;
/** A reason staff must give: something other than blanks. */
export const reasonField = staffTextSchema;
// Checked by the confirmation step (a wrong one shows the confirmation again), so any short text passes here.
const totp = { type: 'string', maxLength: 10 } as const;
/** The second post of a destructive action, from its confirmation page. */
const confirm = { type: 'string', enum: ['yes'] } as const;

export const loginFormSchema = {
  $id: 'admin-login-form',
  type: 'object',
  additionalProperties: false,
  required: ['csrf', 'username', 'password'],
  properties: { csrf, username: { type: 'string', maxLength: 64 }, password: { type: 'string', maxLength: 256 } },
} as const;
export type LoginForm = FromSchema<typeof loginFormSchema>;

export const totpFormSchema = {
  $id: 'admin-totp-form',
  type: 'object',
  additionalProperties: false,
  required: ['csrf', 'otp'],
  properties: { csrf, otp: { type: 'string', maxLength: 10 } },
} as const;
export type TotpForm = FromSchema<typeof totpFormSchema>;

export const csrfOnlyFormSchema = {
  $id: 'admin-csrf-form',
  type: 'object',
  additionalProperties: false,
  required: ['csrf'],
  properties: { csrf },
} as const;

export const reasonFormSchema = {
  $id: 'admin-reason-form',
  type: 'object',
  additionalProperties: false,
  required: ['csrf', 'reason'],
  properties: { csrf, reason: reasonField },
} as const;
export type ReasonForm = FromSchema<typeof reasonFormSchema>;

/**
 * A destructive action: a reason, then the confirmation page's post (`confirm`), with the
 * one-time code again where the action asks for it.
 */
export const confirmedFormSchema = {
  $id: 'admin-confirmed-form',
  type: 'object',
  additionalProperties: false,
  required: ['csrf', 'reason'],
  properties: { csrf, reason: reasonField, confirm, totp },
} as const;
export type ConfirmedForm = FromSchema<typeof confirmedFormSchema>;
/** The bulk actions' form is the same: the code is asked on the confirmation page. */
export const bulkFormSchema = confirmedFormSchema;
export type BulkForm = FromSchema<typeof bulkFormSchema>;

export const customerSearchFormSchema = {
  $id: 'admin-customer-search-form',
  type: 'object',
  additionalProperties: false,
  required: ['csrf', 'branch', 'accountType', 'accountNumber'],
  properties: {
    csrf,
    branch: branchCodeSchema,
    accountType: loginAccountTypeSchema,
    accountNumber: accountNumberSchema,
  },
} as const;
export type CustomerSearchForm = FromSchema<typeof customerSearchFormSchema>;

/** The one search box: what to search by, and the text (a kana name, a number, an id). */
export const searchFormSchema = {
  $id: 'admin-search-form',
  type: 'object',
  additionalProperties: false,
  required: ['csrf', 'by', 'q'],
  properties: {
    csrf,
    by: { type: 'string', enum: SEARCH_KINDS },
    q: { type: 'string', minLength: 1, maxLength: 100 },
  },
} as const;
export type SearchForm = FromSchema<typeof searchFormSchema>;

export const unlockFormSchema = {
  $id: 'admin-unlock-form',
  type: 'object',
  additionalProperties: false,
  required: ['csrf', 'accountId', 'reason'],
  properties: { csrf, accountId: { type: 'string', pattern: '^[A-Za-z0-9_-]{1,64}$' }, reason: reasonField },
} as const;
export type UnlockForm = FromSchema<typeof unlockFormSchema>;

/** A text of the partner form: its shape is the partner JSON Schema's to judge, at the field. */
const partnerText = (maxLength: number) => ({ type: 'string', maxLength }) as const;
const partnerChoices = { type: 'array', maxItems: 20, items: { type: 'string', maxLength: 64 } } as const;

/** The partner form's fields (src/admin/console/partner-form.ts); `clientId` only when adding. */
export const partnerFieldsFormSchema = {
  $id: 'admin-partner-fields-form',
  type: 'object',
  additionalProperties: false,
  required: ['csrf', 'reason'],
  properties: {
    csrf,
    reason: reasonField,
    clientId: partnerText(100),
    nameJa: partnerText(200),
    nameEn: partnerText(200),
    legalNameJa: partnerText(400),
    legalNameEn: partnerText(400),
    registrationNumber: partnerText(100),
    contactUrl: partnerText(2000),
    contactPhone: partnerText(30),
    privacyPolicyUrl: partnerText(2000),
    redirectUris: partnerText(20000),
    scopes: partnerChoices,
    accountTypes: partnerChoices,
    grantLifetimeDays: partnerText(20),
    eventEndpoint: partnerText(2000),
    jwks: partnerText(15000),
    jwksUri: partnerText(2000),
    tokenEndpointAuthMethod: partnerText(64),
    tlsClientAuthSubjectDn: partnerText(1000),
    profile: partnerText(20),
  },
} as const;
export type PartnerFieldsForm = FromSchema<typeof partnerFieldsFormSchema>;
/** Fields that may repeat (check boxes). */
export const PARTNER_FORM_ARRAYS = ['scopes', 'accountTypes'];

const message = staffTextSchema;
export const restrictionFormSchema = {
  $id: 'admin-restriction-form',
  type: 'object',
  additionalProperties: false,
  required: ['csrf', 'scopeKind', 'messageJa', 'messageEn', 'reason'],
  properties: {
    csrf,
    scopeKind: { type: 'string', enum: ['service', 'partner', 'surface'] },
    partnerId: { type: 'string', maxLength: 64 },
    surface: { type: 'string', enum: SURFACES },
    messageJa: message,
    messageEn: message,
    until: { type: 'string', maxLength: 19 },
    reason: reasonField,
    totp,
    confirm,
  },
  allOf: [
    {
      if: { properties: { scopeKind: { const: 'partner' } } },
      then: { required: ['partnerId'], properties: { partnerId: { type: 'string', minLength: 3 } } },
    },
    { if: { properties: { scopeKind: { const: 'surface' } } }, then: { required: ['surface'] } },
  ],
} as const;
export type RestrictionForm = FromSchema<typeof restrictionFormSchema>;

/** A one-off maintenance window: the times are datetime-local values in Japan time. */
export const maintenanceWindowFormSchema = {
  $id: 'admin-maintenance-window-form',
  type: 'object',
  additionalProperties: false,
  required: ['csrf', 'id', 'surfaces', 'from', 'to', 'reason'],
  properties: {
    csrf,
    id: { type: 'string', pattern: '^[A-Za-z0-9._-]{1,100}$' },
    surfaces: { type: 'array', minItems: 1, uniqueItems: true, items: { type: 'string', enum: SURFACES } },
    from: { type: 'string', maxLength: 19 },
    to: { type: 'string', maxLength: 19 },
    reason: reasonField,
  },
} as const;
export type MaintenanceWindowForm = FromSchema<typeof maintenanceWindowFormSchema>;
