import type { Page } from 'playwright-core';
import { pairwiseSubject } from '../../src/shared/pairwise.ts';
import { totp } from '../../src/shared/totp.ts';
import { browserSuite, checkDeskPage, DESK, logInToConsole } from '../support/browser.ts';
import { customerIdOf, customers } from '../support/demo.ts';
import { link, partnerFor } from '../support/linkage.ts';
import { startServer, type TestServer } from '../support/server.ts';
import { demoStaff } from '../admin/support/staff.ts';
import { labelsFor } from '../../src/admin/i18n/labels.ts';

/**
 * The console at a 1366 px desk screen, as the night shift uses it: the search box (a half-width
 * kana name, a customer number, a grant id, a pairwise sub, a request id). Every page passes axe,
 * has every input labelled and does not scroll sideways.
 */

let server: TestServer;
const suite = browserSuite({ startServer: async () => (server = await startServer()) });

const openDesk = async (options: { javaScript?: boolean } = {}) => {
  const context = await suite.contextFor((browser) =>
    browser.newContext({ javaScriptEnabled: options.javaScript ?? true, viewport: DESK }),
  );
  return { context, page: await context.newPage() };
};

const searchFor = async (page: Page, by: string, q: string) => {
  await page.getByLabel('検索の種類').selectOption(by);
  await page.getByLabel('検索する文字').fill(q);
  await page.getByRole('button', { name: '検索する' }).click();
};

describe('the search box', () => {
  test('a half-width kana name finds the customer; the result leads to the customer page', async () => {
    const { page } = await openDesk();
    await logInToConsole(page, server, demoStaff.operator);
    await checkDeskPage(page);
    await searchFor(page, 'name', 'ｻﾄｳ ｹﾝ');
    await checkDeskPage(page);
    await expect(page.getByRole('status').innerText()).resolves.toContain('1件見つかりました');
    // The form keeps what was typed, for the next try.
    await expect(page.getByLabel('検索する文字').inputValue()).resolves.toBe('ｻﾄｳ ｹﾝ');
    await page.getByRole('link', { name: '佐藤 健一' }).click();
    await page.waitForURL(new RegExp(`/admin/customers/${await customerIdOf(server, customers.allTypes)}$`));
    await checkDeskPage(page);
  });

  test('a customer number, a grant id, a sub and a request id each find their page, without JavaScript too', async () => {
    const partner = await partnerFor(server);
    await link(server, partner, customers.allTypes);
    const customerId = await customerIdOf(server, customers.allTypes);
    const [grantId] = await server.app.grants.idsOfCustomer(customerId);
    const event = (await server.app.audit.query({ customerId })).find(
      (e) => e.requestId && !e.kind.startsWith('admin.'),
    )!;
    const { page } = await openDesk({ javaScript: false });
    await logInToConsole(page, server, demoStaff.auditor);

    await searchFor(page, 'customerId', customerId);
    await page.waitForURL(new RegExp(`/admin/customers/${customerId}$`));
    await page.goto(`${server.url}/admin`);
    await searchFor(page, 'grantId', grantId);
    await page.waitForURL(new RegExp(`/admin/linkages/${grantId}$`));
    await page.goto(`${server.url}/admin`);
    await searchFor(page, 'sub', pairwiseSubject(server.app.config.secrets.pairwiseSalt, 'demo-kakeibo', customerId));
    await checkDeskPage(page, { axe: false });
    await expect(page.getByRole('link', { name: `詳細 ${grantId}` }).count()).resolves.toBe(1);
    await page.goto(`${server.url}/admin`);
    await searchFor(page, 'requestId', event.requestId!);
    await checkDeskPage(page, { axe: false });
    await expect(page.locator('table.events').innerText()).resolves.toContain(labelsFor('ja').kindLabel(event.kind));

    const searches = await server.app.audit.query({ kind: 'admin.search' });
    expect(searches.filter((e) => e.actor === 'demo-auditor').map((e) => e.details?.by)).toEqual(
      expect.arrayContaining(['customerId', 'grantId', 'sub', 'requestId']),
    );
  });

  test('the request id result page passes axe', async () => {
    await link(server, await partnerFor(server), customers.allTypes);
    const event = (await server.app.audit.query({})).find((e) => e.requestId && !e.kind.startsWith('admin.'))!;
    const { page } = await openDesk();
    await logInToConsole(page, server, demoStaff.auditor);
    await searchFor(page, 'requestId', event.requestId!);
    await checkDeskPage(page);
  });
});

describe('acting safely', () => {
  test.each([
    ['with JavaScript', true],
    ['without JavaScript', false],
  ])(
    'the emergency stop is confirmed first; a wrong one-time code keeps the confirmation; ' +
      'once set, the banner shows it on every page (%s)',
    async (_label, javaScript) => {
      const { page } = await openDesk({ javaScript });
      await logInToConsole(page, server, demoStaff.operator);
      await page.goto(`${server.url}/admin/service`);
      await checkDeskPage(page, { axe: javaScript });
      await page.getByLabel('サービス全体').check();
      await page.getByLabel('利用者・提携先への表示（日本語）').fill('緊急停止中です');
      await page.getByLabel('利用者・提携先への表示（英語）').fill('Emergency stop');
      await page.getByLabel('理由（必須）').first().fill('障害対応');
      await page.getByRole('button', { name: '制限を設定' }).click();

      await checkDeskPage(page, { axe: javaScript });
      await expect(page.locator('.confirm-lines').innerText()).resolves.toContain('サービス全体を停止します');
      expect(await server.app.availability.restrictions.list()).toEqual([]);
      await page.getByLabel('ワンタイムパスワード（6桁・再入力）').fill('000000');
      await page.getByRole('button', { name: '制限を開始する' }).click();

      // The same confirmation again, everything kept: only a new code is needed.
      await checkDeskPage(page, { axe: javaScript });
      await expect(page.getByRole('alert').innerText()).resolves.toContain('ワンタイムパスワードが正しくありません');
      await expect(page.locator('.confirm-lines').innerText()).resolves.toContain('緊急停止中です');
      await expect(page.locator('.confirm-reason').innerText()).resolves.toBe('障害対応');
      expect(await server.app.availability.restrictions.list()).toEqual([]);
      server.clock.advance(30_000);
      await page
        .getByLabel('ワンタイムパスワード（6桁・再入力）')
        .fill(totp(demoStaff.operator.totpSecret, server.clock.now()));
      await page.getByRole('button', { name: '制限を開始する' }).click();
      await page.waitForURL(/done=restricted/);

      for (const path of ['/admin', '/admin/audit', '/admin/partners/demo-kakeibo']) {
        await page.goto(`${server.url}${path}`);
        await checkDeskPage(page, { axe: javaScript });
        const banner = page.getByRole('region', { name: '現在有効な制限' });
        await expect(banner.innerText()).resolves.toContain('サービス全体');
        await expect(banner.innerText()).resolves.toContain('（設定: demo-operator）');
        await expect(banner.innerText()).resolves.toContain('解除するまで');
      }
      await page.goto(`${server.url}/admin/service`);
      await page.locator('td form').first().getByLabel('理由（必須）').fill('復旧');
      await page.getByRole('button', { name: '解除' }).first().click();
      await page.waitForURL(/done=lifted/);
      expect(await page.getByRole('region', { name: '現在有効な制限' }).count()).toBe(0);
    },
  );
});
