import type { FromSchema } from 'json-schema-to-ts';
import { staffTextSchema } from '../field-schemas.ts';
import { SURFACES } from '../../calendar/surfaces.ts';
import { oneOffWindowSchema } from '../../calendar/config-schema.ts';
import { ACCOUNT_TYPES } from '../../core-banking/port.ts';
import { accountNumberSchema, branchCodeSchema } from '../../core-banking/field-schemas.ts';

/**
 * Request bodies of the admin API. docs/openapi/admin-api.json carries the same schemas
 * (test/admin/openapi.test.ts holds them equal), so the document cannot drift from the checks.
 */
const reason = { ...staffTextSchema, description: 'Why: recorded in the audit trail.' } as const;
const loginAccount = {
  branchCode: branchCodeSchema,
  accountType: { type: 'string', enum: ACCOUNT_TYPES },
  accountNumber: accountNumberSchema,
} as const;

export const reasonBodySchema = {
  $id: 'admin-api-reason',
  type: 'object',
  additionalProperties: false,
  required: ['reason'],
  properties: { reason },
} as const;
export type ReasonBody = FromSchema<typeof reasonBodySchema>;

export const customerLookupBodySchema = {
  $id: 'admin-api-customer-lookup',
  type: 'object',
  additionalProperties: false,
  required: ['branchCode', 'accountType', 'accountNumber'],
  properties: loginAccount,
} as const;
export type CustomerLookupBody = FromSchema<typeof customerLookupBodySchema>;

export const unlockBodySchema = {
  $id: 'admin-api-unlock',
  type: 'object',
  additionalProperties: false,
  required: ['branchCode', 'accountType', 'accountNumber', 'reason'],
  properties: { ...loginAccount, reason },
} as const;
export type UnlockBody = FromSchema<typeof unlockBodySchema>;

export const partnerSaveBodySchema = {
  $id: 'admin-api-partner-save',
  type: 'object',
  additionalProperties: false,
  required: ['definition', 'reason'],
  properties: {
    definition: {
      type: 'object',
      description: 'A partner definition, as in a partner file (checked against the partner JSON Schema).',
    },
    reason,
  },
} as const;
export type PartnerSaveBody = FromSchema<typeof partnerSaveBodySchema>;

const message = staffTextSchema;
export const restrictionBodySchema = {
  $id: 'admin-api-restriction',
  type: 'object',
  additionalProperties: false,
  required: ['scope', 'message', 'reason'],
  properties: {
    scope: {
      oneOf: [
        { type: 'object', additionalProperties: false, required: ['kind'], properties: { kind: { const: 'service' } } },
        {
          type: 'object',
          additionalProperties: false,
          required: ['kind', 'partnerId'],
          properties: { kind: { const: 'partner' }, partnerId: { type: 'string', pattern: '^[A-Za-z0-9._-]{3,64}$' } },
        },
        {
          type: 'object',
          additionalProperties: false,
          required: ['kind', 'surface'],
          properties: { kind: { const: 'surface' }, surface: { type: 'string', enum: SURFACES } },
        },
      ],
    },
    message: {
      type: 'object',
      additionalProperties: false,
      required: ['ja', 'en'],
      properties: { ja: message, en: message },
    },
    until: {
      type: 'string',
      format: 'date-time',
      description: 'When the restriction ends by itself; without it, it lasts until lifted.',
    },
    reason,
  },
} as const;
export type RestrictionBody = FromSchema<typeof restrictionBodySchema>;

/** An operator's one-off maintenance window: the calendar's own window schema. */
export const maintenanceWindowBodySchema = { $id: 'admin-api-maintenance-window', ...oneOffWindowSchema } as const;
export type MaintenanceWindowBody = FromSchema<typeof maintenanceWindowBodySchema>;

export const ADMIN_API_BODY_SCHEMAS = [
  reasonBodySchema,
  customerLookupBodySchema,
  unlockBodySchema,
  partnerSaveBodySchema,
  restrictionBodySchema,
  maintenanceWindowBodySchema,
] as const;
