import { randomUUID } from 'node:crypto';
import { createLocalJWKSet, decodeJwt, jwtVerify, type JSONWebKeySet } from 'jose';
import * as oauth from 'oauth4webapi';
import { GRANT_REVOKED_EVENT, createPartnerEvents } from '../../src/partner-events/index.ts';
import { ManualClock } from '../../src/shared/clock.ts';
import { silentLogger } from '../../src/shared/logger.ts';
import { MemoryStore } from '../../src/store/memory-store.ts';
import type { AuditEvent } from '../../src/audit/audit-log.ts';
import { customers } from '../support/demo.ts';
import { link, partnerFor } from '../support/linkage.ts';
import { freePort, startServer, type TestServer } from '../support/server.ts';
import { tempPartnersDir, writePartnerFile } from '../support/temp-partners.ts';
import { startEventReceiver, type EventReceiver } from './event-receiver.ts';
import { seedLinkage } from './seed-linkages.ts';

const PARTNER = 'demo-kakeibo';
const OTHER_PARTNER = 'demo-kaikei';

/** Verifies a received SET the way a partner does: against the server's published /jwks. */
const verifySet = async (server: TestServer, jwt: string, audience = PARTNER) => {
  const jwks = (await (await fetch(`${server.url}/jwks`)).json()) as JSONWebKeySet;
  return jwtVerify(jwt, createLocalJWKSet(jwks), { typ: 'secevent+jwt', issuer: server.url, audience });
};

/** An operator's stored change giving the partner an event endpoint (or taking it away). */
const setEventEndpoint = async (server: TestServer, clientId: string, endpoint: string | undefined) => {
  const { partner } = (await server.app.partners.find(clientId))!;
  const { event_endpoint: _, ...rest } = partner;
  await server.app.partners.setOverride(clientId, {
    definition: endpoint ? { ...rest, event_endpoint: endpoint } : rest,
    changedBy: 'test',
    reason: 'event endpoint',
    changedAt: server.clock.now(),
  });
};

const pendingKeys = (server: TestServer) => server.app.store.keysWithPrefix('partner-event');

describe('Security Event Tokens to the partner when a linkage ends (memory store)', () => {
  let server: TestServer;
  let receiver: EventReceiver;

  beforeAll(async () => {
    server = await startServer();
    // The test drives the worker itself, with the clock it moves.
    await server.app.partnerEvents.stop();
  });
  afterAll(async () => {
    await server.close();
  });
  beforeEach(async () => {
    receiver = await startEventReceiver();
    await setEventEndpoint(server, PARTNER, receiver.url);
  });
  afterEach(async () => {
    await receiver.close();
  });

  test("a linkage the bank ends reaches the partner as a SET that verifies against the server's JWKS, naming the grant and the sub the partner knows", async () => {
    const partner = await partnerFor(server, PARTNER);
    const linked = await link(server, partner, customers.allTypes);
    const grantId = linked.tokens.grant_id as string;
    const { sub } = oauth.getValidatedIdTokenClaims(linked.tokens)!;

    expect(await server.app.revocation.endGrant(grantId, { reason: 'revoked_by_bank', actor: 'operator-1' })).toBe(
      true,
    );
    expect(receiver.received).toHaveLength(0); // sending is the worker's job, not the revocation's
    expect(await server.app.partnerEvents.runDueDeliveries()).toEqual({
      sent: 1,
      failed: 0,
      abandoned: 0,
      dropped: 0,
    });

    expect(receiver.received).toHaveLength(1);
    const [request] = receiver.received;
    expect(request.headers['content-type']).toBe('application/secevent+jwt');
    const { payload, protectedHeader } = await verifySet(server, request.body);
    expect(protectedHeader).toMatchObject({ typ: 'secevent+jwt', alg: 'ES256', kid: expect.any(String) });
    expect(payload).toMatchObject({
      iss: server.url,
      aud: PARTNER,
      jti: expect.any(String),
      iat: expect.any(Number),
      sub_id: { format: 'iss_sub', iss: server.url, sub },
      events: { [GRANT_REVOKED_EVENT]: { grant_id: grantId, reason: 'revoked_by_bank', initiating_entity: 'admin' } },
    });
    expect(payload.exp).toBeUndefined();
    expect(sub).toEqual(expect.any(String));

    // Delivered once: nothing is left to send, and the audit trail says it was delivered.
    expect(await server.app.partnerEvents.runDueDeliveries()).toEqual({
      sent: 0,
      failed: 0,
      abandoned: 0,
      dropped: 0,
    });
    expect(receiver.received).toHaveLength(1);
    expect(await pendingKeys(server)).toEqual([]);
    const delivered = await server.app.audit.query({ kind: 'partner_event.delivered', partnerId: PARTNER });
    expect(delivered.map((e) => e.details?.jti)).toContain(payload.jti);
  });

  test('eligibility loss ends every grant of the customer and tells each partner with an endpoint once per grant', async () => {
    const customerId = `customer-${randomUUID()}`;
    const now = server.clock.now();
    const first = await seedLinkage(server.app, { partnerId: PARTNER, customerId, now });
    const other = await seedLinkage(server.app, { partnerId: OTHER_PARTNER, customerId, now });
    expect(
      await server.app.revocation.endCustomerGrants(customerId, {
        reason: 'customer_ineligible',
        actor: 'core-banking',
      }),
    ).toBe(2);

    expect((await server.app.partnerEvents.runDueDeliveries()).sent).toBe(1); // demo-kaikei has no endpoint
    const { payload } = await verifySet(server, receiver.received[0].body);
    expect(payload.sub_id).toEqual({ format: 'iss_sub', iss: server.url, sub: first.sub });
    expect(payload.events).toEqual({
      [GRANT_REVOKED_EVENT]: expect.objectContaining({
        grant_id: first.grantId,
        reason: 'customer_ineligible',
        initiating_entity: 'policy',
      }),
    });
    expect(other.grantId).not.toBe(first.grantId);
  });

  test('the partner is not told of endings it caused: its own refresh-token revocation, its Grant Management DELETE, a replacement', async () => {
    const partner = await partnerFor(server, PARTNER);
    const linked = await link(server, partner, customers.allTypes);
    await partner.revoke(linked.tokens.refresh_token!);
    expect(await server.app.revocation.ending(linked.tokens.grant_id as string)).toMatchObject({
      reason: 'revoked_by_protocol',
    });

    const again = await link(server, partner, customers.allTypes);
    const deleted = await partner.resource(
      `${server.url}/grants/${again.tokens.grant_id as string}`,
      again.tokens.access_token,
      again.pending.dpopKeys,
      'DELETE',
    );
    expect(deleted.status).toBe(204);
    expect(await server.app.revocation.ending(again.tokens.grant_id as string)).toMatchObject({
      reason: 'revoked_by_partner',
    });
    const replaced = await seedLinkage(server.app, { partnerId: PARTNER, now: server.clock.now() });
    await server.app.revocation.endGrant(replaced.grantId, { reason: 'replaced', actor: 'customer' });

    expect(await pendingKeys(server)).toEqual([]);
    expect((await server.app.partnerEvents.runDueDeliveries()).sent).toBe(0);
    expect(receiver.received).toHaveLength(0);
  });

  test('a partner without an event endpoint is skipped: nothing is queued', async () => {
    const seeded = await seedLinkage(server.app, { partnerId: OTHER_PARTNER, now: server.clock.now() });
    expect(
      await server.app.revocation.endGrant(seeded.grantId, { reason: 'revoked_by_customer', actor: 'customer' }),
    ).toBe(true);
    expect(await pendingKeys(server)).toEqual([]);
  });

  test('a failing endpoint (500) is retried after the back-off, with the same jti, until it accepts', async () => {
    receiver.answerWith((n) => (n === 1 ? 500 : 202));
    const seeded = await seedLinkage(server.app, { partnerId: PARTNER, now: server.clock.now() });
    await server.app.revocation.endGrant(seeded.grantId, { reason: 'revoked_by_customer', actor: 'customer' });

    expect(await server.app.partnerEvents.runDueDeliveries()).toMatchObject({ sent: 0, failed: 1 });
    expect(receiver.received).toHaveLength(1);
    // Not before the first back-off step (10 s).
    await server.app.partnerEvents.runDueDeliveries();
    expect(receiver.received).toHaveLength(1);
    server.clock.advance(9_000);
    await server.app.partnerEvents.runDueDeliveries();
    expect(receiver.received).toHaveLength(1);
    server.clock.advance(2_000);
    expect(await server.app.partnerEvents.runDueDeliveries()).toMatchObject({ sent: 1, failed: 0 });

    expect(receiver.received).toHaveLength(2);
    const [first, second] = await Promise.all(receiver.received.map((r) => verifySet(server, r.body)));
    expect(second.payload.jti).toBe(first.payload.jti);
    expect(second.payload.events).toEqual(first.payload.events);
    expect(await pendingKeys(server)).toEqual([]);
  });

  test('after the last attempt the delivery is given up and audited as partner_event.abandoned', async () => {
    receiver.answerWith(() => 503);
    const seeded = await seedLinkage(server.app, { partnerId: PARTNER, now: server.clock.now() });
    await server.app.revocation.endGrant(seeded.grantId, { reason: 'revoked_by_bank', actor: 'operator-1' });

    const outcomes = [];
    for (let i = 0; i < 12; i += 1) {
      outcomes.push(await server.app.partnerEvents.runDueDeliveries());
      server.clock.advance(13 * 3600_000); // past the longest back-off step
    }
    expect(receiver.received).toHaveLength(10);
    expect(outcomes.map((o) => o.failed + o.abandoned * 10).slice(0, 10)).toEqual([1, 1, 1, 1, 1, 1, 1, 1, 1, 10]);
    expect(await pendingKeys(server)).toEqual([]);
    const abandoned = await server.app.audit.query({ kind: 'partner_event.abandoned', partnerId: PARTNER });
    expect(abandoned.find((e) => e.details?.grantId === seeded.grantId)).toMatchObject({
      result: 'failure',
      details: { attempts: 10, lastError: 'HTTP 503' },
    });
  });

  test("a SET the partner refuses as invalid (400) is given up at once, with the partner's error code", async () => {
    receiver.answerWith(() => 400);
    const seeded = await seedLinkage(server.app, { partnerId: PARTNER, now: server.clock.now() });
    await server.app.revocation.endGrant(seeded.grantId, { reason: 'revoked_by_bank', actor: 'operator-1' });
    expect(await server.app.partnerEvents.runDueDeliveries()).toMatchObject({ abandoned: 1 });
    const abandoned = await server.app.audit.query({ kind: 'partner_event.abandoned', partnerId: PARTNER });
    expect(abandoned.find((e) => e.details?.grantId === seeded.grantId)?.details).toMatchObject({
      attempts: 1,
      lastError: '400 invalid_key: unknown kid',
    });
  });

  test('the endpoint the partner has when the SET is sent wins; a partner whose endpoint was removed is not sent to', async () => {
    const seeded = await seedLinkage(server.app, { partnerId: PARTNER, now: server.clock.now() });
    const moved = await startEventReceiver();
    try {
      await server.app.revocation.endGrant(seeded.grantId, { reason: 'revoked_by_bank', actor: 'operator-1' });
      await setEventEndpoint(server, PARTNER, moved.url);
      expect((await server.app.partnerEvents.runDueDeliveries()).sent).toBe(1);
      expect(moved.received).toHaveLength(1);
      expect(receiver.received).toHaveLength(0);

      const another = await seedLinkage(server.app, { partnerId: PARTNER, now: server.clock.now() });
      await server.app.revocation.endGrant(another.grantId, { reason: 'revoked_by_bank', actor: 'operator-1' });
      await setEventEndpoint(server, PARTNER, undefined);
      expect(await server.app.partnerEvents.runDueDeliveries()).toMatchObject({ sent: 0, dropped: 1 });
      expect(await pendingKeys(server)).toEqual([]);
    } finally {
      await moved.close();
    }
  });

  test('ending a linkage returns as fast with a dead or hanging endpoint as with none: sending is not on that path', async () => {
    const hanging = await startEventReceiver({ answer: () => 'hang' });
    const endpoints = { none: undefined, dead: `http://127.0.0.1:${await freePort()}/events`, hanging: hanging.url };
    const slowest: Record<string, number> = {};
    try {
      // Warm-up: the first ending pays for compilation, not for the endpoint.
      const warm = await seedLinkage(server.app, { partnerId: PARTNER, now: server.clock.now() });
      await server.app.revocation.endGrant(warm.grantId, { reason: 'revoked_by_bank', actor: 'test' });
      for (const [name, endpoint] of Object.entries(endpoints)) {
        await setEventEndpoint(server, PARTNER, endpoint);
        slowest[name] = 0;
        for (let i = 0; i < 5; i += 1) {
          const seeded = await seedLinkage(server.app, { partnerId: PARTNER, now: server.clock.now(), tokens: true });
          const started = performance.now();
          expect(
            await server.app.revocation.endGrant(seeded.grantId, { reason: 'revoked_by_bank', actor: 'test' }),
          ).toBe(true);
          slowest[name] = Math.max(slowest[name], performance.now() - started);
        }
      }
      // Sending is not on the revocation path: a dead or hanging endpoint costs nothing there.
      // (Generous bounds: the full suite runs with the machine loaded; the comparison is what counts.)
      expect(slowest.none).toBeLessThan(1000);
      expect(slowest.dead).toBeLessThan(1000);
      expect(slowest.hanging).toBeLessThan(1000);
      const sameAsNone = Math.max(150, 2 * slowest.none);
      expect(Math.abs(slowest.dead - slowest.none)).toBeLessThan(sameAsNone);
      expect(Math.abs(slowest.hanging - slowest.none)).toBeLessThan(sameAsNone);
      // Queued all the same (the warm-up's, 5 for the dead endpoint, 5 for the hanging one): the worker sends them
      // later.
      expect((await pendingKeys(server)).filter((k) => k.startsWith('partner-event:'))).toHaveLength(11);
      await setEventEndpoint(server, PARTNER, endpoints.dead);
      const run = await server.app.partnerEvents.runDueDeliveries();
      // A dead endpoint costs one attempt per run; the partner's other deliveries wait for the next run.
      expect(run).toMatchObject({ sent: 0, failed: 1 });
    } finally {
      await hanging.close();
    }
  });
});

describe('the delivery worker on its own', () => {
  test('a send that never gets an answer is cut off by the timeout and counted as a failure', async () => {
    const server = await startServer();
    const hanging = await startEventReceiver({ answer: () => 'hang' });
    try {
      await server.app.partnerEvents.stop();
      const clock = new ManualClock(Date.now());
      const recorded: AuditEvent[] = [];
      const events = createPartnerEvents({
        config: server.app.config,
        store: new MemoryStore(clock),
        clock,
        partners: { find: async () => ({ partner: { event_endpoint: hanging.url } as never, source: {} }) },
        audit: { record: async (e) => void recorded.push(e) },
        logger: silentLogger,
        options: { timeoutMs: 300 },
      });
      await events.onGrantEnded(
        { grantId: 'g-1', customerId: 'c-1', partnerId: 'p-1' },
        { grantId: 'g-1', reason: 'revoked_by_bank', actor: 'test', endedAt: clock.now() },
      );
      const started = performance.now();
      expect(await events.runDueDeliveries()).toMatchObject({ failed: 1 });
      expect(performance.now() - started).toBeLessThan(2000);
      expect(hanging.received).toHaveLength(1);
      expect(decodeJwt(hanging.received[0].body)).toMatchObject({
        aud: 'p-1',
        events: { [GRANT_REVOKED_EVENT]: { grant_id: 'g-1' } },
      });
    } finally {
      await hanging.close();
      await server.close();
    }
  });
});

describe('with Redis: the queue survives a restart and is shared by instances', () => {
  const partnersDir = tempPartnersDir();
  afterAll(() => partnersDir.remove());

  const redisEnv = (clientDir: string) => ({
    REDIS_URL: process.env.TEST_REDIS_URL!,
    REDIS_KEY_PREFIX: `test-set-${randomUUID()}:`,
    PARTNERS_DIR: clientDir,
  });

  test('a delivery that failed before a restart is sent by the server after it, and verifies against its JWKS', async () => {
    const receiver = await startEventReceiver({ answer: (n) => (n === 1 ? 500 : 202) });
    const clientId = `events-${randomUUID().slice(0, 8)}`;
    await writePartnerFile(partnersDir.dir, clientId, { event_endpoint: receiver.url });
    const env = redisEnv(partnersDir.dir);
    const port = await freePort();
    const clock = new ManualClock(Date.now());
    let server = await startServer({ env, port, clock });
    try {
      await server.app.partnerEvents.stop();
      expect(server.app.store.kind).toBe('redis');
      const seeded = await seedLinkage(server.app, { partnerId: clientId, now: clock.now() });
      await server.app.revocation.endGrant(seeded.grantId, { reason: 'revoked_by_customer', actor: 'customer' });
      expect(await server.app.partnerEvents.runDueDeliveries()).toMatchObject({ failed: 1 });
      await server.close();

      server = await startServer({ env, port, clock });
      await server.app.partnerEvents.stop();
      clock.advance(11_000);
      expect(await server.app.partnerEvents.runDueDeliveries()).toMatchObject({ sent: 1 });
      expect(receiver.received).toHaveLength(2);
      const { payload } = await verifySet(server, receiver.received[1].body, clientId);
      expect(payload.jti).toBe(decodeJwt(receiver.received[0].body).jti);
      expect(payload).toMatchObject({
        sub_id: { sub: seeded.sub },
        events: {
          [GRANT_REVOKED_EVENT]: {
            grant_id: seeded.grantId,
            reason: 'revoked_by_customer',
            initiating_entity: 'user',
          },
        },
      });
      expect(await pendingKeys(server)).toEqual([]);
    } finally {
      await server.close();
      await receiver.close();
    }
  });

  test('two instances working the same queue at once send each delivery exactly once', async () => {
    const receiver = await startEventReceiver({ delayMs: 50 });
    const clientId = `events-${randomUUID().slice(0, 8)}`;
    await writePartnerFile(partnersDir.dir, clientId, { event_endpoint: receiver.url });
    const env = redisEnv(partnersDir.dir);
    const clock = new ManualClock(Date.now());
    const [a, b] = [await startServer({ env, clock }), await startServer({ env, clock })];
    try {
      await Promise.all([a.app.partnerEvents.stop(), b.app.partnerEvents.stop()]);
      for (let i = 0; i < 20; i += 1) {
        const seeded = await seedLinkage(a.app, { partnerId: clientId, now: clock.now() });
        await a.app.revocation.endGrant(seeded.grantId, { reason: 'revoked_by_bank', actor: 'test' });
      }
      const [ranA, ranB] = await Promise.all([
        a.app.partnerEvents.runDueDeliveries(),
        b.app.partnerEvents.runDueDeliveries(),
      ]);
      expect(ranA.sent + ranB.sent).toBe(20);
      expect(receiver.received).toHaveLength(20);
      expect(new Set(receiver.received.map((r) => decodeJwt(r.body).jti)).size).toBe(20);
    } finally {
      await a.close();
      await b.close();
      await receiver.close();
    }
  });
});
