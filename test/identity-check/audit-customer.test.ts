import type { AuditEvent } from '../../src/audit/audit-log.ts';
import { createIdentityCheck } from '../../src/identity-check/identity-check.ts';
import { CUSTOMER, LOGIN, demoCoreBanking } from '../core-banking/demo-fixture.ts';

// An operator searching an attacked customer finds the failures and the lock by customer number.
describe('identity-check audit events name the customer', () => {
  const setUp = () => {
    const { core, clock, store } = demoCoreBanking();
    const events: AuditEvent[] = [];
    const check = createIdentityCheck({
      coreBanking: core,
      store,
      clock,
      audit: { record: async (e) => void events.push(e) },
      settings: {
        lockAfterFailures: 3,
        failureDelaysMs: [0],
        responseFloorMs: 0,
        ipLimit: { maxFailures: 100, windowSeconds: 600, ipv6PrefixLength: 64 },
        globalLimit: { maxFailures: 1000, windowSeconds: 60 },
        otpAttempts: 3,
        totpWindowSteps: 1,
      },
      sleep: async () => undefined,
    });
    return { check, events };
  };

  it('wrong PINs and the lock that follows carry the customer number and the source address', async () => {
    const { check, events } = setUp();
    const { pin: _pin, ...ref } = LOGIN.D;
    const answers = [];
    for (let i = 0; i < 3; i += 1)
      answers.push(await check.checkPin(ref, '0000', { surface: 'authorization', partnerId: 'p1', ip: '192.0.2.9' }));
    // The third failure locks the account: from then on the answer says so.
    expect(answers).toEqual([
      { ok: false, locked: false },
      { ok: false, locked: false },
      { ok: false, locked: true },
    ]);
    expect(events.map((e) => [e.kind, e.customerId, e.details?.ip])).toEqual([
      ['identity_check.failure', CUSTOMER.D, '192.0.2.9'],
      ['identity_check.failure', CUSTOMER.D, '192.0.2.9'],
      ['identity_check.locked', CUSTOMER.D, '192.0.2.9'],
      ['identity_check.failure', CUSTOMER.D, '192.0.2.9'],
    ]);
    // Once locked, even the right PIN fails, and still names the customer.
    await check.checkPin(ref, LOGIN.D.pin, { surface: 'my_page', ip: '192.0.2.9' });
    expect(events[events.length - 1]).toMatchObject({ kind: 'identity_check.failure', customerId: CUSTOMER.D });
  });

  it('an account that does not exist names no customer', async () => {
    const { check, events } = setUp();
    await check.checkPin({ ...LOGIN.D, accountNumber: '0000001' }, '0000', { surface: 'authorization' });
    expect(events[0].kind).toBe('identity_check.failure');
    expect(events[0].customerId).toBeUndefined();
  });
});
