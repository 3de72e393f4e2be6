import { checkStore } from '../../src/grants/store-check.ts';
import { randomUUID } from 'node:crypto';
import { ManualClock } from '../../src/shared/clock.ts';
import { MemoryStore } from '../../src/store/memory-store.ts';
import { oidcKeys } from '../../src/store/oidc-adapter.ts';
import { StoreUnavailableError, type Store } from '../../src/store/store.ts';
import { startServer, type TestServer } from '../support/server.ts';
import { seedLinkage } from './seed-linkages.ts';

const PARTNER = 'demo-kakeibo';

/** Runs `work(i)` for i in [0, count), `limit` at a time. */
const inParallel = async (count: number, limit: number, work: (i: number) => Promise<void>) => {
  let next = 0;
  const lane = async () => {
    while (next < count) await work(next++);
  };
  await Promise.all(Array.from({ length: Math.min(limit, count) }, lane));
};

type Seeded = Awaited<ReturnType<typeof seedLinkage>>;

/** `count` linkages of one partner, each with its Grant, an access token and a refresh token. */
const seedMany = async (server: TestServer, count: number): Promise<Seeded[]> => {
  const client = await server.app.provider.Client.find(PARTNER);
  const seeded: Seeded[] = new Array(count);
  await inParallel(count, 64, async (i) => {
    seeded[i] = await seedLinkage(server.app, { partnerId: PARTNER, now: server.clock.now(), tokens: client! });
  });
  return seeded;
};

/**
 * Keys counted by what they are: the part before the first ':' (e.g. "grant-ended",
 * "oidc:AccessToken"). The audit trail's streams ("audit:events:<instance>", "audit:checkpoints") are
 * counted apart: they are the record of what happened, and stay.
 */
const kinds = (keys: string[]) => {
  const counts: Record<string, number> = {};
  const audit = keys.filter((k) => k.startsWith('audit:'));
  for (const key of keys) {
    if (key.startsWith('audit:')) continue;
    const kind = key.startsWith('oidc:') ? key.split(':', 2).join(':') : key.slice(0, key.indexOf(':'));
    counts[kind] = (counts[kind] ?? 0) + 1;
  }
  expect(audit.every((k) => k === 'audit:events' || k.startsWith('audit:events:') || k === 'audit:checkpoints')).toBe(
    true,
  );
  return counts;
};

const tokenKeys = (seeded: Seeded[]) =>
  seeded.flatMap((s) => [
    oidcKeys.model('AccessToken', s.accessToken!),
    oidcKeys.model('RefreshToken', s.refreshToken!),
    oidcKeys.model('Grant', s.grantId),
  ]);

/** The linkage's tokens proper: what one delete removes (the Grant goes with the record, last). */
const tokensOnly = (s: Seeded) => [
  oidcKeys.model('AccessToken', s.accessToken!),
  oidcKeys.model('RefreshToken', s.refreshToken!),
];

/** What store:check finds, but for the consent evidence these seeded linkages were made without. */
const problems = async (store: Store, clock: ManualClock) =>
  (await checkStore({ store, clock, sweeperPeriodMs: 60_000 })).filter((p) => p.kind !== 'grant-without-consent');

const present = async (store: Store, keys: string[]) =>
  (await store.getMany(keys)).filter((v) => v !== undefined).length;

describe.each([
  {
    store: 'Redis',
    count: 10_000,
    env: (): Record<string, string> => ({
      REDIS_URL: process.env.TEST_REDIS_URL!,
      REDIS_KEY_PREFIX: `test-bulk-${randomUUID()}:`,
    }),
  },
  { store: 'the memory store', count: 2_000, env: (): Record<string, string> => ({}) },
])('ending every grant of a partner on $store', ({ count, env }) => {
  test(`${count} grants: it finishes, no token is usable afterwards, and only tombstones and refresh-token memos are left`, async () => {
    const server = await startServer({ env: env() });
    try {
      await server.app.partnerEvents.stop();
      const { app } = server;
      const before = new Set(await app.store.keysWithPrefix(''));

      const setupStarted = performance.now();
      const seeded = await seedMany(server, count);
      const setupMs = performance.now() - setupStarted;

      // The test can fail: before the ending, every token is there and usable.
      expect(await present(app.store, tokenKeys(seeded))).toBe(3 * count);
      expect(await app.provider.AccessToken.find(seeded[0].accessToken!)).toBeDefined();
      expect(kinds((await app.store.keysWithPrefix('')).filter((k) => !before.has(k)))).toEqual({
        'oidc:Grant': count,
        'oidc:AccessToken': count,
        'oidc:RefreshToken': count,
        'oidc:grant': count,
        grant: count,
        idx: count + 1,
        'refresh-token-grant': count,
      });

      const started = performance.now();
      const ended = await app.revocation.endPartnerGrants(PARTNER, { reason: 'partner_removed', actor: 'test' });
      const endMs = performance.now() - started;
      expect(ended).toBe(count);

      // Every token lookup finds nothing, through the store and through oidc-provider.
      expect(await present(app.store, tokenKeys(seeded))).toBe(0);
      for (const s of seeded.slice(0, 50)) {
        expect(await app.provider.AccessToken.find(s.accessToken!)).toBeUndefined();
        expect(await app.provider.RefreshToken.find(s.refreshToken!)).toBeUndefined();
      }
      // Counting the keys: what is left is one tombstone per grant (why it ended) and one memo per
      // refresh token (so a late refresh is told `reauthorization_required`), besides the audit
      // trail; no token, Grant, record or index set.
      const left = (await app.store.keysWithPrefix('')).filter((k) => !before.has(k));
      expect(kinds(left)).toEqual({ 'grant-ended': count, 'refresh-token-grant': count });
      expect(await app.grants.idsOfPartner(PARTNER)).toEqual([]);
      expect(await app.revocation.ending(seeded[count - 1].grantId)).toMatchObject({
        reason: 'partner_removed',
        partnerId: PARTNER,
      });

      if (process.env.REPORT_TIMINGS)
        process.stderr.write(
          `bulk revocation on ${app.store.kind}: ${count} grants set up in ${Math.round(setupMs)} ms, ended in ` +
            `${Math.round(endMs)} ms\n`,
        );
      expect(endMs).toBeLessThan(45_000);
    } finally {
      await server.close();
    }
  }, 120_000);
});

/**
 * A store whose writes start failing once `budget` of them are spent (reads and the audit
 * trail's stream keep working): a store outage in the middle of a bulk ending.
 */
const failingStore = (inner: MemoryStore) => {
  const control = { budget: Infinity };
  const writes = new Set([
    'set',
    'setIfAbsent',
    'del',
    'removeFromSet',
    'addToSet',
    'addToSortedSet',
    'removeFromSortedSet',
    'writeTogether',
  ]);
  const store = new Proxy(inner, {
    get(target, property) {
      const value = Reflect.get(target, property, target);
      if (typeof value !== 'function') return value;
      if (!writes.has(property as string)) return value.bind(target);
      return async (...args: unknown[]) => {
        control.budget -= 1;
        if (control.budget < 0) throw new StoreUnavailableError('injected outage');
        return value.apply(target, args);
      };
    },
  });
  return { store: store as Store, control };
};

test('a store failure half way leaves each grant whole or without any token, and ending again finishes every one', async () => {
  const clock = new ManualClock(Date.now());
  const { store, control } = failingStore(new MemoryStore(clock));
  const server = await startServer({ clock, overrides: { store } });
  try {
    await server.app.partnerEvents.stop();
    const { app } = server;
    const seeded = await seedMany(server, 300);

    control.budget = 500; // about 80 of 300 endings' worth of writes
    await expect(
      app.revocation.endPartnerGrants(PARTNER, { reason: 'revoked_by_bank', actor: 'test' }),
    ).rejects.toThrow(StoreUnavailableError);
    control.budget = Infinity;

    let whole = 0;
    let withoutTokens = 0;
    for (const s of seeded) {
      const tokens = await present(store, tokensOnly(s));
      // All of a grant's tokens go in one delete: never some of them.
      expect([0, 2]).toContain(tokens);
      // The record and oidc-provider's Grant go together, in one write.
      expect(await present(store, [oidcKeys.model('Grant', s.grantId)])).toBe(
        (await app.grants.find(s.grantId)) ? 1 : 0,
      );
      if (tokens === 2) {
        whole += 1;
        expect(await app.grants.find(s.grantId)).toBeDefined();
        // Untouched, or begun (its tombstone written first): then it counts as ended already.
        const ending = await app.revocation.ending(s.grantId);
        if (ending) expect(await app.revocation.stageOf(s.grantId)).toBe('ending');
      } else {
        withoutTokens += 1;
        // No token left means the ending had begun: the tombstone comes first.
        expect(await app.revocation.ending(s.grantId)).toMatchObject({ reason: 'revoked_by_bank' });
      }
    }
    expect(whole).toBeGreaterThan(0);
    expect(withoutTokens).toBeGreaterThan(0);
    expect(await problems(store, clock)).toEqual([]);

    // Past the sweeper's period, the interrupted endings count as unfinished, and ending again takes them over.
    clock.advance(61_000);
    expect((await problems(store, clock)).map((p) => p.kind)).toContain('unfinished-ending');
    await app.revocation.endPartnerGrants(PARTNER, { reason: 'revoked_by_bank', actor: 'test' });
    expect(await present(store, tokenKeys(seeded))).toBe(0);
    for (const s of seeded) expect(await app.revocation.ending(s.grantId)).toMatchObject({ reason: 'revoked_by_bank' });
    const left = kinds(await store.keysWithPrefix(''));
    expect(left).not.toHaveProperty('grant');
    expect(left).not.toHaveProperty('idx');
    expect(left).not.toHaveProperty('oidc:grant');
    const endedEvents = await app.audit.query({ kind: 'grant.ended', partnerId: PARTNER });
    expect(new Set(endedEvents.map((e) => e.details?.grantId))).toEqual(new Set(seeded.map((s) => s.grantId)));
    // Endings that finished all but removing their journal entry are the sweeper's to tidy.
    await app.linkages.sweep();
    expect(await problems(store, clock)).toEqual([]);
  } finally {
    await server.close();
  }
});
