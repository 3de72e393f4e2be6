import { eligibilityOf } from '../../src/core-banking/demo/eligibility.ts';
import type { Account, Customer } from '../../src/core-banking/port.ts';
import { totp, totpCounter } from '../../src/shared/totp.ts';
import { CUSTOMER, NOON_2026_11_25, demoCoreBanking, demoOnly } from './demo-fixture.ts';

const { core } = demoCoreBanking();

describe('eligibility of the demo customers', () => {
  it.each([
    ['A', CUSTOMER.A, { eligible: true }],
    ['B (no cash card)', CUSTOMER.B, { eligible: false, reason: 'no_eligible_account' }],
    ['C (one frozen account)', CUSTOMER.C, { eligible: true }],
    ['D', CUSTOMER.D, { eligible: true }],
    ['E (restricted)', CUSTOMER.E, { eligible: false, reason: 'customer_restricted' }],
    ['F', CUSTOMER.F, { eligible: true }],
  ])('%s', async (_label, customerId, expected) => {
    expect(await core.eligibility(customerId)).toEqual(expected);
  });

  it('an unknown customer has no eligible account', async () => {
    expect(await core.eligibility('9999999999')).toEqual({ eligible: false, reason: 'no_eligible_account' });
  });
});

describe('eligibilityOf', () => {
  const customer: Customer = { customerId: '1', name: 'x', nameKana: 'エックス', restricted: false };
  const account = (overrides: Partial<Account>): Account => ({
    accountId: 'acc_test0001',
    customerId: '1',
    branchCode: '001',
    branchName: '本店',
    accountType: 'ordinary',
    accountNumber: '1234567',
    accountName: 'x',
    accountNameKana: 'エックス',
    currencyCode: 'JPY',
    status: 'active',
    cashCardIssued: true,
    ...overrides,
  });

  it('accepts an active carded savings account', () => {
    expect(eligibilityOf(customer, [account({ accountType: 'savings' })])).toEqual({ eligible: true });
  });

  it('rejects when the only carded ordinary account is frozen', () => {
    expect(eligibilityOf(customer, [account({ status: 'frozen' })])).toEqual({
      eligible: false,
      reason: 'no_eligible_account',
    });
  });

  it('does not count a carded account of another type', () => {
    expect(eligibilityOf(customer, [account({ accountType: 'card_deposit' })])).toEqual({
      eligible: false,
      reason: 'no_eligible_account',
    });
  });
});

describe('accounts', () => {
  it('lists the frozen account of C with status frozen, next to the active ones', async () => {
    const accounts = await core.accounts(CUSTOMER.C);
    expect(accounts.map((a) => [a.accountType, a.accountNumber, a.status])).toEqual([
      ['ordinary', '3207715', 'active'],
      ['savings', '5207716', 'frozen'],
      ['time_deposit', '2207717', 'active'],
    ]);
  });

  it('lists all six account types of A with branch name and holder name', async () => {
    const accounts = await core.accounts(CUSTOMER.A);
    expect(accounts.map((a) => a.accountType).sort()).toEqual([
      'card_deposit',
      'card_loan',
      'ordinary',
      'savings',
      'tax_reserve',
      'time_deposit',
    ]);
    for (const a of accounts) {
      expect(a).toMatchObject({
        customerId: CUSTOMER.A,
        branchName: '本店',
        accountName: '佐藤 健一',
        accountNameKana: 'サトウ ケンイチ',
        currencyCode: 'JPY',
      });
      expect(a.accountNumber).toMatch(/^\d{7}$/);
      expect(a.accountId).not.toContain(a.accountNumber);
    }
  });

  it('answers copies, so a caller cannot change the directory', async () => {
    const [first] = await core.accounts(CUSTOMER.D);
    first.status = 'closed';
    expect((await core.account(first.accountId))?.status).toBe('active');
  });

  it('answers the customer record and the TOTP secret', async () => {
    expect(await core.customer(CUSTOMER.E)).toEqual({
      customerId: CUSTOMER.E,
      name: '伊藤 修',
      nameKana: 'イトウ オサム',
      restricted: true,
    });
    expect(await demoOnly().totpSecret(CUSTOMER.A)).toBe('42HZVUXMALJN4GGHUMPVZCP74KKSPLYO');
    expect(await demoOnly().totpSecret('9999999999')).toBeUndefined();
    expect(await core.customer('9999999999')).toBeUndefined();
  });
});

describe('one-time codes', () => {
  const secret = '42HZVUXMALJN4GGHUMPVZCP74KKSPLYO';
  const now = NOON_2026_11_25.getTime();

  it('answer the time step of a code from the registered authenticator, within the window', async () => {
    expect(await core.verifyOneTimeCode(CUSTOMER.A, totp(secret, now), 1)).toBe(totpCounter(now));
    expect(await core.verifyOneTimeCode(CUSTOMER.A, totp(secret, now - 30_000), 1)).toBe(totpCounter(now) - 1);
    expect(await core.verifyOneTimeCode(CUSTOMER.A, totp(secret, now - 30_000), 0)).toBeUndefined();
  });

  it('refuse a wrong code, and any code of a customer without an authenticator or unknown', async () => {
    const wrong = String((Number(totp(secret, now)) + 1) % 1_000_000).padStart(6, '0');
    expect(await core.verifyOneTimeCode(CUSTOMER.A, wrong, 1)).toBeUndefined();
    expect(await core.verifyOneTimeCode('9999999999', totp(secret, now), 1)).toBeUndefined();
  });
});

describe('customer search and contact', () => {
  it('finds a customer by number and by the start of the name in kana, and nothing for an empty query', async () => {
    expect((await core.searchCustomers({ customerId: CUSTOMER.E })).map((c) => c.customerId)).toEqual([CUSTOMER.E]);
    expect((await core.searchCustomers({ nameKana: 'イトウ' })).map((c) => c.customerId)).toContain(CUSTOMER.E);
    expect(await core.searchCustomers({ nameKana: 'ヲヲヲ' })).toEqual([]);
    expect(await core.searchCustomers({})).toEqual([]);
  });

  it('has no contact for a customer without one registered', async () => {
    expect(await core.contact(CUSTOMER.A)).toBeUndefined();
  });
});
