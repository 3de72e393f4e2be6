import type { Account, AccountType } from '../core-banking/port.ts';

/**
 * The accounts a customer may link to a partner: open (not frozen or closed) and of a type both
 * the bank and that partner allow (terms 2.2: not every account is guaranteed to be linkable).
 */
export const linkableAccounts = (
  accounts: Account[],
  bankTypes: readonly AccountType[],
  partnerTypes: readonly AccountType[],
) =>
  accounts.filter(
    (a) => a.status === 'active' && bankTypes.includes(a.accountType) && partnerTypes.includes(a.accountType),
  );
