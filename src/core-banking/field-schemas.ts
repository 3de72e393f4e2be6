/**
 * JSON Schema fragments for the fields that name an account, shared by every form and body that
 * takes one (API連携認証, /my, the staff console, the admin API): one rule, written once.
 */
export const branchCodeSchema = { type: 'string', pattern: '^[0-9]{3}$' } as const;
export const accountNumberSchema = { type: 'string', pattern: '^[0-9]{7}$' } as const;
/** The account types a customer logs in with: those a cash card is issued for. */
export const loginAccountTypeSchema = { type: 'string', enum: ['ordinary', 'savings', 'card_deposit'] } as const;
