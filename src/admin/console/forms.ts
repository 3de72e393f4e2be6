import type { FromSchema } from 'json-schema-to-ts';
import { staffTextSchema } from '../field-schemas.ts';
import { accountNumberSchema, branchCodeSchema, loginAccountTypeSchema } from '../../core-banking/field-schemas.ts';
import { SURFACES } from '../../calendar/surfaces.ts';
import { SEARCH_KINDS } from '../operations/search.ts';

/** The forms the console posts. Every one carries the session's CSRF token. */
const csrf = { type: 'string', minLength: 1, maxLength: 100 } as const;
/** A reason staff must give: something other than blanks. */
export const reasonField = staffTextSchema;
const totp = { type: 'string', pattern: '^[0-9]{6}$' } as const;

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

/** Destructive bulk actions: a reason and the one-time code again. */
export const bulkFormSchema = {
  $id: 'admin-bulk-form',
  type: 'object',
  additionalProperties: false,
  required: ['csrf', 'reason', 'totp'],
  properties: { csrf, reason: reasonField, totp },
} as const;
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

export const partnerFormSchema = {
  $id: 'admin-partner-form',
  type: 'object',
  additionalProperties: false,
  required: ['csrf', 'definition', 'reason'],
  properties: { csrf, definition: { type: 'string', minLength: 2, maxLength: 15000 }, reason: reasonField },
} as const;
export type PartnerForm = FromSchema<typeof partnerFormSchema>;

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
    totp: { type: 'string', maxLength: 10 },
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
