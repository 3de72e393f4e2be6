import type { Middleware } from 'koa';
import { LIQUID_ACCOUNT_TYPES, type CoreBanking } from '../../core-banking/port.ts';
import { coveredAccounts } from '../checks/load-covered-accounts.ts';
import type { DataCallState } from '../context.ts';
import { badRequest } from '../../web/errors.ts';
import { ACCOUNT_TYPE_CODES, baseDateTime, compact } from '../format.ts';

/**
 * GET /api/v1/accounts/balances[?accountId=] — balances of the linked liquid accounts (scope
 * `deposits`); a card loan's balance is its loan balance, with the credit line beside it.
 */
export const listBalances =
  (deps: { coreBanking: CoreBanking }): Middleware<DataCallState> =>
  async (ctx) => {
    const request = ctx.state;
    if (request.account && !LIQUID_ACCOUNT_TYPES.includes(request.account.accountType)) {
      throw badRequest(
        'account_type_not_supported',
        'This account has no balance in this API (time deposits: /api/v1/accounts/time-deposits).',
      );
    }
    const accounts = (await coveredAccounts(deps.coreBanking, request)).filter((a) =>
      LIQUID_ACCOUNT_TYPES.includes(a.accountType),
    );
    const balances = [];
    let asOf = await deps.coreBanking.asOf();
    for (const account of accounts) {
      const b = await deps.coreBanking.balance(account.accountId);
      if (!b) continue;
      asOf = b.asOf;
      balances.push(
        compact({
          accountId: account.accountId,
          accountTypeCode: ACCOUNT_TYPE_CODES[account.accountType].code,
          currencyCode: account.currencyCode,
          balance: b.balance,
          withdrawableAmount: b.withdrawableAmount,
          previousDayBalance: b.previousDayBalance,
          previousMonthBalance: b.previousMonthBalance,
          creditLimit: b.creditLimit,
          availableCredit: b.availableCredit,
          ...baseDateTime(b.asOf),
        }),
      );
    }
    ctx.body = { ...baseDateTime(asOf), balances };
  };
