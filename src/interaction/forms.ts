import type { FromSchema } from 'json-schema-to-ts';

/** The forms the consent pages post; the identity check's are in src/web/login-forms.ts. */
export { loginFormSchema, otpFormSchema, type LoginForm, type OtpForm } from '../web/login-forms.ts';

export const consentFormSchema = {
  $id: 'consent-form',
  type: 'object',
  required: ['csrf', 'decision'],
  additionalProperties: false,
  properties: {
    csrf: { type: 'string', minLength: 1 },
    decision: { type: 'string', enum: ['agree', 'decline'] },
    accounts: { type: 'array', items: { type: 'string', pattern: '^[A-Za-z0-9_-]{1,64}$' }, maxItems: 50 },
  },
} as const;
export type ConsentForm = FromSchema<typeof consentFormSchema>;

export const abortFormSchema = {
  $id: 'abort-form',
  type: 'object',
  required: ['csrf'],
  additionalProperties: false,
  properties: { csrf: { type: 'string', minLength: 1 } },
} as const;
