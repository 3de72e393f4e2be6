import { join } from 'node:path';
import type { BrowserContextOptions, Page } from 'playwright-core';
import { translator, type Locale, type Translate } from '../../src/i18n/index.ts';
import { totp } from '../../src/shared/totp.ts';
import { browserSuite, checkPhonePage, fillIdentityCheck, newPhoneContext } from '../support/browser.ts';
import { customers, type DemoCustomer } from '../support/demo.ts';
import { startServer, type TestServer } from '../support/server.ts';

/**
 * API連携認証 in real headless Chromium at phone size, as a customer meets it: from the demo
 * partner app through the identity check, the one-time code and consent, back to the partner.
 * Every page is scanned with axe-core (no serious or critical WCAG 2.1 AA violation), checked for
 * labelled inputs and for sideways scrolling.
 * Set SCREENSHOT_DIR to keep a picture of each consent page for a look at the layout.
 */

const PARTNER = { clientId: 'demo-kakeibo', name: { ja: 'デモかけいぼ', en: 'Demo Kakeibo' } };
const SCREENSHOT_DIR = process.env.SCREENSHOT_DIR;

let server: TestServer;
const suite = browserSuite({ startServer: async () => (server = await startServer()) });

/** A new phone with its own cookies; page errors (a CSP refusal among them) are collected. */
const openPhone = async (options: BrowserContextOptions = {}) => {
  const context = await suite.contextFor((browser) => newPhoneContext(browser, options));
  const page = await context.newPage();
  const consoleErrors: string[] = [];
  page.on('console', (message) => {
    // Chromium asks every site for /favicon.ico; that 404 is no fault of a page.
    if (message.type() === 'error' && !message.location().url.endsWith('/favicon.ico'))
      consoleErrors.push(`${message.text()} (${message.location().url})`);
  });
  return { page, consoleErrors };
};

const checkPage = checkPhonePage;

const heading = (page: Page) => page.locator('h1').innerText();
const htmlLang = (page: Page) => page.locator('html').getAttribute('lang');

/** The demo partner's page: choose the partner and the language, then start the linkage. */
const startAtDemo = async (page: Page, locale: Locale, options: { axe?: boolean } = {}) => {
  // A fresh time step, so that no two flows in this file ever use the same one-time code.
  server.clock.advance(31_000);
  await page.goto(`${server.url}/demo`);
  await checkPage(page, options);
  await page.getByLabel('連携アプリ / Partner').selectOption(PARTNER.clientId);
  await page.getByLabel('画面の言語 / Language').selectOption(locale);
  await page.getByRole('button', { name: '銀行口座と連携する / Link a bank account' }).click();
  await page.waitForURL(/\/interaction\/[^/]+$/);
};

const fillOtp = async (page: Page, t: Translate, who: DemoCustomer) => {
  // The server checks the code against the test's ManualClock.
  await page.getByLabel(t('otp.otp')).fill(totp(who.totpSecret, server.clock.now()));
  await page.getByRole('button', { name: t('otp.submit') }).click();
  await page.waitForLoadState();
};

/** The whole linkage for customer A, checking each page on the way; ends on /demo/result. */
const runLinkage = async (page: Page, locale: Locale, options: { axe?: boolean; screenshot?: string } = {}) => {
  const t = translator(locale);
  await startAtDemo(page, locale, options);

  expect(await htmlLang(page)).toBe(locale);
  expect(await heading(page)).toBe(t('login.title'));
  await checkPage(page, options);
  await fillIdentityCheck(page, t, customers.allTypes);

  expect(await heading(page)).toBe(t('otp.title'));
  await checkPage(page, options);
  await fillOtp(page, t, customers.allTypes);

  expect(await heading(page)).toBe(t('consent.title'));
  expect(await page.locator('.partner-name').innerText()).toBe(PARTNER.name[locale]);
  await checkPage(page, options);
  if (options.screenshot) await page.screenshot({ path: options.screenshot, fullPage: true });
  await page.getByLabel(/1012345/).check();
  await page.getByLabel(/5012345/).check();
  await page.getByRole('button', { name: t('consent.agree'), exact: true }).click();
  await page.waitForURL(`${server.url}/demo/result`);

  const tokenResponse = await page.locator('#token-response').innerText();
  expect(tokenResponse).toContain('"access_token"');
  const tokens = JSON.parse(tokenResponse);
  // The server answers "DPoP"; oauth4webapi hands the partner the type lower-cased.
  expect(tokens.token_type).toMatch(/^dpop$/i);
  expect(tokens.refresh_token).toEqual(expect.any(String));
  await checkPage(page, options);
  return tokens as { access_token: string; token_type: string; scope: string };
};

describe.each(['ja', 'en'] as const)('API連携認証 in Chromium at phone size (%s)', (locale) => {
  const t = translator(locale);

  test('the whole linkage, from the demo partner to its token response, every page passing axe', async () => {
    const { page, consoleErrors } = await openPhone();
    const screenshot = SCREENSHOT_DIR ? join(SCREENSHOT_DIR, `consent-${locale}.png`) : undefined;
    const tokens = await runLinkage(page, locale, { screenshot });
    expect(tokens.scope.split(' ')).toEqual(expect.arrayContaining(['accounts', 'deposits', 'time_deposits']));
    expect(consoleErrors).toEqual([]);
  });

  test('a wrong PIN shows the identity-check error on the login page, which passes axe', async () => {
    const { page } = await openPhone();
    await startAtDemo(page, locale);
    await fillIdentityCheck(page, t, { ...customers.lockable, pin: '0000' });
    expect(await heading(page)).toBe(t('login.title'));
    expect(await page.getByRole('alert').innerText()).toBe(t('login.error'));
    await checkPage(page);
  });

  test('the error page (an unknown interaction, and a request oidc-provider refuses) passes axe', async () => {
    const { page } = await openPhone();
    const unknown = await page.goto(`${server.url}/interaction/no-such-interaction?lang=${locale}`);
    expect(unknown?.status()).toBe(400);
    expect(await htmlLang(page)).toBe(locale);
    expect(await heading(page)).toBe(t('error.title'));
    expect(await page.locator('.error-message').innerText()).toBe(t('error.session'));
    await checkPage(page);

    const refused = await page.goto(`${server.url}/auth?client_id=no-such-partner&lang=${locale}`);
    expect(refused?.status()).toBeGreaterThanOrEqual(400);
    expect(await heading(page)).toBe(t('error.title'));
    await checkPage(page);
  });

  test('a customer without a cash card gets the ineligible page (passing axe), and the partner gets access_denied', async () => {
    const { page } = await openPhone();
    await startAtDemo(page, locale);
    await fillIdentityCheck(page, t, customers.noCashCard);
    await fillOtp(page, t, customers.noCashCard);
    expect(await heading(page)).toBe(t('ineligible.title'));
    expect(await page.getByRole('alert').innerText()).toBe(t('ineligible.no_eligible_account'));
    await checkPage(page);

    await page.getByRole('button', { name: t('ineligible.back', { partner: PARTNER.name[locale] }) }).click();
    await page.waitForURL(`${server.url}/demo/result`);
    expect(await page.locator('#demo-error').innerText()).toBe('access_denied');
    expect(await page.locator('#token-response').count()).toBe(0);
  });

  test('the public terms page passes axe', async () => {
    const { page } = await openPhone();
    const response = await page.goto(`${server.url}/terms?lang=${locale}`);
    expect(response?.status()).toBe(200);
    expect(await htmlLang(page)).toBe(locale);
    expect(await heading(page)).toBe(t('terms.title'));
    await checkPage(page);
  });
});

describe('API連携認証 in Chromium: language and JavaScript', () => {
  test('the language switch link shows the same step in English, and back in Japanese', async () => {
    const { page } = await openPhone();
    await startAtDemo(page, 'ja');
    const loginUrl = page.url();
    expect(await heading(page)).toBe(translator('ja')('login.title'));

    await page.getByRole('link', { name: 'English' }).click();
    await page.waitForLoadState();
    expect(new URL(page.url()).pathname).toBe(new URL(loginUrl).pathname);
    expect(await htmlLang(page)).toBe('en');
    expect(await heading(page)).toBe('Confirm your identity');
    await checkPage(page);

    await page.getByRole('link', { name: '日本語' }).click();
    await page.waitForLoadState();
    expect(await htmlLang(page)).toBe('ja');
    expect(await heading(page)).toBe('ご本人さまの確認');
  });

  test('the whole linkage works with JavaScript switched off', async () => {
    const { page } = await openPhone({ javaScriptEnabled: false });
    await page.setContent('<p id="probe">off</p><script>document.getElementById("probe").textContent = "on"</script>');
    expect(await page.locator('#probe').innerText()).toBe('off');
    // axe itself needs JavaScript; the pages were scanned in the runs above.
    const tokens = await runLinkage(page, 'ja', { axe: false });
    expect(tokens.access_token).toEqual(expect.any(String));
  });
});
