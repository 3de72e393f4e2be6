import type { AccountType } from '../../src/core-banking/port.ts';
import { customers } from '../support/demo.ts';
import { link, partnerFor } from '../support/linkage.ts';
import { startServer, type TestServer } from '../support/server.ts';
import { demoStaff, logIn } from './support/staff.ts';
import { exportFileName, toJstLocal } from '../../src/admin/console/format.ts';

/**
 * The audit view: filtering by customer, partner, kind and time; exports as JSON Lines and CSV
 * (auditors and admins), the incident export of terms 4.6; each export audited.
 */

let server: TestServer;
let customerId: string;
let grantId: string;
let startedAt: number;
beforeAll(async () => {
  server = await startServer();
  startedAt = server.clock.now();
  const partner = await partnerFor(server);
  const linked = await link(server, partner, customers.allTypes);
  await partner.resource(`${server.url}/api/v1/accounts`, linked.tokens.access_token, linked.pending.dpopKeys);
  customerId = (await server.app.coreBanking.customerIdOf({
    branchCode: customers.allTypes.branch,
    accountType: customers.allTypes.accountType as AccountType,
    accountNumber: customers.allTypes.accountNumber,
  }))!;
  [grantId] = await server.app.grants.idsOfCustomer(customerId);
  const { staff } = await logIn(server, demoStaff.operator);
  const page = await staff.get(`/admin/linkages/${grantId}`);
  await staff.post(`/admin/linkages/${grantId}/end`, { reason: '<b>調査</b> のため', confirm: 'yes' }, page);
});
afterAll(async () => {
  await server?.close();
});

describe('the audit view', () => {
  test("shows the revocation, filtered by partner and kind, with the operator's name and reason (escaped)", async () => {
    const { staff } = await logIn(server, demoStaff.auditor);
    const page = await staff.get('/admin/audit?partnerId=demo-kakeibo&kind=grant.ended');
    expect(page.status).toBe(200);
    expect(page.html).toContain('data-kind="grant.ended"');
    expect(page.html).toContain('<td>demo-operator</td>');
    expect(page.html).toContain('メモ: &lt;b&gt;調査&lt;/b&gt; のため');
    expect(page.html).not.toContain('data-kind="data.access"');
  });

  test("filters by customer: the customer's own events and those of their linkages", async () => {
    const { staff } = await logIn(server, demoStaff.auditor);
    const page = await staff.get(`/admin/audit?customerId=${customerId}`);
    expect(page.html).toContain('data-kind="consent.granted"');
    expect(page.html).toContain('data-kind="data.access"');
    expect(page.html).toContain('data-kind="grant.ended"');
    const other = await staff.get('/admin/audit?customerId=no-such-customer');
    expect(other.html).toContain('該当する記録はありません');
  });

  test('filters by time: a range before the linkage shows none of it', async () => {
    const { staff } = await logIn(server, demoStaff.auditor);
    const from = encodeURIComponent(toJstLocal(startedAt - 3_600_000));
    const to = encodeURIComponent(toJstLocal(startedAt - 60_000));
    const page = await staff.get(`/admin/audit?partnerId=demo-kakeibo&from=${from}&to=${to}`);
    expect(page.html).toContain('該当する記録はありません');
  });

  test('a malformed filter answers 400', async () => {
    const { staff } = await logIn(server, demoStaff.auditor);
    expect((await staff.get('/admin/audit?from=yesterday')).status).toBe(400);
    expect((await staff.get('/admin/audit?kind=%3Cscript%3E')).status).toBe(400);
  });
});

describe('exports', () => {
  test('an auditor exports JSON Lines and CSV; each export is audited', async () => {
    const { staff } = await logIn(server, demoStaff.auditor);
    const page = await staff.get('/admin/audit?partnerId=demo-kakeibo');
    expect(page.html).toContain('/admin/audit/export?partnerId=demo-kakeibo&amp;format=jsonl');

    const jsonl = await staff.get('/admin/audit/export?partnerId=demo-kakeibo&format=jsonl');
    expect(jsonl.status).toBe(200);
    expect(jsonl.headers.get('content-type')).toContain('application/x-ndjson');
    // Named in Japan time, as the screen shows times; each row's time the same instant at +09:00.
    expect(jsonl.headers.get('content-disposition')).toBe(
      `attachment; filename="${exportFileName('audit', server.clock.now(), 'jsonl')}"`,
    );
    expect(jsonl.headers.get('content-disposition')).toMatch(/filename="audit-\d{4}-\d{2}-\d{2}-\d{6}-JST\.jsonl"/);
    const events = jsonl.html
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line) as { kind: string; partnerId?: string; actor?: string; time: string });
    expect(events.every((e) => e.time.endsWith('+09:00'))).toBe(true);
    expect(events.map((e) => e.kind)).toEqual(
      expect.arrayContaining(['consent.granted', 'data.access', 'grant.ended']),
    );
    expect(events.every((e) => e.partnerId === 'demo-kakeibo')).toBe(true);

    const csv = await staff.get('/admin/audit/export?partnerId=demo-kakeibo&kind=grant.ended&format=csv');
    expect(csv.headers.get('content-type')).toContain('text/csv');
    const lines = csv.html
      .replace(/^\uFEFF/, '')
      .trim()
      .split('\r\n');
    expect(lines[0]).toBe(
      'time,kind,result,actor,partnerId,customerId,accountIds,requestId,grantId,details,id,instance,chain,seq',
    );
    expect(lines.slice(1).some((l) => l.includes(',grant.ended,success,demo-operator,demo-kakeibo,'))).toBe(true);

    const exported = await server.app.audit.query({ kind: 'admin.audit.exported' });
    expect(exported.filter((e) => e.actor === 'demo-auditor').map((e) => e.details?.format)).toEqual(['jsonl', 'csv']);
  });

  test('an operator cannot export: no links, and 403', async () => {
    const { staff } = await logIn(server, demoStaff.operator);
    expect((await staff.get('/admin/audit')).html).not.toContain('/admin/audit/export');
    expect((await staff.get('/admin/audit/export?format=jsonl')).status).toBe(403);
    expect(
      (
        await staff.get(
          `/admin/audit/incident?customerId=${customerId}&from=2000-01-01T00:00&to=2100-01-01T00:00&format=jsonl`,
        )
      ).status,
    ).toBe(403);
  });

  test('the incident export for the customer lists the identity check, the consent, the token, the data call and the revocation, in order', async () => {
    const { staff } = await logIn(server, demoStaff.auditor);
    const from = encodeURIComponent(toJstLocal(startedAt - 60_000));
    const to = encodeURIComponent(toJstLocal(server.clock.now() + 60_000));
    const file = await staff.get(`/admin/audit/incident?customerId=${customerId}&from=${from}&to=${to}&format=jsonl`);
    expect(file.status).toBe(200);
    expect(file.headers.get('content-disposition')).toMatch(/filename="incident-\d{4}-\d{2}-\d{2}-\d{6}-JST\.jsonl"/);
    const kinds = file.html
      .trim()
      .split('\n')
      .map((l) => (JSON.parse(l) as { kind: string }).kind);
    const order = ['identity_check.success', 'consent.granted', 'token.issued', 'data.access', 'grant.ended'].map((k) =>
      kinds.indexOf(k),
    );
    expect(order.every((i) => i >= 0)).toBe(true);
    expect([...order].sort((a, b) => a - b)).toEqual(order);
    expect((await server.app.audit.query({ kind: 'admin.incident.exported' })).at(-1)).toMatchObject({
      actor: 'demo-auditor',
      customerId,
      details: { format: 'jsonl', limitToPartner: false },
    });

    const partnerCopy = await staff.get(
      `/admin/audit/incident?partnerId=demo-kakeibo&limitToPartner=on&from=${from}&to=${to}&format=csv`,
    );
    expect(partnerCopy.status).toBe(200);
    expect(partnerCopy.html).not.toContain(customerId);
    expect(partnerCopy.html.replace(/^\uFEFF/, '').split('\r\n')[0]).toContain(',sub,');
  });

  test('an incident export without a customer or partner, or without a range, answers 400', async () => {
    const { staff } = await logIn(server, demoStaff.auditor);
    expect(
      (await staff.get('/admin/audit/incident?from=2000-01-01T00:00&to=2100-01-01T00:00&format=jsonl')).status,
    ).toBe(400);
    expect((await staff.get(`/admin/audit/incident?customerId=${customerId}&format=jsonl`)).status).toBe(400);
  });
});
