import type { Middleware } from 'koa';
import type { CoreBanking } from '../../core-banking/port.ts';
import { accountNotFound } from '../../web/errors.ts';
import type { DataCallState } from '../context.ts';

/**
 * The account named by `accountId`, when the grant covers it; otherwise 404, exactly as for an id
 * that does not exist (another customer's account, or one the customer did not tick).
 * An account closed or frozen since the consent is not served either.
 */
export const loadCoveredAccount =
  (deps: { coreBanking: CoreBanking }, options: { required: boolean }): Middleware<DataCallState> =>
  async (ctx, next) => {
    const accountId = ctx.query.accountId;
    if (accountId === undefined) {
      if (options.required) throw accountNotFound();
      return next();
    }
    if (typeof accountId !== 'string' || !ctx.state.accountIds.includes(accountId)) throw accountNotFound();
    const account = await deps.coreBanking.account(accountId);
    if (!account || account.status !== 'active') throw accountNotFound();
    ctx.state.account = account;
    await next();
  };

/** Every account the grant covers that is still open, in the order the customer ticked them. */
export const coveredAccounts = async (
  coreBanking: CoreBanking,
  state: Pick<DataCallState, 'account' | 'accountIds'>,
) => {
  if (state.account) return [state.account];
  const accounts = await Promise.all(state.accountIds.map((id) => coreBanking.account(id)));
  return accounts.filter((a): a is NonNullable<typeof a> => a !== undefined && a.status === 'active');
};
