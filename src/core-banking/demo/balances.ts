import type { Balance } from '../port.ts';
import type { AccountHistory } from './account-history.ts';
import type { DemoAccountData } from './data-schema.ts';
import { endOfPreviousMonth, formatJst, jstDayOf } from '../../shared/jst.ts';

/**
 * The balance figures of a liquid account at the instant `nowMs`, all read off the same history
 * as its transactions, so that they always reconcile. A frozen or closed account has nothing
 * withdrawable.
 */
export const balanceAt = (account: DemoAccountData, history: AccountHistory, nowMs: number): Balance => {
  const today = jstDayOf(nowMs);
  const balance = history.balanceAtEndOf(today);
  const usable = account.status === 'active';
  const common = {
    accountId: account.accountId,
    balance: String(balance),
    previousDayBalance: String(history.balanceAtEndOf(today - 1)),
    previousMonthBalance: String(history.balanceAtEndOf(endOfPreviousMonth(today))),
    asOf: formatJst(nowMs),
  };
  if (account.accountType !== 'card_loan') return { ...common, withdrawableAmount: String(usable ? balance : 0) };
  const creditLimit = account.creditLimit ?? 0;
  const availableCredit = usable ? Math.max(0, creditLimit - balance) : 0;
  return {
    ...common,
    withdrawableAmount: String(availableCredit),
    creditLimit: String(creditLimit),
    availableCredit: String(availableCredit),
  };
};
