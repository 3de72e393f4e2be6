import { checkStore } from '../../src/grants/store-check.ts';
import type { LinkageChoice } from '../../src/grants/linkages.ts';
import { ManualClock } from '../../src/shared/clock.ts';
import { MemoryStore } from '../../src/store/memory-store.ts';
import { StoreUnavailableError, type Store } from '../../src/store/store.ts';
import { startServer, type TestServer } from '../support/server.ts';

const PARTNER = 'demo-kakeibo';

/** A memory store whose chosen operations fail while `failing` says so: an outage at one step. */
const faultyStore = (inner: MemoryStore) => {
  const control = { failing: new Set<string>(), after: 0 };
  const store = new Proxy(inner, {
    get(target, property) {
      const value = Reflect.get(target, property, target);
      if (typeof value !== 'function') return value;
      return async (...args: unknown[]) => {
        if (control.failing.has(String(property))) {
          if (control.after <= 0) throw new StoreUnavailableError(`injected outage at ${String(property)}`);
          control.after -= 1;
        }
        return value.apply(target, args);
      };
    },
  });
  return { store: store as Store, control };
};

const choice = (server: TestServer, customerId: string): LinkageChoice => {
  const now = server.clock.now();
  return {
    customerId,
    identifiedAt: now,
    partner: { clientId: PARTNER, name: { ja: 'デモかけいぼ', en: 'Demo Kakeibo' } },
    accounts: [{ accountId: 'acct-1', accountType: 'ordinary', branchCode: '001', accountNumber: '1234567' }],
    oidcScopes: ['openid', 'offline_access'],
    dataScopes: ['accounts'],
    terms: { version: '1.0', text: 'terms' },
    locale: 'ja',
    expiresAt: now + 86_400_000,
    subject: `sub-${customerId}`,
  };
};

describe('making and ending linkages through src/grants/linkages.ts, with the store failing at each step', () => {
  let server: TestServer;
  let control: ReturnType<typeof faultyStore>['control'];
  let store: Store;
  const clock = new ManualClock(Date.now());
  beforeAll(async () => {
    const faulty = faultyStore(new MemoryStore(clock));
    control = faulty.control;
    store = faulty.store;
    server = await startServer({ clock, overrides: { store } });
    await server.app.partnerEvents.stop();
  });
  afterAll(async () => {
    await server.close();
  });
  afterEach(() => {
    control.failing.clear();
    control.after = 0;
  });
  const problems = () => checkStore({ store, clock, sweeperPeriodMs: 60_000 });
  const customerKeys = async (customerId: string) =>
    (await store.keysWithPrefix('')).filter((k) => k.endsWith(`:${customerId}`));

  test('a linkage is all there or not there: a failed last write leaves no live part, and the sweeper tidies', async () => {
    const { app } = server;
    control.failing.add('writeTogether');
    await expect(app.linkages.make(choice(server, 'c-make'))).rejects.toThrow(StoreUnavailableError);
    control.failing.clear();
    // Nothing live: no record, no Grant, no consent evidence; only index entries pointing at nothing.
    expect(await store.keysWithPrefix('grant:')).toEqual([]);
    expect(await store.keysWithPrefix('consent:')).toEqual([]);
    expect(await app.grants.idsOfCustomer('c-make')).toHaveLength(1);
    expect((await problems()).map((p) => p.kind)).toContain('dangling-index-member');

    clock.advance(61_000);
    expect((await problems()).map((p) => p.kind)).toContain('unfinished-making');
    await app.linkages.sweep();
    expect(await app.grants.idsOfCustomer('c-make')).toEqual([]);
    expect(await problems()).toEqual([]);
  });

  test('a making that cannot start writes nothing', async () => {
    const before = (await store.keysWithPrefix('')).length;
    control.failing.add('addToSortedSet');
    await expect(server.app.linkages.make(choice(server, 'c-none'))).rejects.toThrow(StoreUnavailableError);
    expect(await customerKeys('c-none')).toEqual([]);
    expect((await store.keysWithPrefix('')).length).toBeLessThanOrEqual(before);
  });

  test('an ending that cannot start fails, and the linkage stays whole and live', async () => {
    const { app } = server;
    const grantId = await app.linkages.make(choice(server, 'c-keep'));
    control.failing.add('addToSortedSet'); // the journal entry, the ending's first write
    await expect(app.linkages.end({ grantId }, { reason: 'revoked_by_bank', actor: 'test' })).rejects.toThrow(
      StoreUnavailableError,
    );
    control.failing.clear();
    expect(await app.linkages.ending(grantId)).toBeUndefined();
    expect(await app.grants.find(grantId)).toBeDefined();
    expect(await problems()).toEqual([]);
  });

  test('an ending interrupted after its tombstone counts as ended at once, and the sweeper finishes it', async () => {
    const { app } = server;
    const grantId = await app.linkages.make(choice(server, 'c-end'));
    const client = (await app.provider.Client.find(PARTNER))!;
    const token = await new app.provider.AccessToken({
      accountId: 'sub-c-end',
      client,
      grantId,
      scope: 'accounts',
      expiresIn: 3600,
    } as never).save();
    control.failing.add('del'); // the token fan-out, right after the tombstone
    await expect(app.linkages.end({ grantId }, { reason: 'revoked_by_bank', actor: 'test' })).rejects.toThrow(
      StoreUnavailableError,
    );
    control.failing.clear();
    expect(await app.linkages.ending(grantId)).toMatchObject({ reason: 'revoked_by_bank' });
    expect(await app.provider.AccessToken.find(token)).toBeDefined();
    expect(await problems()).toEqual([]);

    clock.advance(61_000);
    expect((await problems()).map((p) => p.kind)).toContain('unfinished-ending');
    expect(await app.linkages.sweep()).toBeGreaterThan(0);
    expect(await app.provider.AccessToken.find(token)).toBeUndefined();
    expect(await app.grants.find(grantId)).toBeUndefined();
    expect(await app.revocation.stageOf(grantId)).toBe('done');
    const ended = await app.audit.query({ kind: 'grant.ended', customerId: 'c-end' });
    expect(ended).toHaveLength(1);
    expect(await problems()).toEqual([]);
  });

  test('a new linkage replaces the earlier one with the same partner, and the customer hears of it', async () => {
    const { app } = server;
    const first = await app.linkages.make(choice(server, 'c-twice'));
    const second = await app.linkages.make(choice(server, 'c-twice'));
    expect(await app.linkages.ending(first)).toMatchObject({ reason: 'replaced' });
    expect(await app.grants.idsOfCustomer('c-twice')).toEqual([second]);
    expect(await app.audit.query({ kind: 'consent.granted', customerId: 'c-twice' })).toHaveLength(2);
    expect(await problems()).toEqual([]);
  });
});
