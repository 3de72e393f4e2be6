import { LOGIN_ACCOUNT_TYPES } from './port.ts';

/**
 * JSON Schema fragments for the fields that name an account, shared by every form and body that
 * takes one (API連携認証, /my, the staff console, the admin API): one rule, written once.
 */
export const branchCodeSchema = { type: 'string', pattern: '^[0-9]{3}$' } as const;
export const accountNumberSchema = { type: 'string', pattern: '^[0-9]{7}$' } as const;
export const loginAccountTypeSchema = { type: 'string', enum: LOGIN_ACCOUNT_TYPES } as const;
