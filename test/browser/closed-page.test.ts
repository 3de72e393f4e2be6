import type { Browser, BrowserContext, Page } from 'playwright-core';
import { translator, type Locale } from '../../src/i18n/index.ts';
import { ManualClock } from '../../src/shared/clock.ts';
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
 * Outside service hours in real headless Chromium at phone size: the shipped demo calendar, the
 * server's clock at Tuesday 2026-12-01 06:59 JST (API連携認証 opens at 07:00). The customer starts
 * at the demo partner, sees the closed page with the reopening time, and the button takes them
 * back to the partner, which receives temporarily_unavailable.
 */
const PARTNER = { clientId: 'demo-kakeibo', name: { ja: 'デモかけいぼ', en: 'Demo Kakeibo' } };
const OPENS = { ja: '2026年12月1日（火） 07:00', en: 'Tue 1 Dec 2026, 07:00' };

let server: TestServer;
let browser: Browser;
const contexts: BrowserContext[] = [];

beforeAll(async () => {
  [server, browser] = await Promise.all([
    startServer({
      env: { CALENDAR_FILE: 'config/calendar.json' },
      clock: new ManualClock(Date.parse('2026-12-01T06:59:00+09:00')),
    }),
    launchBrowser(),
  ]);
});
afterEach(async () => {
  await Promise.all(contexts.splice(0).map((c) => c.close()));
});
afterAll(async () => {
  await closeBrowser(browser);
  await server?.close();
});

const openPhone = async (): Promise<Page> => {
  const context = await newPhoneContext(browser);
  contexts.push(context);
  context.setDefaultTimeout(10_000);
  return context.newPage();
};

const startAtDemo = async (page: Page, locale: Locale) => {
  await page.goto(`${server.url}/demo`);
  await page.getByLabel('連携アプリ / Partner').selectOption(PARTNER.clientId);
  await page.getByLabel('画面の言語 / Language').selectOption(locale);
  await page.getByRole('button', { name: '銀行口座と連携する / Link a bank account' }).click();
  await page.waitForURL(/\/interaction\/[^/]+$/);
};

describe.each(['ja', 'en'] as const)('the closed page in Chromium (%s)', (locale) => {
  const t = translator(locale);

  test('says it is closed and when it opens, passes axe, and returns the customer to the partner with temporarily_unavailable', async () => {
    const page = await openPhone();
    await startAtDemo(page, locale);
    expect(await page.locator('html').getAttribute('lang')).toBe(locale);
    expect(await page.locator('h1').innerText()).toBe(t('closed.title'));
    const alert = await page.getByRole('alert').innerText();
    expect(alert).toContain(t('closed.calendar.outside_hours'));
    expect(alert).toContain(t('closed.opens_at', { time: OPENS[locale] }));
    expect(await page.locator('input[name="pin"]').count()).toBe(0);
    await axeCheck(page);
    expect(await scrollWidth(page)).toBeLessThanOrEqual(PHONE_WIDTH);

    await page.getByRole('button', { name: t('closed.back', { partner: PARTNER.name[locale] }) }).click();
    await page.waitForURL(`${server.url}/demo/result`);
    expect(await page.locator('#demo-error').innerText()).toBe('temporarily_unavailable');
  });

  test('the service-hours page it links to lists the schedule and passes axe', async () => {
    const page = await openPhone();
    await page.goto(`${server.url}/service-hours?lang=${locale}`);
    expect(await page.locator('h1').innerText()).toBe(t('hours.title'));
    expect(await page.locator('tbody tr').count()).toBe(30);
    // Short on a phone: the day-by-day table is folded away until asked for (a few screens, not 8,000 px).
    expect(Number(await page.evaluate('document.scrollingElement.scrollHeight'))).toBeLessThan(2500);
    await page.locator('summary').click();
    expect(await page.locator('tbody tr').first().isVisible()).toBe(true);
    await axeCheck(page);
    expect(await scrollWidth(page)).toBeLessThanOrEqual(PHONE_WIDTH);
  });
});
