import { LIQUID_ACCOUNT_TYPES, type Account, type CoreBanking } from '../../src/core-banking/port.ts';
import { CUSTOMER, demoCoreBanking } from './demo-fixture.ts';

const accountOf = async (core: CoreBanking, customerId: string, type: Account['accountType']): Promise<Account> =>
  (await core.accounts(customerId)).find((a) => a.accountType === type)!;

/** Sums of a range, as a statement would print them. */
const sums = async (core: CoreBanking, accountId: string, from: string, to: string) => {
  const txs = await core.transactions(accountId, from, to);
  const total = (type: 'credit' | 'debit') =>
    txs.filter((t) => t.transactionType === type).reduce((s, t) => s + Number(t.amount), 0);
  return { credits: total('credit'), debits: total('debit'), count: txs.length };
};

describe('balances', () => {
  it('reconcile with the transactions of any range, for every deposit account', async () => {
    const { core } = demoCoreBanking();
    const ranges = [
      ['2024-01-01', '2026-11-25'],
      ['2025-02-01', '2025-02-28'],
      ['2026-11-01', '2026-11-24'],
      ['2024-07-15', '2025-07-14'],
    ];
    const deposits = (await Promise.all(Object.values(CUSTOMER).map((id) => core.accounts(id))))
      .flat()
      .filter(
        (a) => LIQUID_ACCOUNT_TYPES.includes(a.accountType) && a.accountType !== 'card_loan' && a.status === 'active',
      );
    expect(deposits.length).toBeGreaterThanOrEqual(9);
    for (const account of deposits) {
      const all = await core.transactions(account.accountId, '2024-01-01', '2026-11-25');
      const endOf = (day: string, opening: number) =>
        Number(all.filter((t) => t.transactionDate <= day).at(-1)?.balance ?? opening);
      const opening = Number(all[0].balance) + (all[0].transactionType === 'debit' ? 1 : -1) * Number(all[0].amount);
      for (const [from, to] of ranges) {
        const before = endOf(new Date(Date.parse(from) - 86_400_000).toISOString().slice(0, 10), opening);
        const { credits, debits } = await sums(core, account.accountId, from, to);
        expect(before + credits - debits).toBe(endOf(to, opening));
      }
      const full = await sums(core, account.accountId, '2024-01-01', '2026-11-25');
      expect(full.count).toBeGreaterThan(20);
      expect(opening + full.credits - full.debits).toBe(Number((await core.balance(account.accountId))!.balance));
    }
  });

  it('give current, previous-day and previous-month balances that match the history', async () => {
    const { core } = demoCoreBanking();
    const ordinary = await accountOf(core, CUSTOMER.A, 'ordinary');
    const balance = (await core.balance(ordinary.accountId))!;
    const lastBalance = async (to: string) =>
      (await core.transactions(ordinary.accountId, '2024-01-01', to)).at(-1)!.balance;
    expect(balance.balance).toBe(await lastBalance('2026-11-25'));
    expect(balance.previousDayBalance).toBe(await lastBalance('2026-11-24'));
    expect(balance.previousMonthBalance).toBe(await lastBalance('2026-10-31'));
    const today = await sums(core, ordinary.accountId, '2026-11-25', '2026-11-25');
    expect(Number(balance.previousDayBalance) + today.credits - today.debits).toBe(Number(balance.balance));
    expect(balance.withdrawableAmount).toBe(balance.balance);
    expect(balance.creditLimit).toBeUndefined();
    expect(balance.asOf).toBe('2026-11-25T12:00:00+09:00');
  });

  it('of a card loan are the loan balance, with the credit line left as the withdrawable amount', async () => {
    const { core } = demoCoreBanking();
    const loan = await accountOf(core, CUSTOMER.A, 'card_loan');
    const balance = (await core.balance(loan.accountId))!;
    expect(balance.creditLimit).toBe('500000');
    expect(Number(balance.availableCredit)).toBe(500_000 - Number(balance.balance));
    expect(balance.withdrawableAmount).toBe(balance.availableCredit);
    expect(Number(balance.balance)).toBeGreaterThan(0);
    // A debit borrows (the balance grows), a credit repays.
    const { credits, debits } = await sums(core, loan.accountId, '2024-01-01', '2026-11-25');
    expect(120_000 + debits - credits).toBe(Number(balance.balance));
  });

  it('of a frozen account stand still and nothing is withdrawable', async () => {
    const { core } = demoCoreBanking();
    const savings = await accountOf(core, CUSTOMER.C, 'savings');
    expect(await core.balance(savings.accountId)).toEqual({
      accountId: savings.accountId,
      balance: '1980000',
      previousDayBalance: '1980000',
      previousMonthBalance: '1980000',
      withdrawableAmount: '0',
      asOf: '2026-11-25T12:00:00+09:00',
    });
  });

  it('before the history starts are the opening balance', async () => {
    const { core } = demoCoreBanking(new Date('2023-12-31T03:00:00Z'));
    const ordinary = await accountOf(core, CUSTOMER.A, 'ordinary');
    expect(await core.balance(ordinary.accountId)).toMatchObject({
      balance: '680000',
      previousDayBalance: '680000',
      previousMonthBalance: '680000',
    });
    expect(await core.transactions(ordinary.accountId, '2023-01-01', '2023-12-31')).toEqual([]);
  });

  it('on the first day of a month take the previous month from the day before', async () => {
    const { core } = demoCoreBanking(new Date('2026-03-01T01:00:00Z'));
    const ordinary = await accountOf(core, CUSTOMER.A, 'ordinary');
    const balance = (await core.balance(ordinary.accountId))!;
    expect(balance.previousMonthBalance).toBe(balance.previousDayBalance);
    expect(balance.previousMonthBalance).toBe(
      (await core.transactions(ordinary.accountId, '2024-01-01', '2026-02-28')).at(-1)!.balance,
    );
  });

  it('are not answered for a time deposit or an unknown account', async () => {
    const { core } = demoCoreBanking();
    expect(await core.balance((await accountOf(core, CUSTOMER.A, 'time_deposit')).accountId)).toBeUndefined();
    expect(await core.balance('acc_unknown0000')).toBeUndefined();
  });
});
