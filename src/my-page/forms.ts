/**
 * The forms /my posts. The identity check uses API連携認証's own login and one-time-code forms
 * (src/web/login-forms.ts: the same fields, the same rules).
 */
export { loginFormSchema, otpFormSchema, type LoginForm, type OtpForm } from '../web/login-forms.ts';

/** A confirmation (end a linkage, sign out): nothing but the CSRF token. */
export const confirmFormSchema = {
  $id: 'my-page-confirm-form',
  type: 'object',
  required: ['csrf'],
  additionalProperties: false,
  properties: { csrf: { type: 'string', minLength: 1 } },
} as const;
