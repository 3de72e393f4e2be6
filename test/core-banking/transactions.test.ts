import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { LIQUID_ACCOUNT_TYPES, type Account, type CoreBanking, type Transaction } from '../../src/core-banking/port.ts';
import { CUSTOMER, NOON_2026_11_25, demoCoreBanking } from './demo-fixture.ts';

const PRINT_HISTORY = fileURLToPath(new URL('./print-history.ts', import.meta.url));

const FULL = ['2024-01-01', '2026-11-25'] as const;

const liquidAccounts = async (core: CoreBanking, customerId: string): Promise<Account[]> =>
  (await core.accounts(customerId)).filter((a) => LIQUID_ACCOUNT_TYPES.includes(a.accountType));

const allLiquidAccounts = async (core: CoreBanking): Promise<Account[]> =>
  (await Promise.all(Object.values(CUSTOMER).map((id) => liquidAccounts(core, id)))).flat();

/** The balance figure's change: deposits gain on credit, a card loan's debt grows on debit. */
const effect = (account: Account, t: Transaction): number =>
  (t.transactionType === (account.accountType === 'card_loan' ? 'debit' : 'credit') ? 1 : -1) * Number(t.amount);

describe('generated transactions', () => {
  it('are identical in two independent instances', async () => {
    const one = demoCoreBanking().core;
    const two = demoCoreBanking().core;
    for (const account of await allLiquidAccounts(one)) {
      const a = await one.transactions(account.accountId, ...FULL);
      if (account.status === 'active') expect(a.length).toBeGreaterThan(0);
      expect(await two.transactions(account.accountId, ...FULL)).toEqual(a);
    }
  });

  it('do not change for a past day when the clock moves on, nor depend on the order of queries', async () => {
    const early = demoCoreBanking(new Date('2025-03-15T03:00:00Z')).core;
    const late = demoCoreBanking().core;
    const [ordinary] = await liquidAccounts(late, CUSTOMER.A);
    await late.transactions(ordinary.accountId, '2026-01-01', '2026-11-25'); // generated later days first
    expect(await late.transactions(ordinary.accountId, '2024-06-01', '2025-03-15')).toEqual(
      await early.transactions(ordinary.accountId, '2024-06-01', '2025-03-15'),
    );
  });

  it('cover 13+ months for every liquid account of customer A', async () => {
    const { core } = demoCoreBanking();
    const accounts = await liquidAccounts(core, CUSTOMER.A);
    expect(accounts.map((a) => a.accountType).sort()).toEqual([
      'card_deposit',
      'card_loan',
      'ordinary',
      'savings',
      'tax_reserve',
    ]);
    for (const account of accounts) {
      // 2025-10 to 2026-11: 14 months; monthly items of some types fall after the 25th
      const txs = await core.transactions(account.accountId, '2025-10-01', '2026-11-25');
      const months = new Set(txs.map((t) => t.transactionDate.slice(0, 7)));
      expect(months.size).toBeGreaterThanOrEqual(13);
      const all = await core.transactions(account.accountId, ...FULL);
      expect(all[0].transactionDate.slice(0, 7)).toBe('2024-01');
    }
  });

  it('are well formed: unique increasing item keys, 0 to 3 a day, integer yen, Japanese remarks', async () => {
    const { core } = demoCoreBanking();
    for (const account of await allLiquidAccounts(core)) {
      const txs = await core.transactions(account.accountId, ...FULL);
      const perDay = new Map<string, number>();
      txs.forEach((t, i) => {
        expect(t.itemKey).toMatch(/^\d{8}-\d{3}$/);
        expect(t.itemKey.slice(0, 8)).toBe(t.transactionDate.replaceAll('-', ''));
        if (i > 0) expect(t.itemKey > txs[i - 1].itemKey).toBe(true);
        expect(t.valueDate).toBe(t.transactionDate);
        expect(t.amount).toMatch(/^[1-9]\d*$/);
        expect(t.balance).toMatch(/^(0|[1-9]\d*)$/);
        expect(t.remarks).toMatch(/[\u3040-\u30ff\uff61-\uff9f\u4e00-\u9fff]/);
        perDay.set(t.transactionDate, (perDay.get(t.transactionDate) ?? 0) + 1);
      });
      expect(Math.max(...perDay.values())).toBeLessThanOrEqual(3);
    }
  });

  it('carry a running balance that never goes negative, and a card loan within its credit line', async () => {
    const { core } = demoCoreBanking();
    for (const account of await allLiquidAccounts(core)) {
      const txs = await core.transactions(account.accountId, ...FULL);
      let running =
        Number((await core.balance(account.accountId))!.balance) - txs.reduce((sum, t) => sum + effect(account, t), 0);
      for (const t of txs) {
        running += effect(account, t);
        expect(Number(t.balance)).toBe(running);
        expect(running).toBeGreaterThanOrEqual(0);
      }
      if (account.accountType === 'card_loan') {
        const limit = Number((await core.balance(account.accountId))!.creditLimit);
        expect(Math.max(...txs.map((t) => Number(t.balance)))).toBeLessThanOrEqual(limit);
        expect(txs.some((t) => t.transactionType === 'debit' && t.remarks === 'ATM借入')).toBe(true);
        expect(txs.some((t) => t.transactionType === 'credit' && t.remarks === '約定返済')).toBe(true);
      }
    }
  });

  it('include salary, utilities and ATM withdrawals on an ordinary account', async () => {
    const { core } = demoCoreBanking();
    const [ordinary] = await liquidAccounts(core, CUSTOMER.A);
    const remarks = (await core.transactions(ordinary.accountId, '2026-01-01', '2026-10-31')).map((t) => t.remarks);
    expect(remarks.filter((r) => r.startsWith('給与 ')).length).toBe(10);
    expect(remarks).toEqual(expect.arrayContaining(['電気料金', 'ガス料金', 'ATM引出', '携帯電話料金']));
  });

  it('answer inclusive date ranges, ascending, and nothing after today', async () => {
    const { core } = demoCoreBanking();
    const [ordinary] = await liquidAccounts(core, CUSTOMER.A);
    const all = await core.transactions(ordinary.accountId, ...FULL);
    const day = all[Math.floor(all.length / 2)].transactionDate;
    const oneDay = await core.transactions(ordinary.accountId, day, day);
    expect(oneDay).toEqual(all.filter((t) => t.transactionDate === day));
    expect(oneDay.length).toBeGreaterThan(0);
    expect(await core.transactions(ordinary.accountId, '2026-11-25', '2027-12-31')).toEqual(
      all.filter((t) => t.transactionDate === '2026-11-25'),
    );
    expect((await core.transactions(ordinary.accountId, '2020-01-01', '2099-12-31')).at(-1)).toEqual(all.at(-1));
    expect(await core.transactions(ordinary.accountId, '2026-11-26', '2026-12-31')).toEqual([]);
    expect(await core.transactions(ordinary.accountId, '2025-05-02', '2025-05-01')).toEqual([]);
  });

  it('turn over at midnight JST, not UTC', async () => {
    const { core, clock } = demoCoreBanking(new Date('2026-11-24T14:59:59Z')); // 23:59:59 JST on the 24th
    const [ordinary] = await liquidAccounts(core, CUSTOMER.A); // A's pay day is the 25th
    expect(await core.transactions(ordinary.accountId, '2026-11-25', '2026-11-25')).toEqual([]);
    clock.advance(1000);
    const payDay = await core.transactions(ordinary.accountId, '2026-11-25', '2026-11-25');
    expect(payDay.map((t) => t.remarks)).toContain('給与 ｶ)ｸｼﾛｽｲｻﾝ');
  });

  it('do not depend on the host time zone', async () => {
    // process.env.TZ cannot be changed inside Jest's sandbox: ask a separate Node process.
    const printed = (tz: string) =>
      execFileSync(process.execPath, ['--no-warnings', PRINT_HISTORY, NOON_2026_11_25.toISOString()], {
        env: { ...process.env, TZ: tz },
        encoding: 'utf8',
      });
    const honolulu = printed('Pacific/Honolulu');
    expect(JSON.parse(honolulu).offset).toBe(600);
    expect(printed('Asia/Tokyo')).toBe(honolulu.replace('"offset":600', '"offset":-540'));
    const { core } = demoCoreBanking();
    const [ordinary] = await liquidAccounts(core, CUSTOMER.D);
    expect(JSON.parse(honolulu).transactions).toEqual(await core.transactions(ordinary.accountId, ...FULL));
  }, 30_000);

  it('are empty for a dormant frozen account, a time deposit and an unknown id', async () => {
    const { core } = demoCoreBanking();
    const accounts = await core.accounts(CUSTOMER.C);
    for (const account of accounts.filter((a) => a.accountType !== 'ordinary')) {
      expect(await core.transactions(account.accountId, ...FULL)).toEqual([]);
    }
    expect(await core.transactions('acc_unknown0000', ...FULL)).toEqual([]);
  });

  it('reject malformed dates', async () => {
    const { core } = demoCoreBanking();
    const [ordinary] = await liquidAccounts(core, CUSTOMER.A);
    await expect(core.transactions(ordinary.accountId, '2025-02-30', '2025-03-01')).rejects.toThrow(RangeError);
    await expect(core.transactions(ordinary.accountId, '2025-01-01', '20250301')).rejects.toThrow(RangeError);
  });

  // How fast (npm run bench measures it): a full three-year query, first call included.
  it('answer a full three-year query', async () => {
    const { core } = demoCoreBanking(new Date('2026-12-31T03:00:00Z'));
    const [ordinary] = await liquidAccounts(core, CUSTOMER.A);
    const txs = await core.transactions(ordinary.accountId, '2024-01-01', '2026-12-31');
    expect(txs.length).toBeGreaterThan(500);
    expect(txs[0].transactionDate >= '2024-01-01').toBe(true);
    expect(txs[txs.length - 1].transactionDate <= '2026-12-31').toBe(true);
  });
});
