import { netOfWithholdingTax, termInterest } from '../../src/core-banking/demo/interest.ts';
import { addMonths, isoDateOf, parseIsoDate } from '../../src/shared/jst.ts';
import { timeDepositsOn } from '../../src/core-banking/demo/time-deposits.ts';
import type { CoreBanking } from '../../src/core-banking/port.ts';
import { CUSTOMER, demoCoreBanking } from './demo-fixture.ts';

const timeDepositAccountOf = async (core: CoreBanking, customerId: string) =>
  (await core.accounts(customerId)).find((a) => a.accountType === 'time_deposit')!.accountId;

describe('time deposits of customer A on 2026-11-25', () => {
  it('list four deposits with different terms, rates and renewal types, each in its current term', async () => {
    const { core } = demoCoreBanking();
    const deposits = await core.timeDeposits(await timeDepositAccountOf(core, CUSTOMER.A));
    expect(deposits).toEqual([
      // 3,000,000 at 0.010% for 3 years: 900 gross, 718 after tax, added at the 2025-06-15 renewal
      {
        depositNumber: '001',
        depositDate: '2025-06-15',
        maturityDate: '2028-06-15',
        principal: '3000718',
        interestRate: '0.010',
        termMonths: 36,
        interestType: 'simple',
        renewalType: 'principal_and_interest',
        currencyCode: 'JPY',
      },
      // renewed on 2026-10-01, interest paid out: principal unchanged
      {
        depositNumber: '002',
        depositDate: '2026-10-01',
        maturityDate: '2027-10-01',
        principal: '1000000',
        interestRate: '0.275',
        termMonths: 12,
        interestType: 'simple',
        renewalType: 'principal_only',
        currencyCode: 'JPY',
      },
      {
        depositNumber: '003',
        depositDate: '2024-12-20',
        maturityDate: '2029-12-20',
        principal: '2000000',
        interestRate: '0.400',
        termMonths: 60,
        interestType: 'compound',
        renewalType: 'none',
        currencyCode: 'JPY',
      },
      // matured, no renewal: stays listed until withdrawn
      {
        depositNumber: '004',
        depositDate: '2025-03-10',
        maturityDate: '2025-09-10',
        principal: '500000',
        interestRate: '0.150',
        termMonths: 6,
        interestType: 'simple',
        renewalType: 'none',
        currencyCode: 'JPY',
      },
    ]);
  });

  it('show the first term before the first maturity, and hide a deposit not yet made', async () => {
    const { core } = demoCoreBanking(new Date('2025-06-14T03:00:00Z'));
    const deposits = await core.timeDeposits(await timeDepositAccountOf(core, CUSTOMER.A));
    expect(deposits.map((d) => [d.depositNumber, d.depositDate, d.principal])).toEqual([
      ['001', '2022-06-15', '3000000'],
      ['003', '2024-12-20', '2000000'],
      ['004', '2025-03-10', '500000'],
    ]);
  });

  it('roll over on the maturity date itself (JST)', async () => {
    const { core, clock } = demoCoreBanking(new Date('2025-06-14T14:59:59Z'));
    const accountId = await timeDepositAccountOf(core, CUSTOMER.A);
    expect((await core.timeDeposits(accountId))[0].depositDate).toBe('2022-06-15');
    clock.advance(1000);
    expect((await core.timeDeposits(accountId))[0].depositDate).toBe('2025-06-15');
  });

  it('are empty for an account that is not a time deposit', async () => {
    const { core } = demoCoreBanking();
    const ordinary = (await core.accounts(CUSTOMER.A)).find((a) => a.accountType === 'ordinary')!;
    expect(await core.timeDeposits(ordinary.accountId)).toEqual([]);
    expect(await core.timeDeposits('acc_unknown0000')).toEqual([]);
  });

  it('of customer C: one deposit renewed with its interest', async () => {
    const { core } = demoCoreBanking();
    const [deposit] = await core.timeDeposits(await timeDepositAccountOf(core, CUSTOMER.C));
    expect(deposit).toMatchObject({ depositDate: '2026-05-12', maturityDate: '2027-05-12', principal: '1001993' });
  });
});

describe('time-deposit arithmetic', () => {
  it('deducts 15.315% and 5% withholding separately, each floored', () => {
    expect(netOfWithholdingTax(2500)).toBe(2500 - 382 - 125);
    expect(netOfWithholdingTax(0)).toBe(0);
  });

  it('computes simple interest exactly for large principals and compound interest half-yearly', () => {
    expect(termInterest(123_456_789_012, '0.125', 12, 'simple')).toBe(154_320_986);
    expect(termInterest(2_000_000, '0.400', 60, 'compound')).toBe(Math.floor(2_000_000 * (1.002 ** 10 - 1)));
  });

  it('keeps the day of month from the first deposit when rolling over month ends', () => {
    const first = parseIsoDate('2025-01-31')!;
    expect([1, 2, 3, 13].map((n) => isoDateOf(addMonths(first, n)))).toEqual([
      '2025-02-28',
      '2025-03-31',
      '2025-04-30',
      '2026-02-28',
    ]);
    const deposits = timeDepositsOn(
      [
        {
          depositNumber: '001',
          depositDate: '2025-01-31',
          termMonths: 1,
          principal: 100_000,
          interestRate: '0.100',
          interestType: 'simple',
          renewalType: 'principal_only',
        },
      ],
      parseIsoDate('2025-04-01')!,
    );
    expect(deposits[0]).toMatchObject({ depositDate: '2025-03-31', maturityDate: '2025-04-30' });
  });
});
