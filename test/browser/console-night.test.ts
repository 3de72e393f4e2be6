import type { Page } from 'playwright-core';
import { labelsFor, LABELLED_KINDS, LABELLED_REASONS, LABELLED_SCOPES } from '../../src/admin/i18n/labels.ts';
import { browserSuite, checkDeskPage, DESK, logInToConsole } from '../support/browser.ts';
import { customerIdOf, customers } from '../support/demo.ts';
import { link, partnerFor } from '../support/linkage.ts';
import { startServer, type TestServer } from '../support/server.ts';
import { partnerKeyPair } from '../support/temp-partners.ts';
import { demoStaff } from '../admin/support/staff.ts';

/**
 * The console at the night shift's 1366 × 768 desk screen: the partner form's problems in
 * Japanese at each field with the values kept (with and without JavaScript), words instead of
 * codes in the linkage and audit tables, and no page or table wider than the screen with the data
 * of a working day. Every page passes axe and has every input labelled.
 */

let server: TestServer;
const suite = browserSuite({ startServer: async () => (server = await startServer()) });
const ja = labelsFor('ja');

const openDesk = async (options: { javaScript?: boolean } = {}) => {
  const context = await suite.contextFor((browser) =>
    browser.newContext({ javaScriptEnabled: options.javaScript ?? true, viewport: DESK }),
  );
  return context.newPage();
};

describe('the partner form', () => {
  test.each([
    ['with JavaScript', true],
    ['without JavaScript', false],
  ])(
    'wrong fields come back with Japanese messages at each field, the values kept; fixed, it is saved (%s)',
    async (_label, javaScript) => {
      const clientId = `night-partner-${javaScript ? 'js' : 'nojs'}`;
      const keys = await partnerKeyPair(`${clientId}-key`);
      const page = await openDesk({ javaScript });
      await logInToConsole(page, server, demoStaff.admin);
      await page.goto(`${server.url}/admin/partners/new`);
      await checkDeskPage(page, { axe: javaScript });

      await page.getByLabel('クライアントID', { exact: true }).fill(clientId);
      await page.getByLabel('名称（日本語）', { exact: true }).fill('夜間テスト家計簿');
      await page.getByLabel('名称（英語）', { exact: true }).fill('Night Test Budget');
      await page.getByLabel('リダイレクトURI', { exact: true }).fill('callback-without-scheme');
      await page.getByLabel('登録番号（電子決済等代行業）').fill('関東財務局 第12号');
      await page.getByLabel('公開鍵（JWKS・JSON）').fill('{"keys": [');
      await page.getByLabel('口座情報').uncheck();
      await page.getByLabel('理由（必須）').fill('新規指定');
      await page.getByRole('button', { name: '保存' }).click();
      await page.waitForLoadState();

      await checkDeskPage(page, { axe: javaScript });
      const alert = await page.getByRole('alert').innerText();
      expect(alert).toContain('リダイレクトURI: https で始まるURLを入力してください');
      expect(alert).toContain('公開鍵（JWKS・JSON）: JSONとして読み取れません');
      expect(alert).toContain('登録番号（電子決済等代行業）: 「関東財務局長（電代）第12号」の形で入力してください');
      expect(await page.locator('main').innerText()).not.toMatch(/must (be|match|have|NOT)|should|required property/);
      // The message is the field's own description, and the field says it is invalid.
      const redirect = page.getByLabel('リダイレクトURI', { exact: true });
      await expect(redirect.getAttribute('aria-invalid')).resolves.toBe('true');
      const describedBy = (await redirect.getAttribute('aria-describedby'))!.split(' ');
      const descriptions = await Promise.all(describedBy.map((id) => page.locator(`#${id}`).innerText()));
      expect(descriptions).toContain('リダイレクトURI: https で始まるURLを入力してください');
      // Everything typed is still there.
      await expect(page.getByLabel('クライアントID', { exact: true }).inputValue()).resolves.toBe(clientId);
      await expect(page.getByLabel('名称（日本語）', { exact: true }).inputValue()).resolves.toBe('夜間テスト家計簿');
      await expect(redirect.inputValue()).resolves.toBe('callback-without-scheme');
      await expect(page.getByLabel('公開鍵（JWKS・JSON）').inputValue()).resolves.toBe('{"keys": [');
      await expect(page.getByLabel('口座情報').isChecked()).resolves.toBe(false);
      await expect(page.getByLabel('残高・入出金明細').isChecked()).resolves.toBe(true);
      await expect(page.getByLabel('理由（必須）').inputValue()).resolves.toBe('新規指定');
      expect(await server.app.partners.find(clientId)).toBeUndefined();

      await redirect.fill(`https://${clientId}.example/callback`);
      await page.getByLabel('登録番号（電子決済等代行業）').fill('');
      await page.getByLabel('公開鍵（JWKS・JSON）').fill(JSON.stringify({ keys: [keys.publicJwk] }));
      await page.getByRole('button', { name: '保存' }).click();
      await page.waitForURL(/done=saved/);
      await checkDeskPage(page, { axe: javaScript });
      expect((await server.app.partners.find(clientId))!.partner).toMatchObject({
        client_id: clientId,
        redirect_uris: [`https://${clientId}.example/callback`],
        scopes: ['openid', 'offline_access', 'deposits', 'time_deposits'],
      });
    },
  );
});

describe('a working night on the desk screen', () => {
  test('the linkage and audit tables read words, not codes; no page or table is wider than 1366 px', async () => {
    // A day's data: two partners' linkages with every scope, data calls, an ending by staff, a lock, a restriction.
    const kakeibo = await partnerFor(server);
    const linked = await link(server, kakeibo, customers.allTypes);
    await kakeibo.resource(`${server.url}/api/v1/accounts`, linked.tokens.access_token, linked.pending.dpopKeys);
    await link(server, await partnerFor(server, 'demo-kaikei'), customers.allTypes, {
      scope: 'offline_access accounts deposits grant_management_query grant_management_revoke',
    });
    const ended = await link(server, kakeibo, customers.twoBranches);
    await server.app.availability.restrictions.set({
      scope: { kind: 'partner', partnerId: 'demo-kaikei' },
      message: { ja: '提携先のシステム障害のため、新しい連携を一時停止しています', en: 'Paused for a partner outage' },
      setBy: 'demo-operator',
      reason: '提携先から障害の連絡（夜間一次対応）',
    });
    const customerId = await customerIdOf(server, customers.allTypes);
    const [grantId] = await server.app.grants.idsOfCustomer(customerId);

    const page = await openDesk();
    await logInToConsole(page, server, demoStaff.admin);
    // The operator ends one linkage with a reason (its ending reads as words everywhere).
    const endedCustomer = await customerIdOf(server, customers.twoBranches);
    const [endedGrant] = await server.app.grants.idsOfCustomer(endedCustomer);
    expect(ended.tokens.access_token).toBeTruthy();
    await page.goto(`${server.url}/admin/linkages/${endedGrant}`);
    await page.getByLabel('理由（必須）').fill('お客さまから電話で解約の依頼（本人確認済み）');
    await page.getByRole('button', { name: 'この連携を終了' }).click();
    await page.getByRole('button', { name: '連携を終了する' }).click();
    await page.waitForURL(/done=/);

    // Words, not codes: the linkages table's scopes, the trail's kinds and details, the ending's reason.
    await page.goto(`${server.url}/admin/customers/${customerId}`);
    await checkDeskPage(page);
    const scopes = await page.locator('section[aria-labelledby="h-linkages"] table td:nth-child(2)').allInnerTexts();
    expect(scopes.length).toBe(2);
    for (const text of scopes)
      for (const code of LABELLED_SCOPES) expect(text).not.toMatch(new RegExp(`\\b${code}\\b`));
    expect(scopes.join('\n')).toContain(ja.scopeLabel('time_deposits'));

    await page.goto(`${server.url}/admin/linkages/${grantId}`);
    await checkDeskPage(page);
    await expectKindsInWords(page);

    await page.goto(`${server.url}/admin/audit?from=2000-01-01T00%3A00`);
    await checkDeskPage(page);
    await expectKindsInWords(page);
    const audit = await page.locator('table.events').innerText();
    expect(audit).toContain(ja.reasonLabel('revoked_by_bank'));
    for (const code of LABELLED_REASONS) expect(audit).not.toContain(code);

    await page.goto(`${server.url}/admin/customers/${endedCustomer}`);
    await checkDeskPage(page);
    await expect(page.locator('table.ended-linkages').innerText()).resolves.toContain(
      ja.reasonLabel('revoked_by_bank'),
    );

    // Every other page at the desk width, with the banner of the restriction above each.
    for (const path of [
      '/admin',
      '/admin/partners',
      '/admin/partners/demo-kakeibo',
      '/admin/partners/new',
      '/admin/partners/demo-kaikei/edit',
      '/admin/service',
      '/admin/staff',
      `/admin/audit?customerId=${customerId}&from=2000-01-01T00%3A00`,
      '/admin/audit?lang=en&from=2000-01-01T00%3A00',
      `/admin/linkages/${grantId}?lang=en`,
    ]) {
      await page.goto(`${server.url}${path}`);
      await checkDeskPage(page);
    }
  });
});

/** Each kind cell of the events table shows the kind's label, never its code. */
const expectKindsInWords = async (page: Page) => {
  const cells = page.locator('table.events td[data-kind]');
  const count = await cells.count();
  expect(count).toBeGreaterThan(0);
  for (let i = 0; i < count; i++) {
    const kind = (await cells.nth(i).getAttribute('data-kind'))!;
    expect(LABELLED_KINDS).toContain(kind);
    await expect(cells.nth(i).innerText()).resolves.toBe(ja.kindLabel(kind));
  }
  const text = await page.locator('table.events').innerText();
  for (const kind of LABELLED_KINDS) expect(text).not.toContain(kind);
};
