import type { AuditEvent } from '../../src/audit/audit-log.ts';
import { addressGroup } from '../../src/identity-check/address-group.ts';
import { createIdentityCheck } from '../../src/identity-check/identity-check.ts';
import { LOGIN, demoCoreBanking } from '../core-banking/demo-fixture.ts';

describe('the address a failure is counted under', () => {
  it('is the IPv4 address itself, and an IPv4-mapped IPv6 address is that IPv4 address', () => {
    expect(addressGroup('192.0.2.7')).toBe('192.0.2.7');
    expect(addressGroup('::ffff:192.0.2.7')).toBe('192.0.2.7');
    expect(addressGroup('::ffff:c000:0207')).toBe('192.0.2.7');
  });

  it('is the /64 of an IPv6 address, however it is written', () => {
    const group = addressGroup('2001:db8:1:2::1');
    expect(group).toBe('2001:db8:1:2:0:0:0:0/64');
    for (const same of ['2001:0db8:0001:0002:ffff:ffff:ffff:ffff', '2001:DB8:1:2:a:b:c:d', '2001:db8:1:2::1%eth0'])
      expect(addressGroup(same)).toBe(group);
    expect(addressGroup('2001:db8:1:3::1')).not.toBe(group);
    expect(addressGroup('2001:db8:1:2::1', 48)).toBe('2001:db8:1:0:0:0:0:0/48');
    expect(addressGroup('2001:db8:1:2::1', 56)).toBe(addressGroup('2001:db8:1:ff::1', 56));
  });

  it('is one group for whatever is not an address', () => {
    expect(addressGroup('')).toBe('unknown');
    expect(addressGroup('not-an-ip')).toBe('unknown');
  });
});

describe('throttling (failures per address, and of all clients together)', () => {
  const setUp = (limits: { address: number; global: number }) => {
    const { core, clock, store } = demoCoreBanking();
    const events: AuditEvent[] = [];
    const seen: number[] = [];
    const check = createIdentityCheck({
      coreBanking: core,
      store,
      clock,
      audit: { record: async (e) => void events.push(e) },
      settings: {
        lockAfterFailures: 5,
        failureDelaysMs: [0],
        responseFloorMs: 0,
        otpAttempts: 3,
        ipLimit: { maxFailures: limits.address, windowSeconds: 600, ipv6PrefixLength: 64 },
        globalLimit: { maxFailures: limits.global, windowSeconds: 60 },
        totpWindowSteps: 1,
      },
      sleep: async () => undefined,
      observeGlobalFailures: (failures) => void seen.push(failures),
    });
    return { check, clock, events, seen };
  };
  const { pin: _pin, ...refA } = LOGIN.A;
  const { pin: _pinD, ...refD } = LOGIN.D;
  const asker = (ip: string) => ({ surface: 'authorization' as const, ip });

  it('counts failures per address, not attempts: successes behind one shared address never throttle it', async () => {
    const { check } = setUp({ address: 3, global: 1000 });
    for (let i = 0; i < 20; i += 1)
      expect(await check.checkPin(refA, LOGIN.A.pin, asker('198.51.100.1'))).toMatchObject({ ok: true });
    expect(await check.throttled('198.51.100.1', 'pin', asker('198.51.100.1'))).toBeUndefined();
  });

  it('refuses an address (both steps) once it has had the most failures in the window, and forgets them after it', async () => {
    const { check, clock, events } = setUp({ address: 3, global: 1000 });
    // Failures on three different accounts: the per-account lock does not see them, the address does.
    for (const ref of [refA, refD, { ...refA, accountNumber: '1999999' }])
      await check.checkPin(ref, '0000', asker('198.51.100.1'));
    const refused = await check.throttled('198.51.100.1', 'pin', asker('198.51.100.1'));
    expect(refused).toEqual({ limit: 'address', retryAfterSeconds: expect.any(Number) });
    expect(refused!.retryAfterSeconds).toBeGreaterThan(0);
    expect(refused!.retryAfterSeconds).toBeLessThanOrEqual(600);
    expect(await check.throttled('198.51.100.1', 'otp', asker('198.51.100.1'))).toMatchObject({ limit: 'address' });
    expect(events.at(-1)).toMatchObject({ kind: 'identity_check.throttled', details: { limit: 'address' } });
    // Another address is not affected.
    expect(await check.throttled('198.51.100.2', 'pin', asker('198.51.100.2'))).toBeUndefined();
    // Two windows later, nothing is left of them.
    clock.advance(2 * 600_000);
    expect(await check.throttled('198.51.100.1', 'pin', asker('198.51.100.1'))).toBeUndefined();
  });

  it('counts an IPv6 client by its /64: moving inside the prefix does not escape the limit', async () => {
    const { check } = setUp({ address: 3, global: 1000 });
    for (let i = 1; i <= 3; i += 1) await check.checkPin(refD, '0000', asker(`2001:db8:aa:bb::${i}`));
    expect(await check.throttled('2001:db8:aa:bb:ffff::9', 'pin', asker('2001:db8:aa:bb:ffff::9'))).toMatchObject({
      limit: 'address',
    });
    expect(await check.throttled('2001:db8:aa:bc::1', 'pin', asker('2001:db8:aa:bc::1'))).toBeUndefined();
  });

  it('refuses the PIN step for everyone when all clients together fail too often (one PIN over many accounts), but lets the code step finish', async () => {
    const { check, clock, seen } = setUp({ address: 1000, global: 4 });
    // One PIN tried once on each of four accounts, each from its own address.
    const refs = [refA, refD, { ...refA, accountNumber: '1999999' }, { ...refD, accountNumber: '1999998' }];
    for (const [i, ref] of refs.entries()) await check.checkPin(ref, '1234', asker(`203.0.113.${i + 1}`));
    expect(await check.throttled('192.0.2.200', 'pin', asker('192.0.2.200'))).toMatchObject({ limit: 'global' });
    expect(seen.at(-1)).toBe(4);
    expect(await check.throttled('192.0.2.200', 'otp', asker('192.0.2.200'))).toBeUndefined();
    // The window slides: half a window after the last bucket closed, half of its failures still count...
    clock.advance(60_000 + 30_000 - (clock.now() % 60_000));
    expect(await check.throttled('192.0.2.200', 'pin', asker('192.0.2.200'))).toBeUndefined();
    expect(seen.at(-1)).toBeCloseTo(2, 5);
    // ...and a window later none.
    clock.advance(60_000);
    await check.throttled('192.0.2.200', 'pin', asker('192.0.2.200'));
    expect(seen.at(-1)).toBe(0);
  });
});
