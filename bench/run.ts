// npm run bench — speed and memory of the data API's hot path, as ratios against a reference run
// in the same process (so the numbers mean the same on a fast and a slow machine).
//
// reference: a bare koa app answering a fixed JSON body after one store read (the floor any
//            authorized data call must pay);
// subject:   GET /api/v1/accounts with a real DPoP-bound token and a fresh proof per call,
//            through the whole resource adapter (token read, DPoP verification, replay record,
//            partner cache, scope, accounts) and the demo core system.
// Targets (see TARGETS): the subject keeps at least a given share of the reference's throughput,
// and a linkage costs at most a given number of bytes of heap.
import { once } from 'node:events';
import type { AddressInfo } from 'node:net';
import { createServer } from 'node:http';
import Koa from 'koa';
import * as oauth from 'oauth4webapi';
import { buildApp } from '../src/app.ts';
import { loadConfig } from '../src/config/load-config.ts';
import { createPartnerClient } from '../src/demo-partner/partner-client.ts';
import { MemoryStore } from '../src/store/memory-store.ts';
import { createServiceCalendar } from '../src/calendar/index.ts';
import { createDemoCoreBanking } from '../src/core-banking/demo/index.ts';
import { systemClock } from '../src/shared/clock.ts';
import { silentLogger } from '../src/shared/logger.ts';
import { totp } from '../src/shared/totp.ts';

const TARGETS = {
  /** One calendar status answer, in units of the reference operation (a 1 KB JSON round trip). */
  maxCalendarStatusCost: 60,
  /** A three-year transaction query on a fresh demo core system, first call included, same unit. */
  maxThreeYearQueryCost: 20_000,
  /** Data calls per second, as a share of the reference's requests per second. */
  minThroughputRatio: 0.1,
  /** Heap bytes per stored linkage (grant, tokens, records, indexes) in the embedded store. */
  maxHeapBytesPerLinkage: 16 * 1024,
};
const CALLS = Number(process.env.BENCH_CALLS ?? 2000);
const CONCURRENCY = 8;

const freePort = async () => {
  const s = createServer().listen(0, '127.0.0.1');
  await once(s, 'listening');
  const { port } = s.address() as AddressInfo;
  await new Promise((r) => s.close(r));
  return port;
};

const timeRun = async (calls: number, one: (i: number) => Promise<void>) => {
  let next = 0;
  const started = process.hrtime.bigint();
  await Promise.all(
    Array.from({ length: CONCURRENCY }, async () => {
      while (next < calls) await one(next++);
    }),
  );
  return Number(process.hrtime.bigint() - started) / 1e9;
};

// The unit for in-process work: a JSON round trip of a 1 KB object.
const sample = Object.fromEntries(Array.from({ length: 40 }, (_, i) => [`field${i}`, `value-${i}-${'x'.repeat(8)}`]));
const perOp = (n: number, fn: (i: number) => void) => {
  for (let i = 0; i < Math.min(n, 1000); i += 1) fn(i);
  const t = process.hrtime.bigint();
  for (let i = 0; i < n; i += 1) fn(i);
  return Number(process.hrtime.bigint() - t) / n;
};
const unitNs = perOp(20_000, () => JSON.parse(JSON.stringify(sample)));
const calendarConfig = loadConfig({ NODE_ENV: 'test' }).calendar;
const calendar = createServiceCalendar(calendarConfig, { clock: systemClock });
const jun2026 = Date.parse('2026-06-01T00:00:00+09:00');
const calendarNs = perOp(8000, (i) =>
  calendar.status(i % 2 ? 'authorization' : 'data_api', jun2026 + i * 131 * 60_000),
);
const demoCore = createDemoCoreBanking({
  data: loadConfig({ NODE_ENV: 'test' }).demo!.coreBanking,
  store: new MemoryStore(systemClock),
  clock: { now: () => Date.parse('2026-12-31T12:00:00+09:00') },
});
const accounts = await demoCore.accounts(
  (await demoCore.verifyPin({ branchCode: '001', accountType: 'ordinary', accountNumber: '1012345' }, '2580'))!
    .customerId,
);
const t0 = process.hrtime.bigint();
await demoCore.transactions(accounts.find((a) => a.accountType === 'ordinary')!.accountId, '2024-01-01', '2026-12-31');
const threeYearNs = Number(process.hrtime.bigint() - t0);

// Reference: one store read, a fixed body.
const referenceStore = new MemoryStore(systemClock);
await referenceStore.set('k', JSON.stringify({ ok: true }));
const reference = new Koa();
reference.use(async (ctx) => {
  ctx.body = await referenceStore.get('k');
});
const refServer = reference.listen(0, '127.0.0.1');
await once(refServer, 'listening');
const refUrl = `http://127.0.0.1:${(refServer.address() as AddressInfo).port}/`;
await timeRun(200, async () => void (await (await fetch(refUrl)).text()));
const refSeconds = await timeRun(CALLS, async () => void (await (await fetch(refUrl)).text()));
refServer.close();

// Subject: the real server, a real linkage, real DPoP proofs.
const port = await freePort();
const issuer = `http://127.0.0.1:${port}`;
const config = loadConfig({
  NODE_ENV: 'test',
  ISSUER: issuer,
  PORT: String(port),
  CONFIG_FILE: 'test/fixtures/test-settings.json',
  CALENDAR_FILE: 'config/demo/calendar-always-open.json',
});
const app = await buildApp(config, { logger: silentLogger, sleep: async () => {} });
app.start();
const server = app.koa.listen(port, '127.0.0.1');
await once(server, 'listening');

const jwk = config.demo!.privateKeys['demo-kakeibo'].keys[0];
const partner = await createPartnerClient({
  issuer,
  clientId: 'demo-kakeibo',
  privateJwk: jwk,
  redirectUri: `${issuer}/demo/callback`,
  allowHttp: true,
});
const link = async () => {
  const pending = await partner.startAuthorization({ scope: 'offline_access accounts deposits' });
  const cookies = new Map<string, string>();
  const go = async (url: string, form?: Record<string, string | string[]>): Promise<{ url: string; html: string }> => {
    let current = url;
    let body: string | undefined;
    if (form) {
      const p = new URLSearchParams();
      for (const [k, v] of Object.entries(form)) for (const one of [v].flat()) p.append(k, one);
      body = p.toString();
    }
    for (;;) {
      if (current.startsWith(`${issuer}/demo/callback`)) return { url: current, html: '' };
      const res = await fetch(current, {
        method: body ? 'POST' : 'GET',
        body,
        redirect: 'manual',
        headers: {
          cookie: [...cookies].map(([k, v]) => `${k}=${v}`).join('; '),
          ...(body ? { 'content-type': 'application/x-www-form-urlencoded' } : {}),
        },
      });
      for (const c of res.headers.getSetCookie()) {
        const [pair] = c.split(';');
        const i = pair.indexOf('=');
        cookies.set(pair.slice(0, i), pair.slice(i + 1));
      }
      const location = res.headers.get('location');
      if (!location) return { url: current, html: await res.text() };
      current = new URL(location, current).href;
      body = undefined;
    }
  };
  const field = (html: string, name: string) => html.match(new RegExp(`name="${name}" value="([^"]*)"`))![1];
  const login = await go(pending.authorizationUrl);
  const otpPage = await go(`${login.url}/login`, {
    csrf: field(login.html, 'csrf'),
    branch: '001',
    accountType: 'ordinary',
    accountNumber: '1012345',
    pin: '2580',
  });
  const consent = await go(`${otpPage.url}/otp`, {
    csrf: field(otpPage.html, 'csrf'),
    otp: totp('42HZVUXMALJN4GGHUMPVZCP74KKSPLYO', Date.now()),
  });
  const accounts = [...consent.html.matchAll(/name="accounts" value="([^"]*)"/g)].map((m) => m[1]);
  const callback = await go(`${consent.url}/consent`, {
    csrf: field(consent.html, 'csrf'),
    decision: 'agree',
    accounts,
  });
  return { tokens: await partner.exchangeCode(callback.url, pending), keys: pending.dpopKeys };
};
const linked = await link();
const url = `${issuer}/api/v1/accounts`;
const call = async () => {
  const res = await partner.resource(url, linked.tokens.access_token, linked.keys);
  if (res.status !== 200) throw new Error(`data call answered ${res.status}`);
  await res.arrayBuffer();
};
await timeRun(200, call);
const subjectSeconds = await timeRun(CALLS, call);

// Memory: heap growth per stored linkage, measured on the embedded store.
const before = (globalThis.gc?.(), process.memoryUsage().heapUsed);
const LINKAGES = 500;
for (let i = 0; i < LINKAGES; i += 1) {
  const grant = new app.provider.Grant({ accountId: `bench-${i}`, clientId: 'demo-kakeibo' } as never);
  grant.addResourceScope(`${issuer}/api/v1`, 'accounts deposits');
  const grantId = await grant.save();
  await app.grants.save({
    grantId,
    customerId: `bench-customer-${i}`,
    partnerId: 'demo-kakeibo',
    accountIds: ['a', 'b'],
    scopes: ['accounts', 'deposits'],
    termsVersion: '1.0',
    consentId: `c${i}`,
    identifiedAt: Date.now(),
    createdAt: Date.now(),
    expiresAt: Date.now() + 86400_000,
  });
  const client = await app.provider.Client.find('demo-kakeibo');
  const at = new app.provider.AccessToken({
    accountId: `bench-${i}`,
    client,
    grantId,
    scope: 'accounts deposits',
  } as never);
  await at.save();
}
const after = (globalThis.gc?.(), process.memoryUsage().heapUsed);
const perLinkage = Math.max(0, (after - before) / LINKAGES);

server.close();
await app.close();

const ratio = CALLS / subjectSeconds / (CALLS / refSeconds);
const results = [
  {
    name: 'calendar status answer',
    value: calendarNs / unitNs,
    target: `<= ${TARGETS.maxCalendarStatusCost} units`,
    ok: calendarNs / unitNs <= TARGETS.maxCalendarStatusCost,
    detail:
      `${(calendarNs / 1000).toFixed(2)} µs per answer; unit (1 KB JSON round trip) ` +
      `${(unitNs / 1000).toFixed(2)} µs`,
  },
  {
    name: 'three-year transaction query (demo core, cold)',
    value: threeYearNs / unitNs,
    target: `<= ${TARGETS.maxThreeYearQueryCost} units`,
    ok: threeYearNs / unitNs <= TARGETS.maxThreeYearQueryCost,
    detail: `${(threeYearNs / 1e6).toFixed(1)} ms`,
  },
  {
    name: 'data call throughput vs reference',
    value: ratio,
    target: `>= ${TARGETS.minThroughputRatio}`,
    ok: ratio >= TARGETS.minThroughputRatio,
    detail:
      `${(CALLS / subjectSeconds).toFixed(0)} calls/s vs ${(CALLS / refSeconds).toFixed(0)} req/s reference ` +
      `(${CALLS} each, concurrency ${CONCURRENCY})`,
  },
  {
    name: 'heap bytes per stored linkage (embedded store)',
    value: perLinkage,
    target: `<= ${TARGETS.maxHeapBytesPerLinkage}`,
    ok: perLinkage <= TARGETS.maxHeapBytesPerLinkage,
    detail: `${LINKAGES} linkages, ${(perLinkage / 1024).toFixed(1)} KiB each${
      globalThis.gc ? '' : ' (run with --expose-gc for a steadier number)'
    }`,
  },
];
for (const r of results)
  process.stdout.write(
    `${r.ok ? 'PASS' : 'FAIL'}  ${r.name}: ${typeof r.value === 'number' ? r.value.toFixed(3) : r.value} (target ` +
      `${r.target}) — ${r.detail}\n`,
  );
void oauth;
process.exit(results.every((r) => r.ok) ? 0 : 1);
