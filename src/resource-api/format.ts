import type { Account, AccountType } from '../core-banking/port.ts';

/**
 * Codes in the style of the Japanese bank API message standard; documented in the OpenAPI
 * document (docs/openapi/data-api.json), which the tests hold every response to.
 */
export const ACCOUNT_TYPE_CODES: Record<AccountType, { code: string; name: string }> = {
  ordinary: { code: '01', name: '普通預金' },
  savings: { code: '02', name: '貯蓄預金' },
  card_deposit: { code: '03', name: 'カード預金' },
  card_loan: { code: '04', name: 'カードローン' },
  tax_reserve: { code: '05', name: '納税準備預金' },
  time_deposit: { code: '06', name: '定期預金' },
};

export const TRANSACTION_TYPE_CODES = {
  credit: { code: '1', name: '入金' },
  debit: { code: '2', name: '出金' },
} as const;

/** "2026-11-25T10:00:00+09:00" → the as-of fields every response carries (terms 6). */
export const baseDateTime = (asOf: string) => ({
  baseDate: asOf.slice(0, 10),
  baseTime: `${asOf.slice(11, 19)}+09:00`,
});

/** Drops empty values: the standard omits a field rather than sending it empty. */
export const compact = <T extends Record<string, unknown>>(o: T): Partial<T> => {
  const out: Partial<T> = {};
  for (const key in o) {
    const v = o[key];
    if (v !== undefined && v !== null && v !== '') out[key] = v;
  }
  return out;
};

export const accountView = (a: Account) =>
  compact({
    accountId: a.accountId,
    branchCode: a.branchCode,
    branchName: a.branchName,
    accountTypeCode: ACCOUNT_TYPE_CODES[a.accountType].code,
    accountTypeName: ACCOUNT_TYPE_CODES[a.accountType].name,
    accountNumber: a.accountNumber,
    accountName: a.accountName,
    accountNameKana: a.accountNameKana,
    currencyCode: a.currencyCode,
  });
