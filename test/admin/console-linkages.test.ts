import { accountRefOf, customerIdOf, customers, type DemoCustomer } from '../support/demo.ts';
import { link, partnerFor } from '../support/linkage.ts';
import { startServer, type TestServer } from '../support/server.ts';
import { demoStaff, logIn, nextCode } from './support/staff.ts';

/**
 * Finding linkages in the console (by customer, by partner), a linkage's detail, ending one or
 * all of a customer's, and unlocking a customer's API連携認証 lock — with the roles, the CSRF
 * token and the one-time code again for the bulk action.
 */

// demo-kaikei is allowed neither openid nor time deposits.
const KAIKEI_SCOPE = 'offline_access accounts deposits';

let server: TestServer;
beforeAll(async () => {
  server = await startServer();
});
afterAll(async () => {
  await server?.close();
});

const linkageIdsOf = async (who: DemoCustomer) => server.app.grants.idsOfCustomer(await customerIdOf(server, who));
const dataCall = async (partner: Awaited<ReturnType<typeof partnerFor>>, linked: Awaited<ReturnType<typeof link>>) =>
  (await partner.resource(`${server.url}/api/v1/accounts`, linked.tokens.access_token, linked.pending.dpopKeys)).status;

describe('finding linkages', () => {
  test("by customer: branch, type and account number (posted, never in a URL) lead to the customer's page and its linkages", async () => {
    const partner = await partnerFor(server);
    await link(server, partner, customers.twoBranches);
    const customerId = await customerIdOf(server, customers.twoBranches);
    const { staff, home } = await logIn(server, demoStaff.operator);
    const page = await staff.post(
      '/admin/customers/search',
      {
        branch: customers.twoBranches.branch,
        accountType: 'ordinary',
        accountNumber: customers.twoBranches.accountNumber,
      },
      home,
    );
    expect(page.url).toBe(`${server.url}/admin/customers/${customerId}`);
    expect(page.url).not.toContain(customers.twoBranches.accountNumber);
    expect(page.html).toContain('デモかけいぼ');
    const [grantId] = await linkageIdsOf(customers.twoBranches);
    expect(page.html).toContain(`/admin/linkages/${grantId}`);
    // Account numbers appear masked only.
    expect(page.html).not.toContain(customers.twoBranches.accountNumber);
    expect(page.html).toContain(`****${customers.twoBranches.accountNumber.slice(-3)}`);
  });

  test('an account that does not exist answers 404 with a message, on the home page', async () => {
    const { staff, home } = await logIn(server, demoStaff.auditor);
    const page = await staff.post(
      '/admin/customers/search',
      { branch: '999', accountType: 'ordinary', accountNumber: '0000000' },
      home,
    );
    expect(page.status).toBe(404);
    expect(page.html).toContain('該当する口座が見つかりませんでした');
  });

  test("by partner: the home page's partner choice leads to the partner's page, which lists its linkages by customer", async () => {
    const partner = await partnerFor(server, 'demo-kaikei');
    await link(server, partner, customers.allTypes, { scope: KAIKEI_SCOPE });
    const customerId = await customerIdOf(server, customers.allTypes);
    const { staff } = await logIn(server, demoStaff.auditor);
    const page = await staff.get('/admin/partners?clientId=demo-kaikei');
    expect(page.url).toBe(`${server.url}/admin/partners/demo-kaikei`);
    expect(page.html).toContain(`/admin/customers/${customerId}`);
  });
});

describe("a linkage's detail and ending it", () => {
  test('shows scopes, masked accounts, terms version, dates, last use and its audit trail; an operator ends it with a reason', async () => {
    const partner = await partnerFor(server);
    const linked = await link(server, partner, customers.allTypes);
    const record = (
      await Promise.all((await linkageIdsOf(customers.allTypes)).map((id) => server.app.grants.find(id)))
    ).find((r) => r?.partnerId === 'demo-kakeibo')!;
    expect(await dataCall(partner, linked)).toBe(200);

    const { staff } = await logIn(server, demoStaff.operator);
    const detail = await staff.get(`/admin/linkages/${record.grantId}`);
    expect(detail.status).toBe(200);
    expect(detail.html).toContain('口座情報、残高・入出金明細、定期預金の明細');
    expect(detail.html).not.toContain('time_deposits<');
    expect(detail.html).toContain(`<dd>${record.termsVersion}</dd>`);
    expect(detail.html).toContain(`****${customers.allTypes.accountNumber.slice(-3)}`);
    expect(detail.html).not.toContain(customers.allTypes.accountNumber);
    expect(detail.html).toContain('<td data-kind="consent.granted">同意</td>');
    expect(detail.html).toContain('<td data-kind="data.access">データAPIの利用</td>');
    expect(detail.html).not.toContain('記録なし');
    expect(detail.html).toContain('action="/admin/linkages/');

    // The first post only asks to confirm, naming exactly what ends; nothing has ended yet.
    const confirm = await staff.post(`/admin/linkages/${record.grantId}/end`, { reason: '顧客から電話で依頼' }, detail);
    expect(confirm.status).toBe(200);
    expect(confirm.html).toContain('操作の確認');
    expect(confirm.html).toContain(
      `連携ID ${record.grantId}：デモかけいぼ（demo-kakeibo）と顧客 ${record.customerId} の連携`,
    );
    expect(confirm.html).toContain('value="顧客から電話で依頼"');
    expect(await dataCall(partner, linked)).toBe(200);

    const ended = await staff.post(
      `/admin/linkages/${record.grantId}/end`,
      { reason: '顧客から電話で依頼', confirm: 'yes' },
      confirm,
    );
    expect(ended.status).toBe(200);
    expect(ended.url).toBe(`${server.url}/admin/linkages/${record.grantId}?done=linkage_ended`);
    expect(ended.html).toContain('連携を終了しました');
    expect(ended.html).toContain('当組合（職員）が終了');
    expect(ended.html).not.toContain('revoked_by_bank');
    expect(ended.html).toContain('顧客から電話で依頼');

    expect(await dataCall(partner, linked)).toBe(401);
    await expect(partner.refresh(linked.tokens.refresh_token!, linked.pending.dpopKeys)).rejects.toThrow();
    const events = await server.app.audit.query({ partnerId: 'demo-kakeibo', kind: 'grant.ended' });
    expect(events.find((e) => e.details?.grantId === record.grantId)).toMatchObject({
      actor: 'demo-operator',
      details: { reason: 'revoked_by_bank', note: '顧客から電話で依頼' },
    });
    const staffAction = (await server.app.audit.query({ kind: 'admin.linkage.ended' })).at(-1);
    expect(staffAction).toMatchObject({
      actor: 'demo-operator',
      partnerId: 'demo-kakeibo',
      details: { via: 'console', reason: '顧客から電話で依頼', grantId: record.grantId },
    });
  });

  test('an auditor sees no button to end a linkage, and a post to end it answers 403 and changes nothing', async () => {
    const partner = await partnerFor(server);
    const linked = await link(server, partner, customers.allTypes);
    const record = (
      await Promise.all((await linkageIdsOf(customers.allTypes)).map((id) => server.app.grants.find(id)))
    ).find((r) => r?.partnerId === 'demo-kakeibo')!;
    const { staff } = await logIn(server, demoStaff.auditor);
    const detail = await staff.get(`/admin/linkages/${record.grantId}`);
    expect(detail.status).toBe(200);
    expect(detail.html).not.toContain(`action="/admin/linkages/${record.grantId}/end"`);
    expect(detail.html).not.toContain('この連携を終了');
    const refused = await staff.post(
      `/admin/linkages/${record.grantId}/end`,
      { reason: 'trying', confirm: 'yes' },
      detail,
    );
    expect(refused.status).toBe(403);
    expect(refused.html).toContain('権限がありません');
    expect(await server.app.grants.find(record.grantId)).toBeDefined();
    expect(await dataCall(partner, linked)).toBe(200);
  });

  test('a post without the CSRF token is refused with 403 and ends nothing', async () => {
    const partner = await partnerFor(server);
    const linked = await link(server, partner, customers.allTypes);
    const record = (
      await Promise.all((await linkageIdsOf(customers.allTypes)).map((id) => server.app.grants.find(id)))
    ).find((r) => r?.partnerId === 'demo-kakeibo')!;
    const { staff } = await logIn(server, demoStaff.operator);
    const refused = await staff.post(`/admin/linkages/${record.grantId}/end`, { reason: 'forged', confirm: 'yes' });
    expect(refused.status).toBe(403);
    expect(refused.html).toContain('csrf');
    const wrongToken = await staff.post(`/admin/linkages/${record.grantId}/end`, {
      csrf: 'x'.repeat(32),
      reason: 'forged',
      confirm: 'yes',
    });
    expect(wrongToken.status).toBe(403);
    expect(await dataCall(partner, linked)).toBe(200);
  });

  test('ending needs a reason: a blank one answers 400 and ends nothing', async () => {
    const partner = await partnerFor(server);
    await link(server, partner, customers.allTypes);
    const record = (
      await Promise.all((await linkageIdsOf(customers.allTypes)).map((id) => server.app.grants.find(id)))
    ).find((r) => r?.partnerId === 'demo-kakeibo')!;
    const { staff } = await logIn(server, demoStaff.operator);
    const detail = await staff.get(`/admin/linkages/${record.grantId}`);
    const refused = await staff.post(
      `/admin/linkages/${record.grantId}/end`,
      { reason: '   ', confirm: 'yes' },
      detail,
    );
    expect(refused.status).toBe(400);
    expect(await server.app.grants.find(record.grantId)).toBeDefined();
  });

  test('an unknown linkage id answers 404', async () => {
    const { staff } = await logIn(server, demoStaff.auditor);
    expect((await staff.get('/admin/linkages/no-such-grant')).status).toBe(404);
  });
});

describe("ending all of a customer's linkages", () => {
  test('is confirmed first, naming each linkage, with the one-time code again: a wrong code keeps the confirmation and ends nothing; a new code ends every linkage', async () => {
    const who = customers.twoBranches;
    const kakeibo = await partnerFor(server);
    const kaikei = await partnerFor(server, 'demo-kaikei');
    const one = await link(server, kakeibo, who);
    const two = await link(server, kaikei, who, { scope: KAIKEI_SCOPE });
    const customerId = await customerIdOf(server, who);
    const { staff } = await logIn(server, demoStaff.operator);
    const page = await staff.get(`/admin/customers/${customerId}`);

    const confirm = await staff.post(`/admin/customers/${customerId}/end-linkages`, { reason: '不正利用' }, page);
    expect(confirm.status).toBe(200);
    expect(confirm.html).toContain(`顧客 ${customerId}（`);
    expect(confirm.html).toContain('有効な連携 2件をすべて終了します');
    expect(confirm.html).toContain('デモかけいぼ（demo-kakeibo）：顧客');
    expect(confirm.html).toContain('name="totp"');
    expect(await dataCall(kakeibo, one)).toBe(200);

    const wrong = await staff.post(
      `/admin/customers/${customerId}/end-linkages`,
      { reason: '不正利用', confirm: 'yes', totp: '000000' },
      confirm,
    );
    expect(wrong.status).toBe(400);
    expect(wrong.html).toContain('ワンタイムパスワードが正しくありません');
    // The same confirmation again, the reason kept: the operator only types a new code.
    expect(wrong.html).toContain('有効な連携 2件をすべて終了します');
    expect(wrong.html).toContain('name="reason" value="不正利用"');
    expect(wrong.html).toContain('name="confirm" value="yes"');
    expect(await dataCall(kakeibo, one)).toBe(200);

    const done = await staff.post(
      `/admin/customers/${customerId}/end-linkages`,
      { reason: '不正利用', confirm: 'yes', totp: nextCode(server, demoStaff.operator.totpSecret) },
      wrong,
    );
    expect(done.url).toBe(`${server.url}/admin/customers/${customerId}?done=linkages_ended&count=2`);
    expect(done.html).toContain('2件の連携を終了しました');
    expect(await linkageIdsOf(who)).toEqual([]);
    expect(await dataCall(kakeibo, one)).toBe(401);
    expect(await dataCall(kaikei, two)).toBe(401);
    expect((await server.app.audit.query({ kind: 'admin.customer.linkages_ended', customerId })).at(-1)).toMatchObject({
      actor: 'demo-operator',
      details: { reason: '不正利用', ended: 2 },
    });
    expect((await server.app.audit.query({ kind: 'admin.totp_reentry' })).at(-1)).toMatchObject({
      actor: 'demo-operator',
      result: 'failure',
    });
  });
});

describe("unlocking a customer's API連携認証 lock", () => {
  test('the customer page shows the lock; an operator unlocks it with a reason and the counter is cleared', async () => {
    const who = customers.lockable;
    const ref = accountRefOf(who);
    for (let i = 0; i < 5; i += 1) await server.app.coreBanking.recordLoginFailure(ref, 5);
    expect(await server.app.coreBanking.loginFailures(ref)).toEqual({ consecutiveFailures: 5, locked: true });
    const customerId = await customerIdOf(server, who);

    const auditor = await logIn(server, demoStaff.auditor);
    const seen = await auditor.staff.get(`/admin/customers/${customerId}`);
    expect(seen.html).toContain('ロック中（連続失敗 5回）');
    expect(seen.html).not.toContain('/unlock"');

    const { staff } = await logIn(server, demoStaff.operator);
    const page = await staff.get(`/admin/customers/${customerId}`);
    const accountId = /name="accountId" value="([^"]+)"/.exec(page.html)![1];
    const unlocked = await staff.post(
      `/admin/customers/${customerId}/unlock`,
      { accountId, reason: '窓口で本人確認済み' },
      page,
    );
    expect(unlocked.html).toContain('ロックを解除しました');
    expect(unlocked.html).not.toContain('ロック中');
    expect(await server.app.coreBanking.loginFailures(ref)).toEqual({ consecutiveFailures: 0, locked: false });
    expect((await server.app.audit.query({ kind: 'admin.customer.unlocked', customerId })).at(-1)).toMatchObject({
      actor: 'demo-operator',
      accountIds: [accountId],
      details: { reason: '窓口で本人確認済み', wasLocked: true },
    });
  });

  test("an account of another customer cannot be unlocked through this customer's page", async () => {
    const { staff } = await logIn(server, demoStaff.operator);
    const customerId = await customerIdOf(server, customers.lockable);
    const otherAccount = (await server.app.coreBanking.accounts(await customerIdOf(server, customers.allTypes)))[0]
      .accountId;
    const page = await staff.get(`/admin/customers/${customerId}`);
    const refused = await staff.post(
      `/admin/customers/${customerId}/unlock`,
      { accountId: otherAccount, reason: 'x' },
      page,
    );
    expect(refused.status).toBe(404);
  });
});
