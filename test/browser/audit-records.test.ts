import type { Page } from 'playwright-core';
import type { AccountType } from '../../src/core-banking/port.ts';
import { createPostgresRecordStore } from '../../src/records/index.ts';
import { totp } from '../../src/shared/totp.ts';
import { demoStaff } from '../admin/support/staff.ts';
import { axeCheck, browserSuite, unlabelledInputs } from '../support/browser.ts';
import { CustomerAgent } from '../support/customer-agent.ts';
import { customers } from '../support/demo.ts';
import { DEFAULT_SCOPE, link, partnerFor } from '../support/linkage.ts';
import { freshRecordDatabase, type RecordDatabase } from '../support/records.ts';
import { startServer, type TestServer } from '../support/server.ts';

/**
 * The console reading the records in PostgreSQL, in headless Chromium: an operator finds an
 * attacked customer's identity-check failures and the lock by customer number, pages past 200
 * events, and sees the customer's ended linkage with who ended it and why.
 */
let server: TestServer;
let db: RecordDatabase;
const suite = browserSuite({
  startServer: async () => {
    db = await freshRecordDatabase();
    const records = createPostgresRecordStore({ url: db.url, ownerUrl: db.ownerUrl });
    server = await startServer({ overrides: { records } });
    return {
      close: async () => {
        await server.close();
        await db.drop();
      },
    };
  },
});

const checkPage = async (page: Page) => {
  await axeCheck(page);
  expect(await unlabelledInputs(page)).toEqual([]);
};

const customerId = async () =>
  (await server.app.coreBanking.customerIdOf({
    branchCode: customers.allTypes.branch,
    accountType: customers.allTypes.accountType as AccountType,
    accountNumber: customers.allTypes.accountNumber,
  }))!;

test("an operator finds an attacked customer's failures and lock, pages past 200 events, and sees the ended linkage", async () => {
  const id = await customerId();
  const partner = await partnerFor(server);
  const linked = await link(server, partner, customers.allTypes);
  for (let i = 0; i < 3; i += 1) {
    server.clock.advance(1000);
    const res = await partner.resource(
      `${server.url}/api/v1/accounts`,
      linked.tokens.access_token,
      linked.pending.dpopKeys,
    );
    expect(res.status).toBe(200);
  }
  // Many more calls of the customer's linkage than one page holds.
  for (let i = 0; i < 230; i += 1) {
    server.clock.advance(1000);
    void server.app.audit.record({
      kind: 'data.access',
      result: 'success',
      partnerId: 'demo-kakeibo',
      customerId: id,
      details: { route: '/api/v1/accounts/balances', status: 200, n: i },
    });
  }
  await server.app.admin.ops.linkages.endCustomer(id, '不正利用の申告', { name: 'demo-operator', via: 'console' });

  // The attack: five wrong PINs from one address lock the account.
  server.clock.advance(60_000);
  const pending = await partner.startAuthorization({ scope: DEFAULT_SCOPE });
  const agent = new CustomerAgent(`${server.url}/demo/callback`);
  const loginPage = await agent.request(pending.authorizationUrl);
  for (let i = 0; i < 5; i += 1) await agent.login(loginPage, { ...customers.allTypes, pin: '0000' });
  await server.app.audit.flush();

  const context = await suite.contextFor((browser) => browser.newContext({ viewport: { width: 1280, height: 900 } }));
  const desk = await context.newPage();
  await desk.goto(`${server.url}/admin/login`);
  await desk.getByLabel('ユーザー名').fill(demoStaff.operator.username);
  await desk.getByLabel('パスワード', { exact: true }).fill(demoStaff.operator.password);
  await desk.getByRole('button', { name: '次へ' }).click();
  await desk.waitForURL(/\/admin\/login\/totp$/);
  server.clock.advance(30_000);
  await desk.getByLabel('ワンタイムパスワード（6桁）').fill(totp(demoStaff.operator.totpSecret, server.clock.now()));
  await desk.getByRole('button', { name: 'ログイン' }).click();
  await desk.waitForURL(/\/admin$/);

  // By customer number: the failures and the lock.
  await desk.getByRole('link', { name: '監査ログ' }).click();
  await desk.getByLabel('顧客番号').fill(id);
  await desk.getByLabel('種類').fill('identity_check.');
  await desk.getByRole('button', { name: '表示' }).click();
  await desk.waitForURL(/\/admin\/audit\?/);
  await checkPage(desk);
  const rows = desk.locator('table.events tbody tr');
  const texts = await rows.allInnerTexts();
  expect(texts.filter((t) => t.includes('本人確認の失敗'))).toHaveLength(5);
  expect(texts.filter((t) => t.includes('本人確認のロック'))).toHaveLength(1);

  // Everything of the customer: 200 on the first page, the rest on the next, none twice.
  await desk.getByLabel('種類').fill('');
  await desk.getByLabel('開始（日本時間）').fill('2000-01-01T00:00');
  await desk.getByRole('button', { name: '表示' }).click();
  await desk.waitForURL(/\/admin\/audit\?/);
  const first = await rows.allInnerTexts();
  expect(first).toHaveLength(200);
  await desk.getByRole('link', { name: 'さらに古い記録' }).click();
  await desk.waitForURL(/after=/);
  await checkPage(desk);
  const second = await rows.allInnerTexts();
  const all = await server.app.audit.query({ customerId: id });
  expect(all.length).toBeGreaterThan(200);
  expect(first.length + second.length).toBe(all.length);
  expect(second.some((t) => first.includes(t))).toBe(false);
  expect(await desk.getByRole('link', { name: 'さらに古い記録' }).count()).toBe(0);

  // The customer's page: the ended linkage, kept in the records after the grant is gone.
  await desk.goto(`${server.url}/admin/customers/${id}`);
  await checkPage(desk);
  const ended = desk.locator('table.ended-linkages tbody tr');
  expect(await ended.count()).toBe(1);
  const endedText = await ended.first().innerText();
  expect(endedText).toContain('demo-kakeibo');
  expect(endedText).toContain('demo-operator');
  expect(endedText).toContain('当組合（職員）が終了');
});
