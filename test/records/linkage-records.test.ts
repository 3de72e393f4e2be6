import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { AccountType } from '../../src/core-banking/port.ts';
import { createPostgresRecordStore, type RecordStore } from '../../src/records/index.ts';
import { adminApi, requestAdminToken, type ApiAnswer } from '../admin/support/admin-api.ts';
import { adminOpenApiValidator, type OpenApiDoc } from '../admin/support/openapi.ts';
import { CustomerAgent } from '../support/customer-agent.ts';
import { customers, ROOT } from '../support/demo.ts';
import { DEFAULT_SCOPE, link, partnerFor } from '../support/linkage.ts';
import { freshRecordDatabase, type RecordDatabase } from '../support/records.ts';
import { startServer, type TestServer } from '../support/server.ts';

// Consent evidence and linkage history in PostgreSQL, read by operators through the admin API.
const openapi = adminOpenApiValidator(
  JSON.parse(readFileSync(join(ROOT, 'docs/openapi/admin-api.json'), 'utf8')) as OpenApiDoc,
);
let db: RecordDatabase;
let records: RecordStore;
let server: TestServer;
let call: ReturnType<typeof adminApi>;

beforeAll(async () => {
  db = await freshRecordDatabase();
  records = createPostgresRecordStore({ url: db.url, ownerUrl: db.ownerUrl });
  server = await startServer({ overrides: { records } });
  call = adminApi(server, (await requestAdminToken(server)).access_token);
});
afterAll(async () => {
  await server?.close();
  await db?.drop();
});

const documented = async (template: string, path: string): Promise<ApiAnswer> => {
  const answer = await call('GET', path);
  openapi.check('GET', template, answer.status, answer.body);
  return answer;
};

const customerId = async () =>
  (await server.app.coreBanking.customerIdOf({
    branchCode: customers.allTypes.branch,
    accountType: customers.allTypes.accountType as AccountType,
    accountNumber: customers.allTypes.accountNumber,
  }))!;

describe('linkage records in PostgreSQL', () => {
  it('keeps what the customer agreed to, and the linkage with its ending after the grant is gone', async () => {
    const partner = await partnerFor(server);
    const linked = await link(server, partner, customers.allTypes);
    const id = await customerId();
    const [made] = await records.linkageHistory(id);
    expect(made.consent).toMatchObject({
      customerId: id,
      partnerId: 'demo-kakeibo',
      scopes: expect.arrayContaining(['accounts', 'deposits', 'time_deposits']),
      identifiedBy: 'pin+totp',
      sourceAddress: expect.any(String),
    });
    expect(made.consent!.termsSha256).toMatch(/^[0-9a-f]{64}$/);
    expect(Date.parse(made.consent!.expiresShown!)).toBeGreaterThan(server.clock.now());
    expect(made.consent!.accounts.every((a) => /^\*+\d{3}$/.test(a.maskedNumber))).toBe(true);

    // A data call names the customer in the trail.
    const res = await partner.resource(
      `${server.url}/api/v1/accounts`,
      linked.tokens.access_token,
      linked.pending.dpopKeys,
    );
    expect(res.status).toBe(200);
    const calls = await server.app.audit.search({ customerId: id, kind: 'data.access' }, { limit: 10 });
    expect(calls.events[0]).toMatchObject({ customerId: id, partnerId: 'demo-kakeibo' });

    await server.app.admin.ops.linkages.endCustomer(id, 'phone stolen', { name: 'staff.tanaka', via: 'api' });
    expect(await server.app.grants.idsOfCustomer(id)).toEqual([]);
    await server.app.audit.flush();
    await server.app.archiver.drain();
    const answer = await documented('/customers/{customerId}/linkage-history', `/customers/${id}/linkage-history`);
    expect(answer.status).toBe(200);
    const history = (
      answer.body as { linkages: { grantId: string; ended?: Record<string, unknown>; events: { kind: string }[] }[] }
    ).linkages;
    expect(history).toHaveLength(1);
    expect(history[0].grantId).toBe(made.grantId);
    expect(history[0].events.map((e) => e.kind)).toEqual(['made', 'ended']);
    expect(history[0].ended).toMatchObject({ actor: 'staff.tanaka', reason: 'revoked_by_bank' });
  });

  it('searches the trail page by page through the admin API, past any number of rows, with every filter', async () => {
    const id = await customerId();
    const seen = new Set<string>();
    let cursor: string | undefined;
    let pages = 0;
    do {
      const answer = await documented(
        '/audit/search',
        `/audit/search?customerId=${id}&limit=3${cursor ? `&cursor=${cursor}` : ''}`,
      );
      expect(answer.status).toBe(200);
      const body = answer.body as { events: { id: string; customerId?: string }[]; next?: string };
      for (const e of body.events) seen.add(e.id);
      cursor = body.next;
      pages += 1;
    } while (cursor);
    expect(pages).toBeGreaterThan(2);
    const all = await server.app.audit.query({ customerId: id });
    expect(seen.size).toBe(all.length);
    expect((await call('GET', '/audit/search?cursor=not-a-cursor')).status).toBe(400);
    expect((await call('GET', '/audit/search?result=maybe')).status).toBe(400);
    const denied = await documented('/audit/search', `/audit/search?result=success&kind=grant.ended&customerId=${id}`);
    expect((denied.body as { events: unknown[] }).events).toHaveLength(1);
  });

  it('makes no linkage when its consent evidence cannot be written: the customer gets 503', async () => {
    const down = createPostgresRecordStore({ url: 'postgres://nobody@127.0.0.1:1/none' });
    const other = await startServer({ overrides: { records: down } });
    try {
      const partner = await partnerFor(other);
      other.clock.advance(31_000);
      const pending = await partner.startAuthorization({ scope: DEFAULT_SCOPE });
      const agent = new CustomerAgent(`${other.url}/demo/callback`);
      const otpPage = await agent.login(await agent.request(pending.authorizationUrl), customers.twoBranches);
      const consentPage = await agent.otp(otpPage, customers.twoBranches, other.clock.now());
      const answer = await agent.consent(
        consentPage,
        'agree',
        CustomerAgent.checkboxValues(consentPage.html, 'accounts'),
      );
      expect(answer.status).toBe(503);
      const twoBranches = await other.app.coreBanking.customerIdOf({
        branchCode: customers.twoBranches.branch,
        accountType: customers.twoBranches.accountType as AccountType,
        accountNumber: customers.twoBranches.accountNumber,
      });
      expect(await other.app.grants.idsOfCustomer(twoBranches!)).toEqual([]);
    } finally {
      await other.close();
    }
  });
});
