import type { Page } from 'playwright-core';
import type { AccountType } from '../../src/core-banking/port.ts';
import { translator, type Locale } from '../../src/i18n/index.ts';
import { totp } from '../../src/shared/totp.ts';
import { browserSuite, checkPhonePage, fillIdentityCheck, newPhoneContext } from '../support/browser.ts';
import { customers, type DemoCustomer } from '../support/demo.ts';
import { startServer, type TestServer } from '../support/server.ts';

/**
 * The identity check's answers as a customer meets them, in headless Chromium at phone size: the
 * locked notice (the same for the right and a wrong PIN once locked), the wrong-code retry on the
 * code step with the flow's time limit, and the 混雑 page. Every page is scanned with axe-core
 * (which needs JavaScript); one flow runs with JavaScript switched off (no page needs it).
 */

let server: TestServer;
const suite = browserSuite({ startServer: async () => (server = await startServer()) });

const refOf = (who: DemoCustomer) => ({
  branchCode: who.branch,
  accountType: who.accountType as AccountType,
  accountNumber: who.accountNumber,
});

afterEach(async () => {
  for (const who of Object.values(customers)) await server.app.coreBanking.unlock(refOf(who));
});

const openPhone = async (options: { javaScript?: boolean } = {}) => {
  const javaScriptEnabled = options.javaScript ?? true;
  const context = await suite.contextFor((browser) => newPhoneContext(browser, { javaScriptEnabled }));
  return context.newPage();
};

/** From the demo partner's page to the first step of API連携認証, in the given language. */
const startLinkage = async (page: Page, locale: Locale) => {
  server.clock.advance(31_000); // a fresh time step: no two flows here share a one-time code
  await page.goto(`${server.url}/demo`);
  await page.getByLabel('連携アプリ / Partner').selectOption('demo-kakeibo');
  await page.getByLabel('画面の言語 / Language').selectOption(locale);
  await page.getByRole('button', { name: '銀行口座と連携する / Link a bank account' }).click();
  await page.waitForURL(/\/interaction\/[^/]+$/);
};

const submitOtp = async (page: Page, locale: Locale, code: string) => {
  const t = translator(locale);
  await page.getByLabel(t('otp.otp')).fill(code);
  await page.getByRole('button', { name: t('otp.submit') }).click();
  await page.waitForLoadState();
};

const wrongCode = (who: DemoCustomer) => {
  const now = server.clock.now();
  const valid = new Set([-30_000, 0, 30_000].map((d) => totp(who.totpSecret, now + d)));
  return ['000000', '111111', '222222', '333333'].find((c) => !valid.has(c))!;
};

const mainText = (page: Page) => page.locator('main').innerText();
/** The page without its clock time: two flows begun seconds apart may end in different minutes. */
const withoutClockTime = (text: string) => text.replace(/\b\d{1,2}:\d{2}\b/g, 'hh:mm');

describe.each(['ja', 'en'] as const)('the identity check in Chromium at phone size (%s)', (locale) => {
  const t = translator(locale);

  test('a locked account gets the locked notice, the same for the right PIN and a wrong one, passing axe', async () => {
    const who = customers.lockable;
    for (let i = 0; i < 5; i += 1) await server.app.coreBanking.recordLoginFailure(refOf(who), 5);

    const page = await openPhone();
    await startLinkage(page, locale);
    await fillIdentityCheck(page, t, who);
    expect(await page.locator('h1').innerText()).toBe(t('login.title'));
    expect(await page.getByRole('alert').innerText()).toBe(t('login.locked'));
    await checkPhonePage(page);
    const right = await mainText(page);

    const other = await openPhone();
    await startLinkage(other, locale);
    await fillIdentityCheck(other, t, { ...who, pin: '0000' });
    expect(await other.getByRole('alert').innerText()).toBe(t('login.locked'));
    expect(withoutClockTime(await mainText(other))).toBe(withoutClockTime(right));
    // Not the generic failure: the customer is told to contact the branch.
    expect(right).not.toContain(t('login.error'));
  });

  test('a wrong one-time code keeps the customer on the code step with the tries left and the time limit; the right code then goes on', async () => {
    const who = customers.allTypes;
    const page = await openPhone();
    await startLinkage(page, locale);
    await fillIdentityCheck(page, t, who);
    expect(await page.locator('h1').innerText()).toBe(t('otp.title'));
    const limit = page.locator('.time-limit');
    expect(await limit.innerText()).toContain(locale === 'ja' ? '15分以内' : 'within 15 minutes');

    await submitOtp(page, locale, wrongCode(who));
    expect(await page.locator('h1').innerText()).toBe(t('otp.title'));
    const alert = await page.getByRole('alert').innerText();
    expect(alert).toContain(t('otp.error'));
    expect(alert).toContain(t('otp.attempts_left', { count: 2 }));
    expect(await page.locator('.time-limit').count()).toBe(1);
    expect(await page.getByLabel(t('login.pin')).count()).toBe(0);
    await checkPhonePage(page);

    await submitOtp(page, locale, totp(who.totpSecret, server.clock.now()));
    expect(await page.locator('h1').innerText()).toBe(t('consent.title'));
  });

  test('without JavaScript: after the last wrong code the flow is back at the first step with the one failure message', async () => {
    const who = customers.allTypes;
    const page = await openPhone({ javaScript: false });
    await startLinkage(page, locale);
    await fillIdentityCheck(page, t, who);
    for (let i = 0; i < 3; i += 1) await submitOtp(page, locale, wrongCode(who));
    expect(await page.locator('h1').innerText()).toBe(t('login.title'));
    expect(await page.getByRole('alert').innerText()).toBe(t('login.error'));
    // axe needs JavaScript: the same pages were scanned in the tests above.
    await checkPhonePage(page, { axe: false });
  });

  test('a PIN check beyond the admission limit gets the 混雑 page (503), passing axe, and trying again works', async () => {
    const page = await openPhone();
    await startLinkage(page, locale);
    // Every place taken (held by the test, not by time): the customer's check waits its short while, then 混雑.
    const admission = server.app.admission.pinCheck;
    const releases: (() => void)[] = [];
    const held: Promise<void>[] = [];
    do held.push(admission.run(() => new Promise<void>((resolve) => releases.push(resolve))).catch(() => undefined));
    while (admission.load.waiting === 0);
    const answer = page.waitForResponse((r) => r.url().endsWith('/login'));
    await fillIdentityCheck(page, t, customers.allTypes);
    const response = await answer;
    releases.forEach((release) => release());
    await Promise.all(held);
    expect(response.status()).toBe(503);
    expect(response.headers()['retry-after']).toBe('2');
    expect(await page.locator('h1').innerText()).toBe(t('busy.title'));
    expect(await page.locator('.error-message').innerText()).toBe(t('busy.message'));
    await checkPhonePage(page);

    await page.getByRole('link', { name: t('unavailable.retry') }).click();
    await page.waitForLoadState();
    await fillIdentityCheck(page, t, customers.allTypes);
    expect(await page.locator('h1').innerText()).toBe(t('otp.title'));
  });
});
