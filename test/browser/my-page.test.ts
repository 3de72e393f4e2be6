import type { BrowserContextOptions, Page } from 'playwright-core';
import { translator, type Locale, type Translate } from '../../src/i18n/index.ts';
import { totp } from '../../src/shared/totp.ts';
import { browserSuite, checkPhonePage, fillIdentityCheck, newPhoneContext } from '../support/browser.ts';
import { customers, type DemoCustomer } from '../support/demo.ts';
import { link, partnerFor } from '../support/linkage.ts';
import { startServer, type TestServer } from '../support/server.ts';
import { dataCall } from '../my-page/my-page-steps.ts';

/**
 * The customer's own page (/my, 連携の管理) in real headless Chromium at phone size: the identity
 * check, the list of linkages with two partners, ending one after the confirmation. Every page
 * of /my is scanned with axe-core and checked for labelled inputs and sideways scrolling.
 */

const KAKEIBO = { ja: 'デモかけいぼ', en: 'Demo Kakeibo' };
const KAIKEI = { ja: 'デモ会計クラウド', en: 'Demo Accounting Cloud' };

let server: TestServer;
const suite = browserSuite({ startServer: async () => (server = await startServer()) });

const openPhone = async (options: BrowserContextOptions = {}) =>
  (await suite.contextFor((browser) => newPhoneContext(browser, options))).newPage();

const checkPage = checkPhonePage;

const heading = (page: Page) => page.locator('h1').innerText();

/** Customer A linked to both demo partners (at the HTTP level: the linkage flow has its own browser test). */
const linkBoth = async () => {
  const kakeibo = await partnerFor(server);
  const kaikei = await partnerFor(server, 'demo-kaikei');
  const withKakeibo = await link(server, kakeibo, customers.allTypes);
  const withKaikei = await link(server, kaikei, customers.allTypes, { scope: 'offline_access accounts deposits' });
  return { kakeibo, kaikei, withKakeibo, withKaikei };
};

/** /my through the identity check, checking each page; ends on the list. */
const signIn = async (page: Page, locale: Locale, t: Translate, who: DemoCustomer, options: { axe?: boolean } = {}) => {
  server.clock.advance(31_000);
  await page.goto(`${server.url}/my?lang=${locale}`);
  expect(await page.locator('html').getAttribute('lang')).toBe(locale);
  expect(await heading(page)).toBe(t('login.title'));
  await checkPage(page, options);
  await fillIdentityCheck(page, t, who);

  expect(await heading(page)).toBe(t('otp.title'));
  await checkPage(page, options);
  await page.getByLabel(t('otp.otp')).fill(totp(who.totpSecret, server.clock.now()));
  await page.getByRole('button', { name: t('otp.submit') }).click();
  await page.waitForLoadState();
  expect(await heading(page)).toBe(t('my.title'));
};

/** The linkages shown, by partner name, in page order. */
const shownPartners = (page: Page) => page.locator('section.linkage h2').allInnerTexts();

/** From the list: end the partner's linkage through the confirmation page; ends on the list again. */
const endLinkage = async (page: Page, t: Translate, partnerName: string, options: { axe?: boolean } = {}) => {
  await page
    .getByRole('region', { name: partnerName })
    .getByRole('button', { name: t('my.end') })
    .click();
  await page.waitForLoadState();
  expect(await heading(page)).toBe(t('my.confirm.title'));
  expect(await page.locator('main').innerText()).toContain(t('my.confirm.lead', { partner: partnerName }));
  await checkPage(page, options);
  await page.getByRole('button', { name: t('my.end') }).click();
  await page.waitForURL(`${server.url}/my`);
  expect(await heading(page)).toBe(t('my.title'));
  expect(await page.getByRole('status').innerText()).toBe(t('my.ended', { partner: partnerName }));
};

describe('/my in Chromium at phone size', () => {
  test("the customer sees two linkages (two partners) and ends one; that partner's next data call fails, the other's works; every page passes axe", async () => {
    const { kakeibo, kaikei, withKakeibo, withKaikei } = await linkBoth();
    const t = translator('ja');
    const page = await openPhone();
    await signIn(page, 'ja', t, customers.allTypes);

    expect(await shownPartners(page)).toEqual([KAIKEI.ja, KAKEIBO.ja]);
    const kakeiboRegion = page.getByRole('region', { name: KAKEIBO.ja });
    expect(await kakeiboRegion.innerText()).toContain('****345');
    expect(await page.locator('main').innerText()).not.toContain('1012345');
    await checkPage(page);

    await endLinkage(page, t, KAKEIBO.ja);
    expect(await shownPartners(page)).toEqual([KAIKEI.ja]);
    await checkPage(page);

    expect((await dataCall(server, kakeibo, withKakeibo)).status).toBe(401);
    expect((await dataCall(server, kaikei, withKaikei)).status).toBe(200);

    // The notice of the ending is in the demo outbox, which passes axe too.
    await page.goto(`${server.url}/demo/outbox`);
    expect(await page.locator('.notice-item').first().innerText()).toContain(`${KAKEIBO.ja}との連携を解除しました`);
    await checkPage(page);
  });

  test('a wrong PIN shows the generic error on the first page, which passes axe', async () => {
    const t = translator('ja');
    const page = await openPhone();
    await page.goto(`${server.url}/my`);
    await fillIdentityCheck(page, t, { ...customers.frozenAccount, pin: '0000' });
    expect(await heading(page)).toBe(t('login.title'));
    expect(await page.getByRole('alert').innerText()).toBe(t('login.error'));
    await checkPage(page);
    await server.app.coreBanking.unlock({
      branchCode: customers.frozenAccount.branch,
      accountType: 'ordinary',
      accountNumber: customers.frozenAccount.accountNumber,
    });
  });

  test('the error page (a linkage that is not there) and the closed page pass axe', async () => {
    const t = translator('ja');
    const page = await openPhone();
    await signIn(page, 'ja', t, customers.frozenAccount);
    const missing = await page.goto(`${server.url}/my/linkages/no-such-linkage/end`);
    expect(missing?.status()).toBe(404);
    expect(await page.locator('.error-message').innerText()).toBe(t('my.not_found'));
    await checkPage(page);

    const restriction = await server.app.availability.restrictions.set({
      scope: { kind: 'surface', surface: 'my_page' },
      message: { ja: 'システムの点検のため停止しています。', en: 'Stopped for system checks.' },
      setBy: 'operator-1',
      reason: 'browser test',
    });
    try {
      const closed = await page.goto(`${server.url}/my`);
      expect(closed?.status()).toBe(503);
      expect(await heading(page)).toBe(t('closed.title'));
      await checkPage(page);
    } finally {
      await server.app.availability.restrictions.lift(restriction.id, 'operator-1');
    }
  });

  test('in English, with JavaScript switched off, the customer ends a linkage the same way', async () => {
    const { kakeibo, kaikei, withKakeibo, withKaikei } = await linkBoth();
    const t = translator('en');
    const page = await openPhone({ javaScriptEnabled: false });
    // axe needs JavaScript; the pages were scanned in Japanese above and in English below.
    await signIn(page, 'en', t, customers.allTypes, { axe: false });
    expect(await shownPartners(page)).toEqual([KAIKEI.en, KAKEIBO.en]);
    await endLinkage(page, t, KAIKEI.en, { axe: false });
    expect(await shownPartners(page)).toEqual([KAKEIBO.en]);
    expect((await dataCall(server, kaikei, withKaikei)).status).toBe(401);
    expect((await dataCall(server, kakeibo, withKakeibo)).status).toBe(200);
  });

  test('the English pages pass axe', async () => {
    await linkBoth();
    const t = translator('en');
    const page = await openPhone();
    await signIn(page, 'en', t, customers.allTypes);
    await checkPage(page);
    await page
      .getByRole('region', { name: KAKEIBO.en })
      .getByRole('button', { name: t('my.end') })
      .click();
    await page.waitForLoadState();
    expect(await heading(page)).toBe(t('my.confirm.title'));
    await checkPage(page);
  });
});
