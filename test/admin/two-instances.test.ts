import { randomUUID } from 'node:crypto';
import { setTimeout as delay } from 'node:timers/promises';
import { ManualClock } from '../../src/shared/clock.ts';
import { customers } from '../support/demo.ts';
import { link, partnerFor } from '../support/linkage.ts';
import { startServer, type TestServer } from '../support/server.ts';
import { demoStaff, logIn } from './support/staff.ts';

/**
 * Two server processes sharing one Redis, as a deployment runs: a partner suspended in the console
 * of one stops on the other too, and reinstating it there lets it start flows again.
 */

let a: TestServer;
let b: TestServer;
beforeAll(async () => {
  const env = { REDIS_URL: process.env.TEST_REDIS_URL!, REDIS_KEY_PREFIX: `test-admin-two-${randomUUID()}:` };
  const clock = new ManualClock(Date.now());
  [a, b] = await Promise.all([startServer({ env, clock }), startServer({ env, clock })]);
});
afterAll(async () => {
  await Promise.all([a?.close(), b?.close()]);
});

/** The change event travels through Redis publish/subscribe: wait for it to arrive (bounded). */
const untilActive = async (server: TestServer, clientId: string, expected: boolean) => {
  for (let i = 0; i < 200 && (await server.app.partnerStatus.isActive(clientId)) !== expected; i += 1) await delay(10);
  return server.app.partnerStatus.isActive(clientId);
};

test("a partner suspended in one instance's console answers 401 on the other; reinstated there, it links again", async () => {
  expect(a.app.store.kind).toBe('redis');
  const onB = await partnerFor(b);
  const linked = await link(b, onB, customers.allTypes);
  expect(
    (await onB.resource(`${b.url}/api/v1/accounts`, linked.tokens.access_token, linked.pending.dpopKeys)).status,
  ).toBe(200);

  const { staff } = await logIn(a, demoStaff.operator);
  const page = await staff.get('/admin/partners/demo-kakeibo');
  await staff.post('/admin/partners/demo-kakeibo/suspend', { reason: '停止', confirm: 'yes' }, page);
  expect(await untilActive(b, 'demo-kakeibo', false)).toBe(false);
  expect(
    (await onB.resource(`${b.url}/api/v1/accounts`, linked.tokens.access_token, linked.pending.dpopKeys)).status,
  ).toBe(401);
  await expect(onB.startAuthorization({ scope: 'openid accounts' })).rejects.toThrow();

  const suspended = await staff.get('/admin/partners/demo-kakeibo');
  await staff.post('/admin/partners/demo-kakeibo/reinstate', { reason: '再開' }, suspended);
  expect(await untilActive(b, 'demo-kakeibo', true)).toBe(true);
  const fresh = await link(b, onB, customers.twoBranches);
  expect(
    (await onB.resource(`${b.url}/api/v1/accounts`, fresh.tokens.access_token, fresh.pending.dpopKeys)).status,
  ).toBe(200);
  expect(await a.app.partnerStatus.isActive('demo-kakeibo')).toBe(true);
});
