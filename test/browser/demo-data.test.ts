import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { totp } from '../../src/shared/totp.ts';
import { axeCheck, closeBrowser, launchBrowser, newPhoneContext } from '../support/browser.ts';
import { customers } from '../support/demo.ts';
import { startServer, type TestServer } from '../support/server.ts';

/**
 * The demo partner page shows the demo customer's actual data, fetched through the data API with
 * the linkage's DPoP key: the values on the page are the core system's, paging included.
 */
const yen = (amount: string) => `${Number(amount).toLocaleString('ja-JP')} 円`;
const JST = 9 * 3600 * 1000;

let server: TestServer;
let browser: Browser;
let dir: string;
beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'test-demo-data-'));
  // Small pages, so that the page's "next page" link is exercised.
  writeFileSync(
    join(dir, 'settings.json'),
    JSON.stringify({ identityCheck: { failureDelaysMs: [0], responseFloorMs: 0 }, dataApi: { pageSize: 5 } }),
  );
  [server, browser] = await Promise.all([
    startServer({ env: { CONFIG_FILE: join(dir, 'settings.json') } }),
    launchBrowser(),
  ]);
});
afterAll(async () => {
  await closeBrowser(browser);
  await server?.close();
  rmSync(dir, { recursive: true, force: true });
});

const cells = (page: Page, table: string) =>
  page
    .locator(`#${table} tbody tr`)
    .evaluateAll((rows) => rows.map((r) => [...r.querySelectorAll('td')].map((td) => td.textContent ?? '')));

test("after a linkage, /demo/result shows the customer's balances, a page of transactions with paging, and the time deposits", async () => {
  const context = await newPhoneContext(browser);
  const page = await context.newPage();
  const who = customers.allTypes;
  await page.goto(`${server.url}/demo`);
  await page.getByLabel('連携アプリ / Partner').selectOption('demo-kakeibo');
  await page.getByRole('button', { name: '銀行口座と連携する / Link a bank account' }).click();
  await page.getByLabel('店番（3桁）').fill(who.branch);
  await page.getByLabel('口座番号（7桁）').fill(who.accountNumber);
  await page.getByLabel('キャッシュカードの暗証番号（4桁）').fill(who.pin);
  await page.getByRole('button', { name: '次へ' }).click();
  await page.getByLabel('ワンタイムパスワード（6桁）').fill(totp(who.totpSecret, server.clock.now()));
  await page.getByRole('button', { name: '確認する' }).click();
  for (const box of await page.getByRole('checkbox').all()) await box.check();
  await page.getByRole('button', { name: '同意する', exact: true }).click();
  await page.waitForURL(/\/demo\/result/);
  await axeCheck(page);

  const core = server.app.coreBanking;
  const customerId = (await core.verifyPin(
    { branchCode: who.branch, accountType: 'ordinary', accountNumber: who.accountNumber },
    who.pin,
  ))!.customerId;
  const accounts = await core.accounts(customerId);
  const ordinary = accounts.find((a) => a.accountType === 'ordinary')!;

  // Accounts: every linked account by its number.
  const accountRows = await cells(page, 'accounts');
  expect(accountRows.map((r) => r[2]).sort()).toEqual(accounts.map((a) => a.accountNumber).sort());

  // Balances: the core system's figures, as yen.
  const balanceRows = await cells(page, 'balances');
  const ordinaryBalance = (await core.balance(ordinary.accountId))!;
  const row = balanceRows.find((r) => r[0] === `普通預金 ${ordinary.accountNumber}`)!;
  expect(row.slice(1)).toEqual([
    yen(ordinaryBalance.balance),
    yen(ordinaryBalance.withdrawableAmount),
    yen(ordinaryBalance.previousDayBalance),
  ]);
  const loan = accounts.find((a) => a.accountType === 'card_loan')!;
  const loanRow = balanceRows.find((r) => r[0] === `カードローン ${loan.accountNumber}`)!;
  expect(loanRow[1]).toBe(yen((await core.balance(loan.accountId))!.balance));

  // Transactions: the first page of the last 31 days of the ordinary account, then the next page.
  const today = new Date(server.clock.now() + JST).toISOString().slice(0, 10);
  const from = new Date(`${today}T00:00:00Z`);
  from.setUTCDate(from.getUTCDate() - 30);
  const expected = await core.transactions(ordinary.accountId, from.toISOString().slice(0, 10), today);
  expect(expected.length).toBeGreaterThan(5);
  const asRow = (t: (typeof expected)[number]) => [
    t.transactionDate,
    t.transactionType === 'credit' ? '入金' : '出金',
    yen(t.amount),
    t.remarks,
    yen(t.balance),
  ];
  expect(await cells(page, 'transactions')).toEqual(expected.slice(0, 5).map(asRow));
  await page.locator('#next-page').click();
  await page.waitForURL(/next=/);
  expect(await cells(page, 'transactions')).toEqual(expected.slice(5, 10).map(asRow));

  // Time deposits: each deposit with its principal.
  const deposits = await core.timeDeposits(accounts.find((a) => a.accountType === 'time_deposit')!.accountId);
  const depositRows = await cells(page, 'time-deposits');
  expect(depositRows.map((r) => [r[0], r[1], r[2], r[3]])).toEqual(
    deposits.map((d) => [d.depositNumber, d.depositDate, d.maturityDate, yen(d.principal)]),
  );
  await context.close();
});
