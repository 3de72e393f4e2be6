import type { Browser, BrowserContext, Page } from 'playwright-core';
import {
  axeCheck,
  closeBrowser,
  launchBrowser,
  newPhoneContext,
  PHONE_WIDTH,
  scrollWidth,
} from '../support/browser.ts';
import { startServer, type TestServer } from '../support/server.ts';

/**
 * /docs in real headless Chromium with every request off this server refused: the guide, and the
 * rendered references, whose renderer and styles come from our own static route under a CSP that
 * allows nothing else.
 */

let server: TestServer;
let browser: Browser;
let context: BrowserContext;
const offsite: string[] = [];
const problems: string[] = [];

beforeAll(async () => {
  [server, browser] = await Promise.all([startServer(), launchBrowser()]);
  context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
  // No network: anything not addressed to this server is refused and noted.
  await context.route('**/*', (route) => {
    const url = new URL(route.request().url());
    if (url.origin === server.url) return route.continue();
    offsite.push(url.href);
    return route.abort('internetdisconnected');
  });
});
afterAll(async () => {
  await closeBrowser(browser);
  await server?.close();
});

const open = async (path: string, ctx: BrowserContext = context): Promise<Page> => {
  const page = await ctx.newPage();
  page.on('console', (m) => {
    if (m.type() === 'error') problems.push(`${path}: ${m.text()}`);
  });
  page.on('pageerror', (e) => problems.push(`${path}: ${e.message}`));
  const res = await page.goto(`${server.url}${path}`);
  expect(res?.status()).toBe(200);
  return page;
};

test("discovery's service_documentation is the portal", async () => {
  const discovery = (await (await fetch(`${server.url}/.well-known/openid-configuration`)).json()) as {
    service_documentation: string;
  };
  expect(discovery.service_documentation).toBe(`${server.url}/docs`);
  expect((await fetch(discovery.service_documentation)).status).toBe(200);
});

test.each([
  [
    'data-api',
    ['/accounts', '/accounts/balances', '/accounts/transactions', '/accounts/time-deposits', '/service-status'],
  ],
  ['grant-management', ['/grants/{grantId}', '/grants/{grantId}', '/token/revocation']],
])('the %s reference renders every operation, with examples, offline', async (name, paths) => {
  const page = await open(`/docs/reference/${name}?lang=en`);
  await page.locator('.opblock').first().waitFor({ timeout: 30_000 });
  const shown = await page.locator('.opblock .opblock-summary-path').allInnerTexts();
  expect(shown.map((p) => p.replace(/\u200b/g, '').trim())).toEqual(paths);
  await page.locator('.opblock-summary').first().click();
  const example = page.locator('.opblock-body .example, .opblock-body .microlight').first();
  await example.waitFor({ timeout: 10_000 });
  expect((await example.innerText()).length).toBeGreaterThan(20);
  expect(offsite).toEqual([]);
  expect(problems).toEqual([]);
  await page.close();
});

test('the guide: onboarding, the flow, DPoP for curl, the reference client, every error code; in both languages', async () => {
  const ja = await open('/docs?lang=ja');
  expect(await ja.locator('html').getAttribute('lang')).toBe('ja');
  for (const id of ['reference', 'onboarding', 'flow', 'dpop', 'client', 'errors'])
    expect(await ja.locator(`section#${id} h2`).count()).toBe(1);
  expect(await ja.locator('#onboarding').innerText()).toMatch(/jwks_uri[\s\S]*event_endpoint[\s\S]*legal/);
  expect(await ja.locator('#dpop').innerText()).toContain('npm run -s dpop');
  const client = await ja.locator('#client a[href="/docs/partner-client.ts"]').getAttribute('href');
  expect(await (await fetch(`${server.url}${client}`)).text()).toContain('oauth4webapi');
  expect(await ja.locator('#errors tbody tr').count()).toBeGreaterThan(20);
  await axeCheck(ja);
  await ja.close();

  const en = await open('/docs?lang=en');
  expect(await en.locator('html').getAttribute('lang')).toBe('en');
  expect(await en.locator('#onboarding h2').innerText()).toBe('Onboarding: what you send the bank');
  await axeCheck(en);
  await en.close();
  expect(offsite).toEqual([]);
  expect(problems).toEqual([]);
});

test('the guide works on a phone without JavaScript', async () => {
  const phone = await newPhoneContext(browser, { javaScriptEnabled: false });
  try {
    const page = await open('/docs', phone);
    expect(await scrollWidth(page)).toBeLessThanOrEqual(PHONE_WIDTH);
    expect(await page.locator('#errors tbody tr').count()).toBeGreaterThan(20);
  } finally {
    await phone.close();
  }
});
