import { randomUUID } from 'node:crypto';
import type { AccountType } from '../../src/core-banking/port.ts';
import { ManualClock } from '../../src/shared/clock.ts';
import { beginAuthorization, reachCallback } from '../support/authorization-steps.ts';
import { customers } from '../support/demo.ts';
import { introspector } from '../support/internal-clients.ts';
import { partnerFor } from '../support/linkage.ts';
import { freePort, startServer, type TestServer } from '../support/server.ts';

const LOCKED = 'API連携サービスのご利用を停止しています。';

/**
 * One Redis (the private one the test setup started), one key prefix per test, and a server that
 * is stopped and started again on the same port and issuer — as a deployment restarts.
 */
const redisInstance = async () => {
  const env = { REDIS_URL: process.env.TEST_REDIS_URL!, REDIS_KEY_PREFIX: `test-restart-${randomUUID()}:` };
  const port = await freePort();
  const clock = new ManualClock(Date.now());
  const start = () => startServer({ env, port, clock });
  return { start };
};

let running: TestServer | undefined;
afterEach(async () => {
  await running?.close();
  running = undefined;
});

describe('with Redis, state survives a server restart', () => {
  test('a linkage made before the restart is refreshed after it, with the same DPoP key', async () => {
    const instance = await redisInstance();
    running = await instance.start();
    expect(running.app.store.kind).toBe('redis');
    const before = running;
    const partner = await partnerFor(before);
    const { callbackUrl, pending } = await reachCallback(before, partner, customers.allTypes);
    const tokens = await partner.exchangeCode(callbackUrl, pending);
    expect(tokens.refresh_token).toEqual(expect.any(String));
    await before.close();
    running = undefined;

    running = await instance.start();
    expect(running.url).toBe(before.url);
    expect((await (await introspector(running))(tokens.access_token)).active).toBe(true);
    const refreshed = await partner.refresh(tokens.refresh_token!, pending.dpopKeys);
    expect(refreshed.token_type.toLowerCase()).toBe('dpop');
    expect(refreshed.access_token).not.toBe(tokens.access_token);
    const introspection = await (await introspector(running))(refreshed.access_token);
    expect(introspection).toMatchObject({ active: true, client_id: 'demo-kakeibo' });
  });

  test('an account locked before the restart stays locked after it, until bank staff unlock it', async () => {
    const who = customers.lockable;
    const ref = {
      branchCode: who.branch,
      accountType: who.accountType as AccountType,
      accountNumber: who.accountNumber,
    };
    const instance = await redisInstance();
    running = await instance.start();
    expect(running.app.store.kind).toBe('redis');
    const partner = await partnerFor(running);
    const { agent, loginPage } = await beginAuthorization(running, partner);
    for (let i = 0; i < 5; i += 1)
      expect((await agent.login(loginPage, { ...who, pin: '0000' })).status).toBe(i < 4 ? 400 : 403);
    await running.close();
    running = undefined;

    running = await instance.start();
    expect(await running.app.coreBanking.loginFailures(ref)).toEqual({ consecutiveFailures: 5, locked: true });
    const again = await beginAuthorization(running, await partnerFor(running));
    const refused = await again.agent.login(again.loginPage, who);
    expect(refused.status).toBe(403);
    expect(refused.html).toContain(LOCKED);
    expect(refused.html).not.toContain('name="otp"');

    await running.app.coreBanking.unlock(ref);
    const otpPage = await again.agent.login(again.loginPage, who);
    expect(otpPage.status).toBe(200);
    expect(otpPage.html).toContain('name="otp"');
  });
});
