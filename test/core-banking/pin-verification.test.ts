import { argon2Parameters } from '../../src/core-banking/demo/pin-verifier.ts';
import { CUSTOMER, LOGIN, demoCoreBanking, demoData } from './demo-fixture.ts';

const { core } = demoCoreBanking();

describe('verifyPin', () => {
  it('answers the customer and the login account for the right PIN', async () => {
    const { pin, ...ref } = LOGIN.A;
    const result = await core.verifyPin(ref, pin);
    const account = await core.account(result!.accountId);
    expect(result?.customerId).toBe(CUSTOMER.A);
    expect(account).toMatchObject({ branchCode: '001', accountType: 'ordinary', accountNumber: '1012345' });
  });

  it('answers every documented login account with its own customer', async () => {
    for (const [letter, { pin, ...ref }] of Object.entries(LOGIN)) {
      expect((await core.verifyPin(ref, pin))?.customerId).toBe(CUSTOMER[letter as keyof typeof CUSTOMER]);
    }
  });

  it('refuses a wrong PIN', async () => {
    const { pin: _pin, ...ref } = LOGIN.A;
    expect(await core.verifyPin(ref, '0000')).toBeUndefined();
    expect(await core.verifyPin(ref, LOGIN.D.pin)).toBeUndefined();
  });

  it('refuses an unknown account, and the right PIN under another account type', async () => {
    const { pin, ...ref } = LOGIN.A;
    expect(await core.verifyPin({ ...ref, accountNumber: '9999999' }, pin)).toBeUndefined();
    expect(await core.verifyPin({ ...ref, branchCode: '002' }, pin)).toBeUndefined();
    expect(await core.verifyPin({ ...ref, accountType: 'savings' }, pin)).toBeUndefined();
  });

  it('refuses an account that has no PIN', async () => {
    expect(
      await core.verifyPin({ branchCode: '001', accountType: 'savings', accountNumber: '5012345' }, '2580'),
    ).toBeUndefined();
  });

  it('refuses a closed account even with its right PIN', async () => {
    const data = structuredClone(demoData());
    data.customers[0].accounts[0].status = 'closed';
    const { pin, ...ref } = LOGIN.A;
    expect(await demoCoreBanking(undefined, data).core.verifyPin(ref, pin)).toBeUndefined();
  });

  it('takes comparable time for an unknown account (a dummy hash is verified)', async () => {
    const { pin, ...ref } = LOGIN.D;
    const unknown = { ...ref, accountNumber: '0000001' };
    await core.verifyPin(unknown, pin); // the dummy hash is ready after this
    const time = async (fn: () => Promise<unknown>) => {
      const start = process.hrtime.bigint();
      for (let i = 0; i < 5; i += 1) await fn();
      return Number(process.hrtime.bigint() - start);
    };
    const known = await time(() => core.verifyPin(ref, '0000'));
    const missing = await time(() => core.verifyPin(unknown, '0000'));
    // Without the dummy verify an unknown account answers in microseconds, far below 10%.
    expect(missing).toBeGreaterThan(known * 0.1);
    expect(known).toBeGreaterThan(missing * 0.1);
  });
});

describe('PIN hashes in the data file', () => {
  it('are argon2id PHC strings with parameters the dummy can copy', () => {
    const hashes = demoData()
      .customers.flatMap((c) => c.accounts)
      .flatMap((a) => (a.pinHash ? [a.pinHash] : []));
    expect(hashes).toHaveLength(6);
    for (const hash of hashes) {
      expect(hash).toMatch(/^\$argon2id\$v=19\$/);
      expect(argon2Parameters(hash)).toEqual({ memoryCost: 19_456, timeCost: 2, parallelism: 1 });
    }
  });

  it('do not contain the plaintext PINs anywhere in the file', () => {
    const text = JSON.stringify(demoData());
    for (const { pin } of Object.values(LOGIN)) expect(text).not.toContain(`"${pin}"`);
  });
});
