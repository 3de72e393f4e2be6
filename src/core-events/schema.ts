import type { FromSchema } from 'json-schema-to-ts';

/**
 * What the core-banking system reports (terms 5.2): a customer lost eligibility, or an account was
 * frozen or closed (or opened again).
 */
export const coreEventSchema = {
  $id: 'core-event',
  type: 'object',
  oneOf: [
    {
      type: 'object',
      additionalProperties: false,
      required: ['type', 'customerId', 'reason'],
      properties: {
        type: { const: 'customer.eligibility_lost' },
        customerId: { type: 'string', minLength: 1, maxLength: 64 },
        reason: {
          type: 'string',
          enum: ['no_cash_card', 'no_eligible_account', 'customer_restricted', 'deceased', 'fraud', 'other'],
        },
        eventId: { type: 'string', maxLength: 128 },
      },
    },
    {
      type: 'object',
      additionalProperties: false,
      required: ['type', 'accountId', 'status'],
      properties: {
        type: { const: 'account.status_changed' },
        accountId: { type: 'string', minLength: 1, maxLength: 64 },
        status: { type: 'string', enum: ['active', 'frozen', 'closed'] },
        eventId: { type: 'string', maxLength: 128 },
      },
    },
  ],
} as const;

export type CoreEvent = FromSchema<typeof coreEventSchema>;
