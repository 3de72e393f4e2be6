import { randomUUID } from 'node:crypto';
import { checkStore } from '../../src/grants/store-check.ts';
import { kindOf } from '../../src/store/keys.ts';
import { customers } from '../support/demo.ts';
import { link, partnerFor, startAt } from '../support/linkage.ts';
import { startServer, type TestServer } from '../support/server.ts';

/** Every key without a TTL that docs/store-keys.md does not list as permanent, and every unknown key. */
const unboundedKeys = async (server: TestServer) => {
  const { store } = server.app;
  const found: string[] = [];
  for (const key of await store.keysWithPrefix('')) {
    const kind = kindOf(key);
    if (!kind) {
      found.push(`${key} (no kind)`);
      continue;
    }
    const { type, ttlSeconds } = await store.describeKey(key);
    if (type !== 'none' && ttlSeconds === undefined && !kind.permanent) found.push(key);
  }
  return found.sort();
};

describe.each([
  {
    store: 'Redis',
    env: (): Record<string, string> => ({
      REDIS_URL: process.env.TEST_REDIS_URL!,
      REDIS_KEY_PREFIX: `test-bounds-${randomUUID()}:`,
    }),
  },
  { store: 'the memory store', env: (): Record<string, string> => ({}) },
])('every key is bounded on $store', ({ env }) => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startServer({ env: env() });
  });
  afterAll(async () => {
    if (server.app.store.kind === 'redis') await server.app.store.del(await server.app.store.keysWithPrefix(''));
    await server.close();
  });

  test('a workload of flows, data calls, refreshes, endings and failed logins leaves no key without a TTL that is not documented as permanent', async () => {
    const { app } = server;
    const partner = await partnerFor(server);
    // Linkages: one ended by the partner (Grant Management), one by the customer's replacement, one left live.
    const first = await link(server, partner, customers.allTypes);
    const dataApi = `${server.url}/api/v1/accounts`;
    expect((await partner.resource(dataApi, first.tokens.access_token, first.pending.dpopKeys)).status).toBe(200);
    const refreshed = await partner.refresh(first.tokens.refresh_token!, first.pending.dpopKeys);
    expect((await partner.resource(dataApi, refreshed.access_token, first.pending.dpopKeys)).status).toBe(200);
    const firstGrant = String(first.tokens.grant_id);
    const second = await link(server, partner, customers.allTypes); // replaces the first
    expect(await app.linkages.ending(firstGrant)).toMatchObject({ reason: 'replaced' });
    expect((await partner.resource(dataApi, second.tokens.access_token, second.pending.dpopKeys)).status).toBe(200);
    const third = await link(server, partner, customers.twoBranches);
    await partner.revoke(third.tokens.refresh_token!);
    const thirdGrant = String(third.tokens.grant_id);
    expect(await app.linkages.ending(thirdGrant)).toMatchObject({ reason: 'revoked_by_protocol' });

    // PIN posts for 40 made-up account numbers, some of them past the lockout count.
    for (let i = 0; i < 40; i += 1) {
      const { agent, page } = await startAt(server, partner);
      const made = { branch: '009', accountType: 'ordinary', accountNumber: String(9_000_000 + i), pin: '0000' };
      await agent.login(page, made);
      if (i < 2) for (let j = 0; j < 6; j += 1) await agent.login(page, made);
    }

    expect(await unboundedKeys(server)).toEqual([]);
    // The made-up accounts left keys, every one with a TTL (the test sees them: it can fail).
    const failures = await app.store.keysWithPrefix('core:login-failures:{009');
    expect(failures.length).toBeGreaterThanOrEqual(40);
    for (const key of failures) expect((await app.store.describeKey(key)).ttlSeconds).toBeGreaterThan(0);

    // Of the ended linkages only their documented ending records are left.
    const keysOf = async (grantId: string) =>
      (await app.store.keysWithPrefix('')).filter((k) => k.includes(`{${grantId}}`));
    for (const grantId of [firstGrant, thirdGrant]) {
      const left = await keysOf(grantId);
      expect(left.filter((k) => !kindOf(k)?.endingRecord)).toEqual([]);
      expect(left).toContain(`grant-ended:{${grantId}}`);
    }
    expect((await keysOf(String(second.tokens.grant_id))).length).toBeGreaterThan(3);
    expect(await checkStore({ store: app.store, clock: server.clock, sweeperPeriodMs: 60_000 })).toEqual([]);
  }, 120_000);
});
