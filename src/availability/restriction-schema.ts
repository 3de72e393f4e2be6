import type { FromSchema } from 'json-schema-to-ts';
import { SURFACES } from '../calendar/index.ts';

const message = { type: 'string', minLength: 1, maxLength: 500 } as const;

/**
 * The body of an operator's restriction (terms 7.3), as the admin console and admin API accept it.
 * `until` is ms epoch; the schema cannot say "in the future", createAvailability checks that.
 */
export const restrictionInputSchema = {
  $id: 'restriction-input',
  type: 'object',
  additionalProperties: false,
  required: ['scope', 'message', 'setBy', 'reason'],
  properties: {
    id: { type: 'string', pattern: '^[A-Za-z0-9._-]{1,64}$' },
    scope: {
      type: 'object',
      required: ['kind'],
      discriminator: { propertyName: 'kind' },
      oneOf: [
        { type: 'object', additionalProperties: false, required: ['kind'], properties: { kind: { const: 'service' } } },
        {
          type: 'object',
          additionalProperties: false,
          required: ['kind', 'partnerId'],
          // The partner files' client_id pattern.
          properties: { kind: { const: 'partner' }, partnerId: { type: 'string', pattern: '^[A-Za-z0-9._-]{3,64}$' } },
        },
        {
          type: 'object',
          additionalProperties: false,
          required: ['kind', 'surface'],
          properties: { kind: { const: 'surface' }, surface: { enum: SURFACES } },
        },
      ],
    },
    message: {
      type: 'object',
      additionalProperties: false,
      required: ['ja', 'en'],
      properties: { ja: message, en: message },
    },
    until: { type: 'integer', minimum: 0 },
    setBy: { type: 'string', minLength: 1, maxLength: 100 },
    reason: { type: 'string', minLength: 1, maxLength: 500 },
  },
} as const;

export type RestrictionInputBody = FromSchema<typeof restrictionInputSchema>;
