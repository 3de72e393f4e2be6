import type { Page } from 'playwright-core';
import type { AccountType } from '../../src/core-banking/port.ts';
import { axeCheck, browserSuite, logInToConsole, unlabelledInputs } from '../support/browser.ts';
import { customers } from '../support/demo.ts';
import { link, partnerFor } from '../support/linkage.ts';
import { startServer, type TestServer } from '../support/server.ts';
import { demoStaff, type StaffCredentials } from './support/staff.ts';

/**
 * The staff console in real headless Chromium: an operator logs in with password and one-time
 * code, finds the demo customer's linkage, ends it with a reason, and the audit view shows it; an
 * auditor gets no button and a 403; a forged post is refused; markup in a partner's name stays
 * text; suspending and reinstating a partner. Every page is scanned with axe-core (no serious or
 * critical WCAG 2.1 AA violation); the same flow also runs with JavaScript switched off (axe needs
 * JavaScript to run, so it checks the pages in the other tests).
 */

let server: TestServer;
const suite = browserSuite({ startServer: async () => (server = await startServer()) });

/** A desk browser with its own cookies; a dialog (an injected script) is recorded, so a test can fail on it. */
const openDesk = async (options: { javaScript?: boolean } = {}) => {
  const javaScript = options.javaScript ?? true;
  const context = await suite.contextFor((browser) =>
    browser.newContext({ javaScriptEnabled: javaScript, viewport: { width: 1280, height: 900 } }),
  );
  scanWithAxe = javaScript;
  const page = await context.newPage();
  const dialogs: string[] = [];
  page.on('dialog', (d) => {
    dialogs.push(d.message());
    void d.dismiss();
  });
  return { context, page, dialogs };
};

let scanWithAxe = true;
const checkPage = async (page: Page) => {
  if (scanWithAxe) await axeCheck(page);
  expect(await unlabelledInputs(page)).toEqual([]);
};

const logInAs = (page: Page, who: StaffCredentials) => logInToConsole(page, server, who, checkPage);

const grantOf = async (clientId: string) => {
  const customerId = (await server.app.coreBanking.customerIdOf({
    branchCode: customers.allTypes.branch,
    accountType: customers.allTypes.accountType as AccountType,
    accountNumber: customers.allTypes.accountNumber,
  }))!;
  const records = await Promise.all(
    (await server.app.grants.idsOfCustomer(customerId)).map((id) => server.app.grants.find(id)),
  );
  return records.find((r) => r?.partnerId === clientId)!;
};

test.each([
  ['with JavaScript', true],
  ['without JavaScript', false],
])(
  "an operator finds the demo customer's linkage, ends it with a reason; the partner is cut off and the audit view " +
    'shows who and why (%s)',
  async (_label, javaScript) => {
    const partner = await partnerFor(server);
    const linked = await link(server, partner, customers.allTypes);
    const record = await grantOf('demo-kakeibo');
    const { page, dialogs } = await openDesk({ javaScript });

    await logInAs(page, demoStaff.operator);
    await checkPage(page);
    await expect(page.locator('h1').innerText()).resolves.toBe('管理画面');

    await page.getByLabel('店番（3桁）').fill(customers.allTypes.branch);
    await page.getByLabel('科目').selectOption('ordinary');
    await page.getByLabel('口座番号（7桁）').fill(customers.allTypes.accountNumber);
    await page.getByRole('button', { name: '口座で検索' }).click();
    await page.waitForURL(/\/admin\/customers\/[^/]+$/);
    await checkPage(page);
    await page.getByRole('link', { name: `詳細 ${record.grantId}` }).click();
    await page.waitForURL(new RegExp(`/admin/linkages/${record.grantId}$`));
    await checkPage(page);
    await expect(page.locator('main').innerText()).resolves.toContain('デモかけいぼ');

    await page.getByLabel('理由（必須）').fill('顧客から不正利用の申告');
    await page.getByRole('button', { name: 'この連携を終了' }).click();
    // The confirmation names the linkage; nothing has ended until it is confirmed.
    await checkPage(page);
    await expect(page.locator('.confirm-lines').innerText()).resolves.toContain(record.grantId);
    expect(
      (await partner.resource(`${server.url}/api/v1/accounts`, linked.tokens.access_token, linked.pending.dpopKeys))
        .status,
    ).toBe(200);
    await page.getByRole('button', { name: '連携を終了する' }).click();
    await page.waitForURL(/done=linkage_ended/);
    await checkPage(page);
    await expect(page.getByRole('status').innerText()).resolves.toContain('連携を終了しました');

    const answer = await partner.resource(
      `${server.url}/api/v1/accounts`,
      linked.tokens.access_token,
      linked.pending.dpopKeys,
    );
    expect(answer.status).toBe(401);
    await expect(partner.refresh(linked.tokens.refresh_token!, linked.pending.dpopKeys)).rejects.toThrow();

    await page.getByRole('link', { name: '監査ログ' }).click();
    await page.getByLabel('提携先').selectOption('demo-kakeibo');
    await page.getByLabel('種類').fill('grant.ended');
    await page.getByRole('button', { name: '表示' }).click();
    await page.waitForURL(/\/admin\/audit\?/);
    await checkPage(page);
    const row = page.locator('table.events tbody tr').filter({ hasText: `連携ID: ${record.grantId}` });
    await expect(row.innerText()).resolves.toContain('demo-operator');
    await expect(row.innerText()).resolves.toContain('メモ: 顧客から不正利用の申告');
    expect(dialogs).toEqual([]);
  },
);

test('the console switches to English and back', async () => {
  const { page } = await openDesk();
  await logInAs(page, demoStaff.auditor);
  await page.getByRole('link', { name: 'English' }).click();
  await checkPage(page);
  await expect(page.locator('html').getAttribute('lang')).resolves.toBe('en');
  await expect(page.locator('h1').innerText()).resolves.toBe('Console');
  await page.getByRole('link', { name: 'Audit trail' }).click();
  await expect(page.locator('h1').innerText()).resolves.toBe('Audit trail');
  await checkPage(page);
  await page.getByRole('link', { name: '日本語' }).click();
  await expect(page.locator('html').getAttribute('lang')).resolves.toBe('ja');
});

test('an auditor sees a linkage without an end button, and a post to end it answers 403; a post without the CSRF token is refused', async () => {
  const partner = await partnerFor(server);
  const linked = await link(server, partner, customers.allTypes);
  const record = await grantOf('demo-kakeibo');
  const { context, page } = await openDesk();
  await logInAs(page, demoStaff.auditor);
  await page.goto(`${server.url}/admin/linkages/${record.grantId}`);
  await checkPage(page);
  expect(await page.getByRole('button', { name: 'この連携を終了' }).count()).toBe(0);

  const csrf = await page.locator('input[name=csrf]').first().inputValue();
  const refused = await context.request.post(`${server.url}/admin/linkages/${record.grantId}/end`, {
    form: { csrf, reason: 'auditor tries' },
    maxRedirects: 0,
  });
  expect(refused.status()).toBe(403);
  const forged = await context.request.post(`${server.url}/admin/linkages/${record.grantId}/end`, {
    form: { reason: 'no token' },
    maxRedirects: 0,
  });
  expect(forged.status()).toBe(403);
  expect(
    (await partner.resource(`${server.url}/api/v1/accounts`, linked.tokens.access_token, linked.pending.dpopKeys))
      .status,
  ).toBe(200);
});

test('a partner whose name holds markup is shown as text: no element, no script', async () => {
  await server.app.partners.setOverride('markup-in-name', {
    definition: {
      client_id: 'markup-in-name',
      name: { ja: '<script>alert("x")</script><b>太字</b>', en: '<img src=x onerror=alert(1)>' },
      redirect_uris: ['https://markup.example/cb'],
      jwks_uri: 'https://markup.example/jwks',
      token_endpoint_auth_method: 'private_key_jwt',
      scopes: ['accounts'],
      account_types: ['ordinary'],
      status: 'active',
      profile: 'fapi2',
    },
    changedBy: 'test',
    reason: 'markup test',
    changedAt: server.clock.now(),
  });
  const { page, dialogs } = await openDesk();
  await logInAs(page, demoStaff.auditor);
  await page.goto(`${server.url}/admin/partners/markup-in-name`);
  await checkPage(page);
  await expect(page.locator('.partner-names').innerText()).resolves.toBe(
    '<script>alert("x")</script><b>太字</b> / <img src=x onerror=alert(1)>',
  );
  expect(await page.locator('main b, main script, main img').count()).toBe(0);
  await page.goto(`${server.url}/admin/partners`);
  await expect(page.locator('main').innerText()).resolves.toContain('<script>alert("x")</script>');
  expect(dialogs).toEqual([]);
});

test('suspending a partner in the console: its token answers 401 at the next call; reinstating lets it start a new linkage, the ended one stays ended', async () => {
  const partner = await partnerFor(server);
  const linked = await link(server, partner, customers.allTypes);
  const { page } = await openDesk();
  await logInAs(page, demoStaff.operator);
  await page.goto(`${server.url}/admin/partners/demo-kakeibo`);
  await checkPage(page);
  await page.getByLabel('理由（必須）').first().fill('指定の一時停止');
  await page.getByRole('button', { name: 'この提携先を停止' }).click();
  await checkPage(page);
  await page.getByRole('button', { name: '提携先を停止する' }).click();
  await page.waitForURL(/done=suspended/);
  await checkPage(page);
  await expect(page.locator('.state').innerText()).resolves.toBe('停止中');
  expect(
    (await partner.resource(`${server.url}/api/v1/accounts`, linked.tokens.access_token, linked.pending.dpopKeys))
      .status,
  ).toBe(401);
  await expect(partner.startAuthorization({ scope: 'openid accounts' })).rejects.toThrow();

  await page.getByLabel('理由（必須）').first().fill('指定の再開');
  await page.getByRole('button', { name: 'この提携先を再開' }).click();
  await page.waitForURL(/done=reinstated/);
  await expect(page.locator('.state').innerText()).resolves.toBe('有効');
  const fresh = await link(server, partner, customers.allTypes);
  expect(
    (await partner.resource(`${server.url}/api/v1/accounts`, fresh.tokens.access_token, fresh.pending.dpopKeys)).status,
  ).toBe(200);
  // The new linkage replaced the earlier one: that one stays ended.
  expect(
    (await partner.resource(`${server.url}/api/v1/accounts`, linked.tokens.access_token, linked.pending.dpopKeys))
      .status,
  ).toBe(401);
});

test('the other console pages pass axe too: service restrictions, staff, the partner form, an error page', async () => {
  const password = 'browser-admin-password';
  const added = await server.app.admin.staff.add({
    username: 'browser-admin',
    role: 'admin',
    password,
    createdBy: 'test',
  });
  await server.app.availability.restrictions.set({
    scope: { kind: 'surface', surface: 'my_page' },
    message: { ja: '点検中', en: 'Maintenance' },
    setBy: 'test',
    reason: 'axe',
  });
  const { page } = await openDesk();
  await logInAs(page, { username: 'browser-admin', password, totpSecret: added.totpSecret });
  for (const path of [
    '/admin/service',
    '/admin/staff',
    '/admin/partners/new',
    '/admin/partners/demo-kakeibo/edit',
    '/admin/linkages/no-such-linkage',
    '/admin/service?lang=en',
    '/admin/staff?lang=en',
  ]) {
    await page.goto(`${server.url}${path}`);
    await checkPage(page);
  }
  await page.goto(`${server.url}/admin/service?lang=ja`);
  await expect(page.locator('main').innerText()).resolves.toContain('点検中');
});
