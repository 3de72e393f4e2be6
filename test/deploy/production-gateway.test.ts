import { writeFileSync } from 'node:fs';
import { createServer as createHttpsServer, type Server as HttpsServer } from 'node:https';
import { request as httpRequest, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { getCACertificates, setDefaultCACertificates } from 'node:tls';
import { buildApp, type App } from '../../src/app.ts';
import { loadConfig } from '../../src/config/load-config.ts';
import { createDemoCoreBanking, loadDemoCoreBankingData } from '../../src/core-banking/demo/index.ts';
import { loadGatewayContract } from '../../src/core-banking/http/contract.ts';
import type { HttpCoreBanking } from '../../src/core-banking/http/http-core-banking.ts';
import { createPartnerClient, type PartnerClient } from '../../src/demo-partner/partner-client.ts';
import { createReferenceGateway, type ReferenceGateway } from '../../src/core-banking/reference-gateway/gateway.ts';
import { translator } from '../../src/i18n/index.ts';
import { ManualClock } from '../../src/shared/clock.ts';
import { createLogger } from '../../src/shared/logger.ts';
import { totp } from '../../src/shared/totp.ts';
import { closeBrowser, fillIdentityCheck, launchBrowser, newPhoneContext } from '../support/browser.ts';
import { customers, ROOT } from '../support/demo.ts';
import { productionSetup, type ProductionSetup } from '../support/production-env.ts';
import { freshRecordDatabase, type RecordDatabase } from '../support/records.ts';
import { freePort } from '../support/server.ts';
import { writePartnerFile, type TempPartner } from '../support/temp-partners.ts';

/**
 * The production shape end to end, as the README starts it: the reference gateway over mutual TLS,
 * the server with NODE_ENV=production and no demo piece (Redis, PostgreSQL, generated keys, a
 * partner of its own, the shipped calendar... except that this test's calendar is open at any hour),
 * an https issuer with TLS in front (a small proxy here, nginx in docker-compose). A customer links
 * in Chromium, the partner calls the data API; then the gateway is slowed, fails and stops.
 */

const t = translator('ja');
const who = customers.allTypes;
let setup: ProductionSetup;
let database: RecordDatabase;
let partnerFile: TempPartner;
let gateway: ReferenceGateway;
let gatewayPort: number;
let app: App;
let appServer: Server;
let proxy: HttpsServer;
let issuer: string;
let browser: Browser;
let partner: PartnerClient;
let previousCAs: string[];
const clock = new ManualClock(Date.now());

const startGateway = async (port = 0) => {
  gateway = createReferenceGateway({
    core: createDemoCoreBanking({
      data: loadDemoCoreBankingData(join(ROOT, 'config/demo/core-banking.json')),
      store: new (await import('../../src/store/memory-store.ts')).MemoryStore(clock),
      clock,
    }),
    contract: loadGatewayContract(ROOT),
    tls: { ...setup.tls.gateway, ca: setup.tls.ca },
  });
  await new Promise<void>((resolve) => gateway.server.listen(port, '127.0.0.1', resolve));
  return (gateway.server.address() as AddressInfo).port;
};
const stopGateway = async () => {
  gateway.server.closeAllConnections();
  await new Promise((resolve) => gateway.server.close(resolve));
};

beforeAll(async () => {
  setup = productionSetup();
  database = await freshRecordDatabase();
  gatewayPort = await startGateway();
  const proxyPort = await freePort();
  issuer = `https://localhost:${proxyPort}`;
  partnerFile = await writePartnerFile(setup.partnersDir, 'real-partner');
  const overlay = join(setup.dir, 'settings.json');
  // Short timeouts and breaker reset, so that the failure tests below run quickly; the answer deadline is the same.
  writeFileSync(
    overlay,
    JSON.stringify({
      identityCheck: { failureDelaysMs: [0], responseFloorMs: 0 },
      // Production has no outbox: notices go to the bank's messaging system (unreachable here; they are queued).
      notices: { channel: 'webhook', webhook: { url: 'https://127.0.0.1:9/notices' } },
      coreBanking: {
        http: {
          readTimeoutMs: 400,
          readDeadlineMs: 800,
          checkTimeoutMs: 800,
          breaker: { volumeThreshold: 3, resetTimeoutMs: 300 },
        },
      },
    }),
  );
  const calendar = join(setup.dir, 'calendar.json');
  // The bank's calendar with every hour open, but not the trial calendar file (production refuses that one).
  writeFileSync(
    calendar,
    JSON.stringify({
      hours: Object.fromEntries(
        ['authorization', 'data_api', 'my_page'].map((surface) => [
          surface,
          {
            weekdays: [{ from: '00:00', to: '24:00' }],
            saturdays: [{ from: '00:00', to: '24:00' }],
            sundaysAndHolidays: [{ from: '00:00', to: '23:59' }],
          },
        ]),
      ),
    }),
  );
  const config = loadConfig(
    {
      ...setup.env(`https://localhost:${gatewayPort}/v1`),
      CALENDAR_FILE: calendar,
      CONFIG_FILE: overlay,
      ISSUER: issuer,
      TRUST_PROXY: 'true',
      REDIS_URL: process.env.TEST_REDIS_URL!,
      REDIS_KEY_PREFIX: `production-test-${process.pid}:`,
      DATABASE_URL: database.url,
      DATABASE_OWNER_URL: database.ownerUrl,
      METRICS_TOKEN: 'metrics-token-0123456789',
    },
    ROOT,
  );
  expect(config.demo).toBeUndefined();
  app = await buildApp(config, { clock, logger: createLogger({ level: 'error', write: () => {} }) });
  app.start();
  appServer = app.koa.listen(0, '127.0.0.1');
  await new Promise<void>((resolve) => appServer.once('listening', () => resolve()));
  const appPort = (appServer.address() as AddressInfo).port;
  // TLS in front: terminates https and forwards with the headers a TLS terminator sets.
  proxy = createHttpsServer(setup.tls.gateway, (req, res) => {
    const upstream = httpRequest(
      {
        host: '127.0.0.1',
        port: appPort,
        method: req.method,
        path: req.url,
        headers: { ...req.headers, 'x-forwarded-proto': 'https', 'x-forwarded-host': req.headers.host },
      },
      (answer) => {
        res.writeHead(answer.statusCode ?? 502, answer.headers);
        answer.pipe(res);
      },
    );
    upstream.on('error', () => res.destroy());
    req.pipe(upstream);
  });
  await new Promise<void>((resolve) => proxy.listen(proxyPort, '127.0.0.1', resolve));
  // oauth4webapi (Node's fetch) trusts the test CA that issued the proxy's certificate.
  previousCAs = getCACertificates('default');
  setDefaultCACertificates([...previousCAs, setup.tls.ca]);
  partner = await createPartnerClient({
    issuer,
    clientId: partnerFile.clientId,
    privateJwk: partnerFile.privateJwk,
    redirectUri: partnerFile.redirectUri,
    resourceClock: clock,
  });
  browser = await launchBrowser();
}, 60_000);

afterAll(async () => {
  await closeBrowser(browser);
  if (previousCAs) setDefaultCACertificates(previousCAs);
  proxy?.closeAllConnections();
  await new Promise((resolve) => proxy?.close(resolve));
  appServer?.closeAllConnections();
  await new Promise((resolve) => appServer?.close(resolve));
  await app?.close();
  await stopGateway();
  await database?.drop();
  setup.remove();
});

const phone = async (): Promise<Page> => {
  const context = await newPhoneContext(browser, { ignoreHTTPSErrors: true });
  context.setDefaultTimeout(15_000);
  return context.newPage();
};

/** Chromium from the partner's authorization URL to its redirect back, which the test catches. */
const linkInBrowser = async () => {
  clock.advance(31_000);
  const pending = await partner.startAuthorization({
    scope: 'openid offline_access accounts deposits time_deposits',
  });
  const page = await phone();
  let callback: string | undefined;
  await page.route(`${partnerFile.redirectUri}**`, async (route) => {
    callback = route.request().url();
    await route.fulfill({ status: 200, contentType: 'text/html', body: '<!doctype html><title>ok</title>' });
  });
  await page.goto(pending.authorizationUrl);
  expect(await page.locator('h1').innerText()).toBe(t('login.title'));
  await fillIdentityCheck(page, t, who);
  expect(await page.locator('h1').innerText()).toBe(t('otp.title'));
  await page.getByLabel(t('otp.otp')).fill(totp(who.totpSecret, clock.now()));
  await page.getByRole('button', { name: t('otp.submit') }).click();
  await page.waitForLoadState();
  expect(await page.locator('h1').innerText()).toBe(t('consent.title'));
  await page.getByLabel(/1012345/).check();
  await page.getByRole('button', { name: t('consent.agree'), exact: true }).click();
  await page.waitForURL(`${partnerFile.redirectUri}**`);
  await page.context().close();
  expect(callback).toBeDefined();
  return { tokens: await partner.exchangeCode(callback!, pending), pending };
};

const breaker = () => (app.coreBanking as HttpCoreBanking).breakerState();
const untilBreaker = async (state: 'closed' | 'half_open' | 'open') => {
  while (breaker() !== state) await new Promise((resolve) => setTimeout(resolve, 25));
};

let linked: Awaited<ReturnType<typeof linkInBrowser>>;
const dataCall = async (path = '/api/v1/accounts') => {
  const started = Date.now();
  const response = await partner.resource(`${issuer}${path}`, linked.tokens.access_token, linked.pending.dpopKeys);
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  return { response, body: (await response.json()) as any, ms: Date.now() - started };
};

describe('production mode against the reference gateway', () => {
  it('serves discovery on the https issuer, with no demo route', async () => {
    const discovery = (await (await fetch(`${issuer}/.well-known/openid-configuration`)).json()) as { issuer: string };
    expect(discovery.issuer).toBe(issuer);
    expect((await fetch(`${issuer}/demo`)).status).toBe(404);
    expect((await fetch(`${issuer}/demo/outbox`)).status).toBe(404);
  });

  it('a customer links in Chromium and the partner reads the data, all from the gateway', async () => {
    linked = await linkInBrowser();
    expect(linked.tokens.access_token).toEqual(expect.any(String));
    const accounts = await dataCall();
    expect(accounts.response.status).toBe(200);
    expect(accounts.body.accounts.map((a: { accountNumber?: string }) => a.accountNumber)).toEqual(['1012345']);
    const [account] = accounts.body.accounts as { accountId: string }[];
    const balances = await dataCall(`/api/v1/accounts/balances?accountId=${account.accountId}`);
    expect(balances.response.status).toBe(200);
    expect(balances.body.balances[0].accountId).toBe(account.accountId);
    const today = new Date(clock.now() + 9 * 3600_000).toISOString().slice(0, 10);
    const transactions = await dataCall(
      `/api/v1/accounts/transactions?accountId=${account.accountId}&dateFrom=${today.slice(0, 8)}01&dateTo=${today}`,
    );
    expect(transactions.response.status).toBe(200);
    expect(Array.isArray(transactions.body.transactions)).toBe(true);
    expect(breaker()).toBe('closed');
  }, 60_000);

  it('a gateway slowed beyond its timeout: the data API answers 503 within the 2 s deadline', async () => {
    gateway.faults.delayMs = 3000;
    try {
      const { response, body, ms } = await dataCall();
      expect(response.status).toBe(503);
      expect(body.errorCode).toBe('service_unavailable');
      expect(ms).toBeLessThan(2000);
    } finally {
      gateway.faults.delayMs = 0;
    }
  });

  it('a gateway answering 5xx: 503, the breaker opens (fails fast) and closes again when it recovers', async () => {
    gateway.faults.failStatus = 500;
    try {
      for (let i = 0; i < 5 && breaker() !== 'open'; i += 1) expect((await dataCall()).response.status).toBe(503);
      expect(breaker()).toBe('open');
      expect((await dataCall()).response.status).toBe(503);
    } finally {
      gateway.faults.failStatus = undefined;
    }
    await untilBreaker('half_open');
    expect((await dataCall()).response.status).toBe(200);
    expect(breaker()).toBe('closed');
  });

  it('a stopped gateway: the flow shows the unavailable page, nothing is counted or written; it recovers', async () => {
    await stopGateway();
    const grantsBefore = await app.grants.idsOfCustomer('0000100001');
    try {
      expect((await dataCall()).response.status).toBe(503);
      clock.advance(31_000);
      const pending = await partner.startAuthorization({ scope: 'openid accounts' });
      const page = await phone();
      await page.goto(pending.authorizationUrl);
      const answer = page.waitForResponse((r) => r.request().method() === 'POST');
      await fillIdentityCheck(page, t, who);
      expect((await answer).status()).toBe(503);
      expect(await page.content()).toContain('ただいま一時的にご利用いただけません');
      await page.context().close();
      const { pin: _pin, ...ref } = {
        branchCode: who.branch,
        accountType: 'ordinary' as const,
        accountNumber: who.accountNumber,
        pin: who.pin,
      };
      expect(await app.coreBanking.loginFailures(ref)).toEqual({ consecutiveFailures: 0, locked: false });
      expect(await app.grants.idsOfCustomer('0000100001')).toEqual(grantsBefore);
    } finally {
      gatewayPort = await startGateway(gatewayPort);
    }
    // Open after those failures or not (connection refusals are fast and few), it lets a call through again.
    while (breaker() === 'open') await new Promise((resolve) => setTimeout(resolve, 25));
    expect((await dataCall()).response.status).toBe(200);
    expect(breaker()).toBe('closed');
  }, 60_000);

  it('exposes the gateway metrics per operation on /metrics (with the token)', async () => {
    const metrics = await (
      await fetch(`${issuer}/metrics`, { headers: { authorization: 'Bearer metrics-token-0123456789' } })
    ).text();
    expect(metrics).toMatch(
      /renkei_core_banking_request_duration_seconds_count\{operation="getAccount",outcome="ok"\} \d+/,
    );
    expect(metrics).toMatch(/renkei_core_banking_errors_total\{operation="[a-zA-Z]+",kind="breaker_open"\} \d+/);
    expect(metrics).toMatch(/renkei_core_banking_breaker_state 0/);
  });
});
