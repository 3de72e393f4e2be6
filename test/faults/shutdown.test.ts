import { request as httpRequest, Agent } from 'node:http';
import { setTimeout as sleep } from 'node:timers/promises';
import { verifyAuditTrail } from '../../src/audit/index.ts';
import { RedisStore } from '../../src/store/redis-store.ts';
import { demoSigningKeys } from '../audit/support.ts';
import { ManualClock } from '../../src/shared/clock.ts';
import { CustomerAgent } from '../support/customer-agent.ts';
import { partnerFor } from '../support/linkage.ts';
import type { TestServer } from '../support/server.ts';
import { startPrivateRedis, type PrivateRedis } from '../support/private-redis.ts';
import {
  eventually,
  refusesConnections,
  runStoreCheck,
  startServerProcess,
  statusOf,
  type ServerProcess,
} from '../support/server-process.ts';

/**
 * SIGTERM under keep-alive load, the server in a process of its own as a deployment runs it:
 * /readyz says 503 at once, requests are still served for the drain delay, then the server stops
 * accepting, answers what is in flight with `Connection: close`, flushes the audit trail, signs
 * its shutdown checkpoint and exits 0. No accepted request goes unanswered.
 */
const DRAIN_S = 3;
const SHUTDOWN_TIMEOUT_S = 10;
const START_MS = 30_000;
const KEY_PREFIX = 'faults-shutdown:';

let redis: PrivateRedis;
let server: ServerProcess;
beforeAll(async () => {
  redis = await startPrivateRedis();
});
afterAll(async () => {
  if (server && server.child.exitCode === null && server.child.signalCode === null) server.child.kill('SIGKILL');
  await redis.stop();
});

test('SIGTERM under keep-alive load: readyz 503 at once, no accepted request dropped, checkpoint signed, exit 0', async () => {
  server = await startServerProcess({
    env: { REDIS_URL: redis.url, REDIS_KEY_PREFIX: KEY_PREFIX, INSTANCE_NAME: 'shutdown-test' },
    settings: { server: { drainDelaySeconds: DRAIN_S, shutdownTimeoutSeconds: SHUTDOWN_TIMEOUT_S } },
  });
  const { url } = server;
  await eventually(async () => (await statusOf(`${url}/readyz`)) === 200, START_MS, 'the server is ready');

  // Customers at the login page: each wrong PIN post is an audited identity-check failure.
  const partner = await partnerFor({ url, clock: new ManualClock(Date.now()) } as TestServer);
  const loginPages = await Promise.all(
    [0, 1, 2].map(async () => {
      const pending = await partner.startAuthorization({ scope: 'openid accounts' });
      const agent = new CustomerAgent(`${url}/demo/callback`);
      const login = await agent.request(pending.authorizationUrl);
      expect(login.html).toContain('name="pin"');
      return { agent, login };
    }),
  );

  const keepAlive = new Agent({ keepAlive: true, maxSockets: 8 });
  type Outcome = { status: number; connection?: string } | { error: string };
  const outcomes: Outcome[] = [];
  const get = (path: string) =>
    new Promise<Outcome>((resolve) => {
      const req = httpRequest(`${url}${path}`, { agent: keepAlive }, (res) => {
        res.resume();
        res.once('end', () => resolve({ status: res.statusCode!, connection: res.headers.connection }));
      });
      req.once('error', (e: NodeJS.ErrnoException) => resolve({ error: e.code ?? e.message }));
      req.end();
    });

  // The load balancer's traffic: it stops sending once /readyz has said 503 for half the drain delay.
  let sending = true;
  const workers = Array.from({ length: 6 }, (_, i) =>
    (async () => {
      while (sending) {
        outcomes.push(await get(i % 2 === 0 ? '/.well-known/openid-configuration' : '/jwks'));
        const page = loginPages[i % loginPages.length];
        if (i % 3 === 0) {
          const answer = await page.agent
            .login(page.login, { branch: '001', accountType: 'ordinary', accountNumber: '7654321', pin: '0000' })
            .then(
              (p) => ({ status: p.status }),
              (e: Error) => ({ error: e.message }),
            );
          outcomes.push(answer);
        }
      }
    })(),
  );
  await eventually(async () => outcomes.length >= 30, START_MS, 'load before the signal');

  server.child.kill('SIGTERM');
  const signalled = performance.now();
  // "At once": as soon as the process has taken the signal, well inside the drain delay.
  const readyzAfterMs = await eventually(
    async () => (await statusOf(`${url}/readyz`)) === 503,
    (DRAIN_S * 1000) / 2,
    '/readyz answers 503',
  );
  const readyz = await fetch(`${url}/readyz`);
  expect(await readyz.json()).toMatchObject({ status: 'draining' });
  const before = outcomes.length;

  // A request accepted during the drain whose body is still arriving when the server stops accepting
  // (the token endpoint reads the whole body before it answers).
  let inFlightAnswer: Promise<Outcome> | undefined;
  const slow = new Promise<Outcome>((resolve) => {
    const req = httpRequest(
      `${url}/token`,
      { method: 'POST', agent: keepAlive, headers: { 'content-type': 'application/x-www-form-urlencoded' } },
      (res) => {
        res.resume();
        res.once('end', () => resolve({ status: res.statusCode!, connection: res.headers.connection }));
      },
    );
    req.once('error', (e: NodeJS.ErrnoException) => resolve({ error: e.code ?? e.message }));
    req.write('grant_type=refresh_token&client_id=demo-kakeibo');
    inFlightAnswer = (async () => {
      // Until the server no longer accepts connections (the drain is over), then finish the body.
      await eventually(() => refusesConnections(`${url}/healthz`), (DRAIN_S + 5) * 1000, 'accepting stops');
      req.end('&refresh_token=none');
      return slow;
    })();
  });

  await sleep(DRAIN_S * 500);
  const duringDrain = outcomes.slice(before);
  sending = false;
  await Promise.all(workers);
  const inFlight = await inFlightAnswer!;
  const exit = await server.exited;
  const stoppedAfterMs = performance.now() - signalled;

  const dropped = outcomes.filter((o) => 'error' in o);
  console.log(
    JSON.stringify({
      answered: outcomes.length - dropped.length,
      dropped: dropped.length,
      answeredDuringDrain: duringDrain.length,
      statusesDuringDrain: duringDrain.reduce<Record<string, number>>((counts, o) => {
        const key = 'status' in o ? String(o.status) : o.error;
        counts[key] = (counts[key] ?? 0) + 1;
        return counts;
      }, {}),
      readyzAfterMs: Math.round(readyzAfterMs),
      inFlight,
      stoppedAfterMs: Math.round(stoppedAfterMs),
    }),
  );
  expect(dropped).toEqual([]);
  expect(duringDrain.length).toBeGreaterThan(0);
  // Served as usual during the drain (on a loaded machine an answer may be a 503 of its deadline).
  expect(duringDrain.filter((o) => 'status' in o && o.status === 200).length).toBeGreaterThan(0);
  expect(duringDrain.every((o) => 'status' in o)).toBe(true);
  expect(inFlight).toMatchObject({ connection: 'close' });
  // Answered: refused (a made-up refresh token), or 503 when its slow body used up the request deadline.
  expect('status' in inFlight && [400, 401, 503].includes(inFlight.status)).toBe(true);
  expect(exit).toEqual({ code: 0, signal: null });
  expect(server.logs().find((l) => l.msg === 'stopped')).toMatchObject({ signal: 'SIGTERM', cutOff: 0 });

  // The shutdown checkpoint: the instance's chain is signed to its last event.
  const store = new RedisStore({ url: redis.url, keyPrefix: KEY_PREFIX });
  try {
    const report = await verifyAuditTrail({
      store,
      signingKeys: demoSigningKeys(),
      retentionDays: 400,
      now: Date.now(),
    });
    expect(report.problems).toEqual([]);
    const chains = report.chains.filter((c) => c.instance === 'shutdown-test');
    expect(chains.length).toBeGreaterThan(0);
    for (const chain of chains) expect(chain.checkpointedSeq).toBe(chain.lastSeq);
    expect(chains.some((c) => c.events > 0)).toBe(true);
  } finally {
    await store.close();
  }
  const check = await runStoreCheck({ REDIS_URL: redis.url, REDIS_KEY_PREFIX: KEY_PREFIX });
  console.log(check.stdout);
  expect(check.stdout).toContain('store:check: no inconsistency found');
  expect(check.code).toBe(0);
}, 120_000);
