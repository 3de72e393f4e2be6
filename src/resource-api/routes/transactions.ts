import type { Middleware } from 'koa';
import { LIQUID_ACCOUNT_TYPES, type CoreBanking } from '../../core-banking/port.ts';
import type { Clock } from '../../shared/clock.ts';
import { isoDateAt, parseIsoDate } from '../../shared/jst.ts';
import type { DataCallState } from '../context.ts';
import { accountNotFound, badRequest } from '../../web/errors.ts';
import { TRANSACTION_TYPE_CODES, baseDateTime, compact } from '../format.ts';
import type { createPagingKeys } from '../paging.ts';

/** The first day still inside the history window: `months` before today (JST). */
const historyStart = (today: string, months: number) => {
  const d = new Date(`${today}T00:00:00Z`);
  d.setUTCMonth(d.getUTCMonth() - months);
  return d.toISOString().slice(0, 10);
};

/**
 * The period a query asks for, by the message standard's rules: no dates → today; only
 * `dateFrom` → from then to today; `dateTo` needs `dateFrom`; never after today, never before the
 * bank's history window (terms 2.4).
 */
export const resolvePeriod = (
  query: { dateFrom?: unknown; dateTo?: unknown },
  today: string,
  historyMonths: number,
) => {
  const dateGiven = (name: 'dateFrom' | 'dateTo'): string | undefined => {
    const v = query[name];
    if (v !== undefined && (typeof v !== 'string' || parseIsoDate(v) === undefined))
      throw badRequest('invalid_date', `${name} must be a date (YYYY-MM-DD).`);
    return v;
  };
  const from = dateGiven('dateFrom');
  const to = dateGiven('dateTo');
  const dateFrom = from ?? (to === undefined ? today : undefined);
  if (dateFrom === undefined) throw badRequest('invalid_date_range', 'dateTo needs dateFrom.');
  const dateTo = to ?? today;
  if (dateFrom > dateTo) throw badRequest('invalid_date_range', 'dateFrom is after dateTo.');
  if (dateTo > today) throw badRequest('invalid_date_range', 'dateTo is after today.');
  const earliest = historyStart(today, historyMonths);
  if (dateFrom < earliest)
    throw badRequest(
      'out_of_history_range',
      `Transactions are available from ${earliest} (the last ${historyMonths} months).`,
    );
  return { dateFrom, dateTo };
};

/** GET /api/v1/accounts/transactions?accountId=&dateFrom=&dateTo=&nextItemKey= (scope `deposits`). */
export const listTransactions =
  (deps: {
    coreBanking: CoreBanking;
    clock: Clock;
    pageSize: number;
    historyMonths: number;
    paging: ReturnType<typeof createPagingKeys>;
  }): Middleware<DataCallState> =>
  async (ctx) => {
    const { account } = ctx.state;
    // loadCoveredAccount({ required: true }) runs before: only a broken route table gets here without one.
    if (!account) throw accountNotFound();
    if (!LIQUID_ACCOUNT_TYPES.includes(account.accountType))
      throw badRequest('account_type_not_supported', 'This account has no transaction history in this API.');
    const { dateFrom, dateTo } = resolvePeriod(ctx.query, isoDateAt(deps.clock.now()), deps.historyMonths);
    const scope = { accountId: account.accountId, dateFrom, dateTo };

    let after: string | undefined;
    const given = ctx.query.nextItemKey;
    if (given !== undefined) {
      after = typeof given === 'string' ? deps.paging.read(given, scope) : undefined;
      if (after === undefined)
        throw badRequest('invalid_next_item_key', 'nextItemKey is not one this API issued for this query.');
    }

    const asOf = await deps.coreBanking.asOf();
    const all = await deps.coreBanking.transactions(account.accountId, dateFrom, dateTo);
    const start = after === undefined ? 0 : all.findIndex((t) => t.itemKey > after);
    const from = start === -1 ? all.length : start;
    const page = all.slice(from, from + deps.pageSize);
    const hasNext = from + deps.pageSize < all.length;
    ctx.body = compact({
      accountId: account.accountId,
      currencyCode: account.currencyCode,
      dateFrom,
      dateTo,
      ...baseDateTime(asOf),
      hasNext,
      nextItemKey: hasNext ? deps.paging.issue(scope, page[page.length - 1].itemKey) : undefined,
      count: page.length,
      transactions: page.map((t) =>
        compact({
          itemKey: t.itemKey,
          transactionDate: t.transactionDate,
          valueDate: t.valueDate,
          transactionType: TRANSACTION_TYPE_CODES[t.transactionType].code,
          transactionTypeName: TRANSACTION_TYPE_CODES[t.transactionType].name,
          amount: t.amount,
          remarks: t.remarks,
          balance: t.balance,
        }),
      ),
    });
  };
