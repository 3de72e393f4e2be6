import type { Middleware } from 'koa';
import type { CoreBanking } from '../../core-banking/port.ts';
import { coveredAccounts } from '../checks/load-covered-accounts.ts';
import type { DataCallState } from '../context.ts';
import { accountView, baseDateTime } from '../format.ts';

/** GET /api/v1/accounts — the accounts the customer linked (scope `accounts`). */
export const listAccounts =
  (deps: { coreBanking: CoreBanking }): Middleware<DataCallState> =>
  async (ctx) => {
    const request = ctx.state;
    const accounts = await coveredAccounts(deps.coreBanking, request);
    ctx.body = { ...baseDateTime(await deps.coreBanking.asOf()), accounts: accounts.map(accountView) };
  };
