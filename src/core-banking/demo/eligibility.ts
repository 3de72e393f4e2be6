import type { Account, Customer, Eligibility } from '../port.ts';

/**
 * Terms 1.2(1): the customer holds an ordinary or savings account "meeting the bank's
 * requirements" — here: active, with a cash card issued. Other accounts (frozen ones included) do
 * not matter either way; a customer-level restriction overrides everything.
 */
export const eligibilityOf = (customer: Customer | undefined, accounts: readonly Account[]): Eligibility => {
  if (customer?.restricted) return { eligible: false, reason: 'customer_restricted' };
  const qualifies = (account: Account) =>
    (account.accountType === 'ordinary' || account.accountType === 'savings') &&
    account.status === 'active' &&
    account.cashCardIssued;
  return customer && accounts.some(qualifies) ? { eligible: true } : { eligible: false, reason: 'no_eligible_account' };
};
