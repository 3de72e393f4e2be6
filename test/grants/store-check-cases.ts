import { createConsentRecords } from '../../src/grants/consent-records.ts';
import { createGrantRecords, type GrantRecord } from '../../src/grants/grant-records.ts';
import { createLinkageJournal } from '../../src/grants/journal.ts';
import { checkStore, formatStoreProblems, type ProblemKind } from '../../src/grants/store-check.ts';
import { systemClock } from '../../src/shared/clock.ts';
import { createOidcStore } from '../../src/store/oidc-adapter.ts';
import type { Store } from '../../src/store/store.ts';
import type { StoreContext, StoreHarness } from '../store/store-harness.ts';

const HOUR = 3600;
const PERIOD_MS = 60_000;

/** A whole linkage, written the way linkages.make writes one: consent evidence, Grant, record. */
const writeLinkage = async (store: Store, grantId: string, customerId = 'c1') => {
  const now = systemClock.now();
  const grants = createGrantRecords({ store, clock: systemClock });
  const consents = createConsentRecords({ store, clock: systemClock, retentionDays: 30 });
  const oidc = createOidcStore(store, { clock: systemClock });
  const record: GrantRecord = {
    grantId,
    customerId,
    partnerId: 'p1',
    accountIds: ['a1'],
    scopes: ['accounts'],
    termsVersion: '1.0',
    consentId: `consent-${grantId}`,
    identifiedAt: now,
    createdAt: now,
    expiresAt: now + HOUR * 1000,
  };
  const evidence = {
    consentId: record.consentId,
    grantId,
    customerId,
    partner: { clientId: 'p1', nameJa: 'パートナー' },
    scopes: record.scopes,
    accounts: [],
    termsVersion: '1.0',
    termsSha256: 'x',
    identifiedBy: 'pin+totp' as const,
    identifiedAt: now,
    consentedAt: now,
    locale: 'ja',
  };
  await consents.beforeLinkage(evidence);
  await grants.addToIndexes(record);
  await store.writeTogether([
    ...consents.writes(evidence),
    ...oidc.grantWrites(grantId, { accountId: 'sub', clientId: 'p1' }, HOUR),
    grants.recordWrite(record),
  ]);
  const adapter = oidc.adapterFactory();
  await adapter('AccessToken').upsert(`at-${grantId}`, { grantId, kind: 'AccessToken' }, 600);
  return record;
};

/**
 * store:check on any Store: a consistent store is clean, and each kind of inconsistency, planted
 * on its own, is reported as that kind.
 */
export const storeCheckCases = (harness: StoreHarness): void => {
  let ctx: StoreContext;
  let store: Store;
  beforeEach(async () => {
    ctx = await harness.open();
    store = ctx.store;
  });
  afterEach(async () => {
    await ctx.dispose();
  });
  const kinds = async () =>
    (await checkStore({ store, clock: systemClock, sweeperPeriodMs: PERIOD_MS })).map((p) => p.kind).sort();

  it('finds nothing in a store holding whole linkages', async () => {
    await writeLinkage(store, 'g1');
    await writeLinkage(store, 'g2', 'c2');
    const problems = await checkStore({ store, clock: systemClock, sweeperPeriodMs: PERIOD_MS });
    expect(problems).toEqual([]);
    expect(formatStoreProblems(problems)).toBe('store:check: no inconsistency found\n');
  });

  const planted: [ProblemKind, (store: Store) => Promise<unknown>][] = [
    [
      'token-without-grant',
      (s) => createOidcStore(s).adapterFactory()('RefreshToken').upsert('rt-x', { grantId: 'gone' }, 600),
    ],
    [
      'grant-without-consent',
      async (s) => {
        const record = await writeLinkage(s, 'g1');
        await s.del([`consent:{g1}:${record.consentId}`]);
      },
    ],
    [
      'grant-without-oidc-grant',
      async (s) => {
        await writeLinkage(s, 'g1');
        await s.del(['oidc:Grant:{g1}']);
        await s.removeFromSortedSet('oidc:grant:{g1}', ['oidc:Grant:{g1}']);
      },
    ],
    [
      'dangling-index-member',
      (s) =>
        s.addToSortedSet(
          'idx:grants-by-partner:p1',
          [{ member: 'ghost', score: Math.floor(systemClock.now() / 1000) + HOUR }],
          HOUR,
        ),
    ],
    [
      'unfinished-ending',
      (s) =>
        s.set(
          'grant-ended:{g9}',
          JSON.stringify({ grantId: 'g9', stage: 'ending', endedAt: systemClock.now() - 2 * PERIOD_MS }),
          HOUR,
        ),
    ],
    [
      'unfinished-making',
      async (s) => {
        const journal = createLinkageJournal({
          store: s,
          clock: { now: () => systemClock.now() - 2 * PERIOD_MS },
        });
        await journal.add({ op: 'make', grantId: 'g8', customerId: 'c1', partnerId: 'p1' });
      },
    ],
    ['key-without-ttl', (s) => s.set('interaction-state:u1', '{}')],
    ['unknown-key', (s) => s.set('mystery:1', 'x', HOUR)],
  ];

  it.each(planted)('reports a planted %s, and only that', async (kind, plant) => {
    await writeLinkage(store, 'g0', 'c0');
    await plant(store);
    expect(await kinds()).toEqual([kind]);
    const report = formatStoreProblems(await checkStore({ store, clock: systemClock, sweeperPeriodMs: PERIOD_MS }));
    expect(report).toMatch(new RegExp(`^${kind}\\t`, 'm'));
    expect(report).toMatch(/store:check: 1 found\n$/);
  });

  it('a key documented as permanent may have no TTL', async () => {
    await store.set('staff:alice', '{}');
    await store.set('partner:p1', '{}');
    expect(await kinds()).toEqual([]);
  });
};
