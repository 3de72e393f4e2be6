import type { FromSchema } from 'json-schema-to-ts';
import { accountNumberSchema, branchCodeSchema, loginAccountTypeSchema } from '../core-banking/field-schemas.ts';

/** The identity check's forms, the same on API連携認証 and /my (their field names are a public contract). */
export const loginFormSchema = {
  $id: 'login-form',
  type: 'object',
  required: ['csrf', 'branch', 'accountType', 'accountNumber', 'pin'],
  additionalProperties: false,
  properties: {
    csrf: { type: 'string', minLength: 1 },
    branch: branchCodeSchema,
    accountType: loginAccountTypeSchema,
    accountNumber: accountNumberSchema,
    pin: { type: 'string', pattern: '^[0-9]{4}$' },
  },
} as const;
export type LoginForm = FromSchema<typeof loginFormSchema>;

export const otpFormSchema = {
  $id: 'otp-form',
  type: 'object',
  required: ['csrf', 'otp'],
  additionalProperties: false,
  properties: {
    csrf: { type: 'string', minLength: 1 },
    otp: { type: 'string', pattern: '^[0-9]{6}$' },
  },
} as const;
export type OtpForm = FromSchema<typeof otpFormSchema>;
