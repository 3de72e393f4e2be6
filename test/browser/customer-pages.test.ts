import type { BrowserContextOptions, Page } from 'playwright-core';
import { translator, type Locale, type Translate } from '../../src/i18n/index.ts';
import { totp } from '../../src/shared/totp.ts';
import { browserSuite, checkPhonePage, fillIdentityCheck, newPhoneContext } from '../support/browser.ts';
import { customers, type DemoCustomer } from '../support/demo.ts';
import { isoDatesIn, spacedNamesEn, spacedNamesJa } from '../support/page-scan.ts';
import { startServer, type TestServer } from '../support/server.ts';

/**
 * Every customer page in real headless Chromium at phone size, Japanese first and English by the
 * switch: the linkage flow, its error, expiry, finished, ineligible and closed pages, the 404,
 * /my (sign-in, list, confirmation, ended, under a whole-service restriction, closed), the terms
 * and the service hours. Each page passes axe and the phone checks, and its text is scanned for
 * ISO dates and for spaces around names. The error pages are also used without JavaScript.
 */
const PARTNER = { clientId: 'demo-kakeibo', name: { ja: 'デモかけいぼ', en: 'Demo Kakeibo' } };
const NAMES = {
  ja: ['デモかけいぼ', 'デモ会計クラウド', '株式会社デモかけいぼ（デモ）', 'デモ信用組合'],
  en: ['Demo Kakeibo', 'Demo Accounting Cloud', 'Demo Kakeibo K.K. (demo)', 'Demo Credit Union'],
} as const;
const MESSAGE = { ja: 'システムの点検のため停止しています。', en: 'Stopped for system checks.' };

let server: TestServer;
const suite = browserSuite({ startServer: async () => (server = await startServer()) });

/** Which kinds of page the scan has seen, per language: the last test checks none was missed. */
const scanned = { ja: new Set<string>(), en: new Set<string>() };

const openPhone = async (options: BrowserContextOptions = {}) =>
  (await suite.contextFor((browser) => newPhoneContext(browser, options))).newPage();

const heading = (page: Page) => page.locator('h1').innerText();

/** axe, phone width, labels; then the text of the page's main part: no ISO date, no spaced name. */
const scan = async (page: Page, locale: Locale, kind: string, options: { axe?: boolean } = {}) => {
  expect(await page.locator('html').getAttribute('lang')).toBe(locale);
  await checkPhonePage(page, options);
  const text = await page.locator('main').innerText();
  expect({ kind, isoDates: isoDatesIn(text) }).toEqual({ kind, isoDates: [] });
  const spaced = locale === 'ja' ? spacedNamesJa(text, NAMES.ja) : spacedNamesEn(text, NAMES.en);
  expect({ kind, spaced }).toEqual({ kind, spaced: [] });
  scanned[locale].add(kind);
};

/** The inquiry number on the page is the request id of the answer that carried it. */
const expectInquiryNumber = async (page: Page, t: Translate, requestId: string | undefined) => {
  expect(requestId).toEqual(expect.any(String));
  expect(await page.locator('.inquiry').innerText()).toContain(t('error.requestId'));
  expect(await page.locator('.inquiry-number').innerText()).toBe(requestId);
};

const startAtDemo = async (page: Page, locale: Locale) => {
  server.clock.advance(31_000);
  await page.goto(`${server.url}/demo`);
  await page.getByLabel('連携アプリ / Partner').selectOption(PARTNER.clientId);
  await page.getByLabel('画面の言語 / Language').selectOption(locale);
  await page.getByRole('button', { name: '銀行口座と連携する / Link a bank account' }).click();
  await page.waitForURL(/\/interaction\/[^/]+$/);
};

const fillOtp = async (page: Page, t: Translate, who: DemoCustomer) => {
  await page.getByLabel(t('otp.otp')).fill(totp(who.totpSecret, server.clock.now()));
  await page.getByRole('button', { name: t('otp.submit') }).click();
  await page.waitForLoadState();
};

const demoError = (page: Page) => page.locator('#demo-error').innerText();

const withRestriction = async (
  scope: Parameters<TestServer['app']['availability']['restrictions']['set']>[0]['scope'],
  run: () => Promise<void>,
) => {
  const restriction = await server.app.availability.restrictions.set({
    scope,
    message: MESSAGE,
    setBy: 'operator-1',
    reason: 'test',
  });
  try {
    await run();
  } finally {
    await server.app.availability.restrictions.lift(restriction.id, 'operator-1');
  }
};

test('the scanners find what they look for (so that a clean scan means something)', () => {
  expect(isoDatesIn('有効期限：2027-03-02 まで')).toHaveLength(1);
  expect(spacedNamesJa('デモかけいぼ に、次の情報を連携します。', NAMES.ja)).toContain('デモかけいぼ に');
  expect(spacedNamesJa('連携先 に、次の情報を', [])).toEqual(['先 に']);
  expect(spacedNamesJa('連携先は デモ会計クラウドです', NAMES.ja)).toEqual(['は デモ会計クラウド']);
  expect(spacedNamesJa('デモかけいぼに、次の情報を連携します。普通預金 本店 1012345', NAMES.ja)).toEqual([]);
  expect(spacedNamesEn('Return to Demo Kakeibo .', NAMES.en)).toEqual(['Demo Kakeibo .']);
  expect(spacedNamesEn("Return to Demo Kakeibo's app.", NAMES.en)).toEqual([]);
});

describe.each(['ja', 'en'] as const)('customer pages in Chromium (%s)', (locale) => {
  const t = translator(locale);
  const partner = PARTNER.name[locale];

  test('the linkage flow: login, a wrong PIN, the code, consent with the partner details; then the finished page', async () => {
    const page = await openPhone();
    await startAtDemo(page, locale);
    const interactionUrl = page.url();
    expect(await heading(page)).toBe(t('login.title'));
    await scan(page, locale, 'login');
    await fillIdentityCheck(page, t, { ...customers.allTypes, pin: '0000' });
    expect(await heading(page)).toBe(t('login.title'));
    await scan(page, locale, 'login (refused)');
    await fillIdentityCheck(page, t, customers.allTypes);
    expect(await heading(page)).toBe(t('otp.title'));
    await scan(page, locale, 'one-time code');
    await fillOtp(page, t, customers.allTypes);

    expect(await heading(page)).toBe(t('consent.title'));
    const details = page.locator('.partner-legal');
    expect(await details.innerText()).toContain(
      locale === 'ja' ? '株式会社デモかけいぼ（デモ）' : 'Demo Kakeibo K.K. (demo)',
    );
    expect(await details.innerText()).toContain(
      t('consent.partner.registration.text', { number: '関東財務局長（電代）第99999号' }),
    );
    expect(
      await details.getByRole('link', { name: t('consent.partner.contact.link', { partner }) }).getAttribute('href'),
    ).toBe('https://demo-kakeibo.example.jp/contact');
    expect(
      await details.getByRole('link', { name: t('consent.partner.privacy.link', { partner }) }).getAttribute('href'),
    ).toBe('https://demo-kakeibo.example.jp/privacy');
    expect(await page.locator('.read-only').innerText()).toBe(t('consent.categories.read_only'));
    expect(await page.getByRole('link', { name: t('consent.my_page') }).getAttribute('href')).toBe(
      `/my?lang=${locale}`,
    );
    const expiry = await page.locator('#h-expiry + p').innerText();
    expect(expiry).toMatch(
      locale === 'ja' ? /\d{4}年\d{1,2}月\d{1,2}日（[日月火水木金土]）まで/ : /Until \w{3} \d{1,2} \w{3} \d{4}\./,
    );
    await scan(page, locale, 'consent');
    await page.getByLabel(/1012345/).check();
    await page.getByRole('button', { name: t('consent.agree'), exact: true }).click();
    await page.waitForURL(`${server.url}/demo/result`);

    // The same interaction again (the back button, a bookmark): over, and where to look.
    const again = await page.goto(interactionUrl);
    expect(await heading(page)).toBe(t('finished.title'));
    expect(await page.locator('.way-back').innerText()).toBe(t('wayback.finished', { partner }));
    await expectInquiryNumber(page, t, again?.headers()['x-request-id']);
    await scan(page, locale, 'finished');
  });

  test('the ineligible page: why, the way back to the partner (access_denied), the inquiry number', async () => {
    const page = await openPhone();
    await startAtDemo(page, locale);
    await fillIdentityCheck(page, t, customers.noCashCard);
    // The code's post redirects to the interaction's page: that answer carries the page.
    const answer = page.waitForResponse((r) => /\/interaction\/[^/]+$/.test(r.url()) && r.request().method() === 'GET');
    await fillOtp(page, t, customers.noCashCard);
    expect(await heading(page)).toBe(t('ineligible.title'));
    await expectInquiryNumber(page, t, (await answer).headers()['x-request-id']);
    await scan(page, locale, 'ineligible');
    await page.getByRole('button', { name: t('ineligible.back', { partner }) }).click();
    await page.waitForURL(`${server.url}/demo/result`);
    expect(await demoError(page)).toBe('access_denied');
  });

  test('an expired interaction: the page leads back to the partner, which learns access_denied; works without JavaScript', async () => {
    const page = await openPhone({ javaScriptEnabled: false });
    await startAtDemo(page, locale);
    const uid = new URL(page.url()).pathname.split('/')[2];
    await (await server.app.provider.Interaction.find(uid))!.destroy();
    const expired = await page.reload();
    expect(expired?.status()).toBe(400);
    expect(await heading(page)).toBe(t('error.title'));
    expect(await page.locator('.error-message').innerText()).toBe(t('error.session'));
    await expectInquiryNumber(page, t, expired?.headers()['x-request-id']);
    await scan(page, locale, 'expired', { axe: false });
    await page.getByRole('link', { name: t('wayback.return', { partner }) }).click();
    await page.waitForURL(`${server.url}/demo/result`);
    expect(await demoError(page)).toBe('access_denied');
  });

  test('the expired page and the 404 pass axe (with JavaScript, which axe needs)', async () => {
    const page = await openPhone();
    await startAtDemo(page, locale);
    const uid = new URL(page.url()).pathname.split('/')[2];
    await (await server.app.provider.Interaction.find(uid))!.destroy();
    await page.reload();
    await checkPhonePage(page);

    const missing = await page.goto(`${server.url}/no-such-page?lang=${locale}`);
    expect(missing?.status()).toBe(404);
    expect(await heading(page)).toBe(t('notfound.title'));
    expect(await page.locator('.error-message').innerText()).toBe(t('notfound.message'));
    await expectInquiryNumber(page, t, missing?.headers()['x-request-id']);
    await scan(page, locale, '404');
  });

  test('API連携認証 restricted by an operator: the closed page, its inquiry number and the way back', async () => {
    await withRestriction({ kind: 'surface', surface: 'authorization' }, async () => {
      const page = await openPhone();
      const answer = page.waitForResponse((r) => /\/interaction\/[^/]+$/.test(r.url()));
      await startAtDemo(page, locale);
      expect(await heading(page)).toBe(t('closed.title'));
      expect(await page.getByRole('alert').innerText()).toContain(MESSAGE[locale]);
      await expectInquiryNumber(page, t, (await answer).headers()['x-request-id']);
      await scan(page, locale, 'closed');
      await page.getByRole('button', { name: t('closed.back', { partner }) }).click();
      await page.waitForURL(`${server.url}/demo/result`);
      expect(await demoError(page)).toBe('temporarily_unavailable');
    });
  });

  test('/my: sign-in, the list, the confirmation, ended; under a whole-service restriction; closed', async () => {
    // A linkage to look at, made in the browser (every step was scanned above).
    const linking = await openPhone();
    await startAtDemo(linking, locale);
    await fillIdentityCheck(linking, t, customers.twoBranches);
    await fillOtp(linking, t, customers.twoBranches);
    await linking.getByRole('checkbox').first().check();
    await linking.getByRole('button', { name: t('consent.agree'), exact: true }).click();
    await linking.waitForURL(`${server.url}/demo/result`);

    const page = await openPhone();
    server.clock.advance(31_000);
    await page.goto(`${server.url}/my?lang=${locale}`);
    await scan(page, locale, '/my login');
    await fillIdentityCheck(page, t, customers.twoBranches);
    await scan(page, locale, '/my one-time code');
    await fillOtp(page, t, customers.twoBranches);
    expect(await heading(page)).toBe(t('my.title'));
    expect(await page.locator('section.linkage h2').allInnerTexts()).toEqual([partner]);
    await scan(page, locale, '/my list');

    await withRestriction({ kind: 'service' }, async () => {
      await page.goto(`${server.url}/my`);
      expect(await page.locator('#service-stopped').innerText()).toContain(MESSAGE[locale]);
      await scan(page, locale, '/my under a whole-service restriction');
      await page.getByRole('button', { name: t('my.end') }).click();
      await page.waitForLoadState();
      expect(await heading(page)).toBe(t('my.confirm.title'));
      await scan(page, locale, '/my confirmation');
      await page.getByRole('button', { name: t('my.end') }).click();
      await page.waitForLoadState();
      expect(await page.getByRole('status').innerText()).toBe(t('my.ended', { partner }));
      await scan(page, locale, '/my ended');
    });

    await withRestriction({ kind: 'surface', surface: 'my_page' }, async () => {
      const closed = await page.goto(`${server.url}/my`);
      expect(closed?.status()).toBe(503);
      expect(await heading(page)).toBe(t('closed.title'));
      await expectInquiryNumber(page, t, closed?.headers()['x-request-id']);
      await scan(page, locale, '/my closed');
    });
  });

  test('the terms and the service hours', async () => {
    const page = await openPhone();
    await page.goto(`${server.url}/terms?lang=${locale}`);
    expect(await heading(page)).toBe(t('terms.title'));
    await scan(page, locale, 'terms');
    await page.goto(`${server.url}/service-hours?lang=${locale}`);
    expect(await heading(page)).toBe(t('hours.title'));
    await scan(page, locale, 'service hours');
  });
});

test('the scan saw every kind of customer page, in both languages', () => {
  const kinds = [
    'login',
    'login (refused)',
    'one-time code',
    'consent',
    'finished',
    'ineligible',
    'expired',
    '404',
    'closed',
    '/my login',
    '/my one-time code',
    '/my list',
    '/my under a whole-service restriction',
    '/my confirmation',
    '/my ended',
    '/my closed',
    'terms',
    'service hours',
  ];
  expect([...scanned.ja].sort()).toEqual([...kinds].sort());
  expect([...scanned.en].sort()).toEqual([...kinds].sort());
});
