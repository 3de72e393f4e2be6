import { loginFailureKeys } from '../../src/core-banking/demo/index.ts';
import { LOGIN, demoCoreBanking } from './demo-fixture.ts';

const { pin: _pin, ...D } = LOGIN.D;

describe('login-failure counter', () => {
  it('counts failures and locks at lockAfter', async () => {
    const { core } = demoCoreBanking();
    expect(await core.loginFailures(D)).toEqual({ consecutiveFailures: 0, locked: false });
    expect(await core.recordLoginFailure(D, 3)).toEqual({ consecutiveFailures: 1, locked: false });
    expect(await core.recordLoginFailure(D, 3)).toEqual({ consecutiveFailures: 2, locked: false });
    expect(await core.recordLoginFailure(D, 3)).toEqual({ consecutiveFailures: 3, locked: true });
    expect(await core.loginFailures(D)).toEqual({ consecutiveFailures: 3, locked: true });
  });

  it('keeps the counters of accounts apart', async () => {
    const { core } = demoCoreBanking();
    const { pin: _a, ...A } = LOGIN.A;
    await core.recordLoginFailure(D, 5);
    expect(await core.loginFailures(A)).toEqual({ consecutiveFailures: 0, locked: false });
    expect(await core.loginFailures({ ...D, accountType: 'savings' })).toEqual({
      consecutiveFailures: 0,
      locked: false,
    });
  });

  it('reset clears the count but not a lock', async () => {
    const { core } = demoCoreBanking();
    await core.recordLoginFailure(D, 2);
    await core.recordLoginFailure(D, 2);
    await core.resetLoginFailures(D);
    expect(await core.loginFailures(D)).toEqual({ consecutiveFailures: 0, locked: true });
    expect(await core.recordLoginFailure(D, 2)).toEqual({ consecutiveFailures: 1, locked: true });
  });

  it('reset before the lock starts the count again', async () => {
    const { core } = demoCoreBanking();
    await core.recordLoginFailure(D, 3);
    await core.recordLoginFailure(D, 3);
    await core.resetLoginFailures(D);
    expect(await core.recordLoginFailure(D, 3)).toEqual({ consecutiveFailures: 1, locked: false });
  });

  it('the lock persists as time passes, until unlock clears count and lock', async () => {
    const { core, clock } = demoCoreBanking();
    await core.recordLoginFailure(D, 1);
    clock.advance(400 * 86_400_000);
    expect(await core.loginFailures(D)).toEqual({ consecutiveFailures: 1, locked: true });
    await core.unlock(D);
    expect(await core.loginFailures(D)).toEqual({ consecutiveFailures: 0, locked: false });
    expect(await core.recordLoginFailure(D, 3)).toEqual({ consecutiveFailures: 1, locked: false });
  });

  it('counts an unknown account too, without touching real ones', async () => {
    const { core } = demoCoreBanking();
    const unknown = { ...D, accountNumber: '0000001' };
    expect(await core.recordLoginFailure(unknown, 1)).toEqual({ consecutiveFailures: 1, locked: true });
    expect(await core.loginFailures(D)).toEqual({ consecutiveFailures: 0, locked: false });
  });

  it('stores under core:login-failures:{branch:type:number}, with a hash tag for Redis Cluster', async () => {
    const { core, store } = demoCoreBanking();
    await core.recordLoginFailure(D, 1);
    expect(loginFailureKeys(D)).toEqual({
      count: 'core:login-failures:{001:ordinary:1098765}',
      lock: 'core:login-failures:{001:ordinary:1098765}:locked',
    });
    expect((await store.keysWithPrefix('core:login-failures:')).sort()).toEqual([
      'core:login-failures:{001:ordinary:1098765}',
      'core:login-failures:{001:ordinary:1098765}:locked',
    ]);
    expect(await store.ttl('core:login-failures:{001:ordinary:1098765}:locked')).toBeUndefined();
  });

  it('keeps the count and lock of an unknown account only for a bounded window, a real lock for good', async () => {
    const { core, store, clock } = demoCoreBanking();
    const unknown = { ...D, accountNumber: '0000002' };
    for (let i = 0; i < 6; i += 1) await core.recordLoginFailure(unknown, 5);
    expect(await core.loginFailures(unknown)).toEqual({ consecutiveFailures: 6, locked: true });
    const keys = loginFailureKeys(unknown);
    expect(await store.ttl(keys.count)).toBe(3600);
    expect(await store.ttl(keys.lock)).toBeGreaterThan(3590);
    await core.recordLoginFailure(D, 1);
    expect(await store.ttl(loginFailureKeys(D).lock)).toBeUndefined();
    clock.advance(3601 * 1000);
    expect(await core.loginFailures(unknown)).toEqual({ consecutiveFailures: 0, locked: false });
    expect(await store.keysWithPrefix(keys.count)).toEqual([]);
    expect(await core.loginFailures(D)).toEqual({ consecutiveFailures: 1, locked: true });
  });

  it('encodes parts so that input cannot close the hash tag', () => {
    expect(loginFailureKeys({ ...D, accountNumber: '1}:x{' }).count).toBe(
      'core:login-failures:{001:ordinary:1%7D%3Ax%7B}',
    );
  });

  it('rejects a lockAfter that is not a positive integer', async () => {
    const { core } = demoCoreBanking();
    await expect(core.recordLoginFailure(D, 0)).rejects.toThrow(RangeError);
  });
});
