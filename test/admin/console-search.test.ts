import type { AccountType } from '../../src/core-banking/port.ts';
import { pairwiseSubject } from '../../src/shared/pairwise.ts';
import { normalizeKana } from '../../src/shared/kana.ts';
import { customers } from '../support/demo.ts';
import { link, partnerFor } from '../support/linkage.ts';
import { startServer, type TestServer } from '../support/server.ts';
import { demoStaff, logIn } from './support/staff.ts';

/**
 * The console's search box: a kana name in any width or script, a customer number, a grant id, a
 * partner's pairwise sub, a request id; malformed queries are refused; every search (and the
 * account search) leaves an admin.search event naming who searched for what.
 */

let server: TestServer;
let customerId: string;
let grantId: string;
beforeAll(async () => {
  server = await startServer();
  const partner = await partnerFor(server);
  await link(server, partner, customers.allTypes);
  customerId = (await server.app.coreBanking.customerIdOf({
    branchCode: customers.allTypes.branch,
    accountType: customers.allTypes.accountType as AccountType,
    accountNumber: customers.allTypes.accountNumber,
  }))!;
  [grantId] = await server.app.grants.idsOfCustomer(customerId);
});
afterAll(async () => {
  await server?.close();
});

const search = async (by: string, q: string, who = demoStaff.operator) => {
  const { staff, home } = await logIn(server, who);
  return staff.post('/admin/search', { by, q }, home);
};

describe('kana normalisation', () => {
  test.each([
    ['ｻﾄｳ ｹﾝｲﾁ', 'サトウケンイチ'],
    ['さとう　けんいち', 'サトウケンイチ'],
    ['ｼﾖｳｼﾞ', 'シヨウジ'],
    ['ショウジ', 'シヨウジ'],
    ['ｶﾞｯｺｳ', 'ガツコウ'],
    ['ﾊﾟｰｸ', 'パーク'],
  ])('%s compares as %s', (typed, normal) => {
    expect(normalizeKana(typed)).toBe(normal);
  });
});

describe('searching', () => {
  test.each([['ｻﾄｳ'], ['さとう　けん'], ['サトウケンイチ'], ['ｻﾄｳ ｹﾝ']])(
    'a name in kana (%s) finds the customer stored as サトウ ケンイチ',
    async (typed) => {
      const page = await search('name', typed);
      expect(page.status).toBe(200);
      expect(page.html).toContain('佐藤 健一');
      expect(page.html).toContain(`/admin/customers/${customerId}`);
      expect(page.html).not.toContain('鈴木 花子');
    },
  );

  test('a name that matches nobody answers 404 with a message; a name not in kana is refused', async () => {
    const none = await search('name', 'ﾝﾝﾝ');
    expect(none.status).toBe(404);
    expect(none.html).toContain('該当するものは見つかりませんでした');
    const latin = await search('name', 'sato');
    expect(latin.status).toBe(400);
    expect(latin.html).toContain('氏名はカナで2文字以上入力してください');
  });

  test('a customer number (full-width digits too) opens the customer page', async () => {
    const page = await search(
      'customerId',
      customerId.replace(/[0-9]/g, (d) => String.fromCharCode(0xff10 + +d)),
    );
    expect(page.url).toBe(`${server.url}/admin/customers/${customerId}`);
    expect(page.html).toContain('佐藤 健一');
  });

  test('a grant id opens the linkage page', async () => {
    const page = await search('grantId', grantId);
    expect(page.url).toBe(`${server.url}/admin/linkages/${grantId}`);
  });

  test("a partner's pairwise sub finds the linkage; the same customer's sub for another partner does not", async () => {
    const salt = server.app.config.secrets.pairwiseSalt;
    const page = await search('sub', pairwiseSubject(salt, 'demo-kakeibo', customerId));
    expect(page.status).toBe(200);
    expect(page.html).toContain(`/admin/linkages/${grantId}`);
    const other = await search('sub', pairwiseSubject(salt, 'demo-kaikei', customerId));
    expect(other.status).toBe(404);
    expect(other.html).not.toContain(`/admin/linkages/${grantId}`);
  });

  test("a request id finds that request's events in the trail", async () => {
    const consented = (await server.app.audit.query({ customerId })).find(
      (e) => e.requestId && e.kind !== 'admin.search',
    )!;
    const page = await search('requestId', consented.requestId!);
    expect(page.status).toBe(200);
    expect(page.html).toContain(`data-kind="${consented.kind}"`);
    const none = await search('requestId', 'no-such-request-id');
    expect(none.status).toBe(404);
  });

  test('an auditor may search too; a search without the CSRF token is refused', async () => {
    expect((await search('customerId', customerId, demoStaff.auditor)).status).toBe(200);
    const { staff } = await logIn(server, demoStaff.operator);
    const forged = await staff.post('/admin/search', { by: 'name', q: 'ｻﾄｳ' });
    expect(forged.status).toBe(403);
  });
});

describe('every search is audited', () => {
  test('who searched for what, how many were found; an account number only masked', async () => {
    await search('name', 'ｻﾄｳ');
    const { staff, home } = await logIn(server, demoStaff.auditor);
    await staff.post(
      '/admin/customers/search',
      { branch: customers.allTypes.branch, accountType: 'ordinary', accountNumber: customers.allTypes.accountNumber },
      home,
    );
    const events = await server.app.audit.query({ kind: 'admin.search' });
    expect(events.find((e) => e.details?.query === 'ｻﾄｳ → サトウ')).toMatchObject({
      actor: 'demo-operator',
      result: 'success',
      details: { by: 'name', found: 1, via: 'console' },
    });
    const byAccount = events.filter((e) => e.details?.by === 'account').at(-1)!;
    expect(byAccount).toMatchObject({ actor: 'demo-auditor', customerId, details: { found: 1 } });
    expect(JSON.stringify(byAccount)).not.toContain(customers.allTypes.accountNumber);
    expect(events.some((e) => e.details?.by === 'sub' && e.actor === 'demo-operator')).toBe(true);
    expect(events.some((e) => e.details?.by === 'requestId')).toBe(true);
  });
});
