import type { Account, AccountType } from '../core-banking/port.ts';

/**
 * Why an account cannot be linked to a partner, when it cannot (terms 2.2: not every account is
 * guaranteed to be linkable). A type reason wins over the account's status: a frozen account of a
 * type the partner does not receive would stay unlinkable once unfrozen, so that is what to say.
 */
export type NotLinkableReason = 'not_for_service' | 'not_for_partner' | 'not_open';

export const NOT_LINKABLE_REASONS: readonly NotLinkableReason[] = ['not_for_service', 'not_for_partner', 'not_open'];

export const whyNotLinkable = (
  account: Pick<Account, 'accountType' | 'status'>,
  bankTypes: readonly AccountType[],
  partnerTypes: readonly AccountType[],
): NotLinkableReason | undefined => {
  if (!bankTypes.includes(account.accountType)) return 'not_for_service';
  if (!partnerTypes.includes(account.accountType)) return 'not_for_partner';
  if (account.status !== 'active') return 'not_open';
  return undefined;
};

/** The accounts a customer may link to a partner: open and of a type both the bank and that partner allow. */
export const linkableAccounts = (
  accounts: Account[],
  bankTypes: readonly AccountType[],
  partnerTypes: readonly AccountType[],
) => accounts.filter((a) => whyNotLinkable(a, bankTypes, partnerTypes) === undefined);

/** The accounts that cannot be linked, by reason (only reasons that occur), each with the types involved. */
export const notLinkableAccounts = (
  accounts: Account[],
  bankTypes: readonly AccountType[],
  partnerTypes: readonly AccountType[],
) => {
  const groups = new Map<NotLinkableReason, { count: number; types: AccountType[] }>();
  for (const account of accounts) {
    const reason = whyNotLinkable(account, bankTypes, partnerTypes);
    if (!reason) continue;
    const group = groups.get(reason) ?? { count: 0, types: [] };
    group.count += 1;
    if (!group.types.includes(account.accountType)) group.types.push(account.accountType);
    groups.set(reason, group);
  }
  return NOT_LINKABLE_REASONS.filter((r) => groups.has(r)).map((reason) => ({ reason, ...groups.get(reason)! }));
};

export type NotLinkable = ReturnType<typeof notLinkableAccounts>;
