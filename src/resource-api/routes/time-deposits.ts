import type { Middleware } from 'koa';
import type { CoreBanking, TimeDeposit } from '../../core-banking/port.ts';
import { coveredAccounts } from '../checks/load-covered-accounts.ts';
import type { DataCallState } from '../context.ts';
import { badRequest } from '../../web/errors.ts';
import { baseDateTime } from '../format.ts';

const INTEREST_TYPES: Record<TimeDeposit['interestType'], { code: string; name: string }> = {
  simple: { code: '1', name: '単利' },
  compound: { code: '2', name: '複利' },
};
const RENEWAL_TYPES: Record<TimeDeposit['renewalType'], { code: string; name: string }> = {
  principal_and_interest: { code: '1', name: '元利自動継続' },
  principal_only: { code: '2', name: '元金自動継続' },
  none: { code: '3', name: '満期解約' },
};

/** GET /api/v1/accounts/time-deposits[?accountId=] — each deposit of the linked 定期預金 accounts. */
export const listTimeDeposits =
  (deps: { coreBanking: CoreBanking }): Middleware<DataCallState> =>
  async (ctx) => {
    const request = ctx.state;
    if (request.account && request.account.accountType !== 'time_deposit') {
      throw badRequest('account_type_not_supported', 'This account is not a time deposit account.');
    }
    const accounts = (await coveredAccounts(deps.coreBanking, request)).filter((a) => a.accountType === 'time_deposit');
    const timeDeposits = [];
    for (const account of accounts) {
      for (const d of await deps.coreBanking.timeDeposits(account.accountId)) {
        timeDeposits.push({
          accountId: account.accountId,
          depositNumber: d.depositNumber,
          depositDate: d.depositDate,
          maturityDate: d.maturityDate,
          principal: d.principal,
          interestRate: d.interestRate,
          termMonths: d.termMonths,
          interestTypeCode: INTEREST_TYPES[d.interestType].code,
          interestTypeName: INTEREST_TYPES[d.interestType].name,
          renewalTypeCode: RENEWAL_TYPES[d.renewalType].code,
          renewalTypeName: RENEWAL_TYPES[d.renewalType].name,
          currencyCode: d.currencyCode,
        });
      }
    }
    ctx.body = { ...baseDateTime(await deps.coreBanking.asOf()), timeDeposits };
  };
