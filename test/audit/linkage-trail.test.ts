import type { AuditExportFormat, RecordedAuditEvent } from '../../src/audit/audit-log.ts';
import { exportIncident, type IncidentRequest } from '../../src/audit/incident-export.ts';
import { tokenIdHash } from '../../src/audit/provider-events.ts';
import { CHECKPOINTS_STREAM, readEventEntries } from '../../src/audit/trail-stream.ts';
import type { PartnerClient } from '../../src/demo-partner/partner-client.ts';
import { pairwiseSubject } from '../../src/shared/pairwise.ts';
import { totp } from '../../src/shared/totp.ts';
import { customers } from '../support/demo.ts';
import { link, partnerFor } from '../support/linkage.ts';
import { startServer, type TestServer } from '../support/server.ts';

const CUSTOMER_ID = '0000100001'; // customers.allTypes
let server: TestServer;
let kakeibo: PartnerClient;

beforeAll(async () => {
  server = await startServer();
  kakeibo = await partnerFor(server, 'demo-kakeibo');
});
afterAll(async () => {
  await server.close();
});

type Linked = Awaited<ReturnType<typeof link>>;
const call = async (partner: PartnerClient, linked: Linked, path: string) => {
  const res = await partner.resource(
    `${server.url}/api/v1${path}`,
    linked.tokens.access_token,
    linked.pending.dpopKeys,
  );
  expect(res.status).toBe(200);
};

const collect = async (lines: AsyncIterable<string>) => {
  let text = '';
  for await (const line of lines) text += line;
  return text;
};
const exported = (request: Omit<IncidentRequest, 'actor'>, format: AuditExportFormat) =>
  collect(
    exportIncident(
      { audit: server.app.audit, pairwiseSalt: server.app.config.secrets.pairwiseSalt },
      { ...request, actor: 'auditor-sato' },
      format,
    ),
  );

/** RFC 4180 rows (quoted fields may hold commas, quotes and line breaks). */
const parseCsv = (text: string): string[][] => {
  const rows: string[][] = [];
  let row: string[] = [];
  let cell = '';
  let quoted = false;
  for (let i = 0; i < text.length; i += 1) {
    const c = text[i];
    if (quoted) {
      if (c === '"' && text[i + 1] === '"') {
        cell += '"';
        i += 1;
      } else if (c === '"') quoted = false;
      else cell += c;
    } else if (c === '"') quoted = true;
    else if (c === ',') {
      row.push(cell);
      cell = '';
    } else if (c === '\r' && text[i + 1] === '\n') {
      row.push(cell);
      rows.push(row);
      row = [];
      cell = '';
      i += 1;
    } else cell += c;
  }
  return rows;
};
const csvRecords = (text: string) => {
  expect(text.startsWith('\uFEFF')).toBe(true);
  const [header, ...rows] = parseCsv(text.slice(1));
  return rows.map((r) => Object.fromEntries(header.map((h, i) => [h, r[i]])));
};

/** The kinds that tell one linkage's story, in the order the export gives them. */
const STORY = new Set(['identity_check.success', 'consent.granted', 'token.issued', 'data.access', 'grant.ended']);

describe('audit trail of a linkage', () => {
  test('oidc-provider events record code and token issuance and refresh by grant id and token hash, never the token', async () => {
    const from = server.clock.now() + 1;
    const linked = await link(server, kakeibo, customers.allTypes);
    const refreshed = await kakeibo.refresh(linked.tokens.refresh_token!, linked.pending.dpopKeys);
    const events = await server.app.audit.query({ partnerId: 'demo-kakeibo', from, kind: 'token.' });
    const grantId = (await server.app.audit.query({ customerId: CUSTOMER_ID, from, kind: 'consent.granted' }))[0]
      .details!.grantId;

    expect(events.map((e) => [e.kind, e.details?.type, e.details?.grantType, e.details?.jtiSha256])).toEqual([
      ['token.issued', 'access_token', 'authorization_code', tokenIdHash(linked.tokens.access_token)],
      ['token.issued', 'refresh_token', 'authorization_code', tokenIdHash(linked.tokens.refresh_token!)],
      ['token.refreshed', 'access_token', 'refresh_token', tokenIdHash(refreshed.access_token)],
    ]);
    for (const e of events) {
      expect(e.details?.grantId).toBe(grantId);
      expect(e.requestId).toMatch(/^[0-9a-f-]{36}$/);
      expect(JSON.stringify(e)).not.toContain(linked.tokens.access_token);
    }
    const codes = await server.app.audit.query({ partnerId: 'demo-kakeibo', from, kind: 'code.' });
    expect(codes.map((e) => [e.kind, e.details?.grantId])).toEqual([
      ['code.issued', grantId],
      ['code.consumed', grantId],
    ]);
  });

  test('the incident export for the customer lists identity check, consent, token issue, each data call and the revocation, in order, in both formats', async () => {
    const from = server.clock.now() + 1;
    const linked = await link(server, kakeibo, customers.allTypes);
    await call(kakeibo, linked, '/accounts');
    await call(kakeibo, linked, '/accounts/balances');
    const [consent] = await server.app.audit.query({ customerId: CUSTOMER_ID, from, kind: 'consent.granted' });
    await server.app.revocation.endGrant(String(consent.details!.grantId), {
      reason: 'revoked_by_customer',
      actor: 'customer',
    });
    const to = server.clock.now() + 1;

    const jsonl = (await exported({ customerId: CUSTOMER_ID, from, to }, 'jsonl'))
      .trimEnd()
      .split('\n')
      .map((l) => JSON.parse(l) as RecordedAuditEvent);
    const grantId = consent.details!.grantId;
    // This linkage's story (the export also shows the end of the customer's earlier linkage, replaced by this one).
    const ofThisLinkage = jsonl.filter((e) => e.details?.grantId === undefined || e.details.grantId === grantId);
    const story = ofThisLinkage
      .filter((e) => STORY.has(e.kind))
      .map(
        (e) =>
          `${e.kind}${e.details?.type ? `:${e.details.type}` : ''}${e.details?.route ? `:${e.details.route}` : ''}`,
      );
    expect(story).toEqual([
      'identity_check.success',
      'consent.granted',
      'token.issued:access_token',
      'token.issued:refresh_token',
      'data.access:/api/v1/accounts',
      'data.access:/api/v1/accounts/balances',
      'grant.ended',
    ]);
    expect(jsonl.filter((e) => e.kind === 'grant.ended').map((e) => e.details?.reason)).toEqual([
      'replaced',
      'revoked_by_customer',
    ]);
    expect(jsonl.every((e) => e.customerId === CUSTOMER_ID || e.details?.grantId === grantId)).toBe(true);
    expect(jsonl.map((e) => e.time)).toEqual([...jsonl.map((e) => e.time)].sort());

    const csv = csvRecords(await exported({ customerId: CUSTOMER_ID, from, to }, 'csv'));
    expect(csv.map((r) => r.kind)).toEqual(jsonl.map((e) => e.kind));
    expect(csv.map((r) => r.id)).toEqual(jsonl.map((e) => e.id));
    expect(csv.find((r) => r.kind === 'grant.ended' && r.grantId === grantId)).toMatchObject({
      customerId: CUSTOMER_ID,
      partnerId: 'demo-kakeibo',
      actor: 'customer',
    });

    // Each export was itself recorded, with who asked; exports are not part of an export.
    const audits = await server.app.audit.query({ kind: 'audit.exported', from });
    expect(audits).toHaveLength(2);
    expect(audits[0]).toMatchObject({ actor: 'auditor-sato', customerId: CUSTOMER_ID, details: { format: 'jsonl' } });
    expect(jsonl.some((e) => e.kind.startsWith('audit.'))).toBe(false);
  });

  test("the variant for one partner holds only its own grants and calls, names the customer by its pairwise sub, and leaves out the bank's internals", async () => {
    const kaikei = await partnerFor(server, 'demo-kaikei');
    const from = server.clock.now() + 1;
    const withKakeibo = await link(server, kakeibo, customers.allTypes);
    const withKaikei = await link(server, kaikei, customers.allTypes, { scope: 'offline_access accounts deposits' });
    await call(kakeibo, withKakeibo, '/accounts');
    await call(kaikei, withKaikei, '/accounts');
    await call(kaikei, withKaikei, '/accounts/balances');
    await server.app.revocation.endCustomerGrants(CUSTOMER_ID, {
      reason: 'revoked_by_bank',
      actor: 'operator-tanaka',
      note: 'internal note: fraud case 42',
    });
    const to = server.clock.now() + 1;

    const request = { customerId: CUSTOMER_ID, from, to, limitToPartner: 'demo-kaikei' };
    const rows = (await exported(request, 'jsonl'))
      .trimEnd()
      .split('\n')
      .map((l) => JSON.parse(l));
    const sub = pairwiseSubject(server.app.config.secrets.pairwiseSalt, 'demo-kaikei', CUSTOMER_ID);
    expect(rows.length).toBeGreaterThan(5);
    expect(rows.every((r) => r.partnerId === 'demo-kaikei')).toBe(true);
    expect(rows.filter((r) => r.kind === 'data.access').map((r) => r.details.route)).toEqual([
      '/api/v1/accounts',
      '/api/v1/accounts/balances',
    ]);
    for (const r of rows) {
      expect(r).not.toHaveProperty('customerId');
      expect(r).not.toHaveProperty('instance');
      expect(r).not.toHaveProperty('chain');
      if (!r.kind.startsWith('token.') && !r.kind.startsWith('code.')) expect(r.sub).toBe(sub);
    }
    const ended = rows.find((r) => r.kind === 'grant.ended');
    expect(ended).toMatchObject({ actor: 'bank', sub, details: { reason: 'revoked_by_bank' } });
    expect(JSON.stringify(rows)).not.toContain('fraud case 42');
    expect(JSON.stringify(rows)).not.toContain('operator-tanaka');

    const csv = csvRecords(await exported(request, 'csv'));
    expect(Object.keys(csv[0])).toEqual([
      'time',
      'kind',
      'result',
      'actor',
      'partnerId',
      'sub',
      'accountIds',
      'requestId',
      'grantId',
      'details',
      'id',
    ]);
    expect(csv.map((r) => r.id)).toEqual(rows.map((r) => r.id));

    const [audit] = await server.app.audit.query({
      kind: 'audit.exported',
      from,
      partnerId: 'demo-kaikei',
      limit: 1,
    });
    expect(audit).toMatchObject({
      actor: 'auditor-sato',
      customerId: CUSTOMER_ID,
      details: { limitToPartner: 'demo-kaikei' },
    });
  });

  test('an export needs a customer or a partner and a time range', async () => {
    await expect(exported({ from: 0, to: 1 }, 'jsonl')).rejects.toThrow(/customer or a partner/);
    await expect(exported({ customerId: CUSTOMER_ID, from: 10, to: 5 }, 'jsonl')).rejects.toThrow(/time range/);
    await expect(
      exported({ partnerId: 'demo-kakeibo', limitToPartner: 'demo-kaikei', from: 0, to: 1 }, 'csv'),
    ).rejects.toThrow(/different partners/);
  });

  test('nothing secret reaches the stored trail or the log lines: no PIN, one-time code, token or full account number', async () => {
    const who = customers.allTypes;
    const linked = await link(server, kakeibo, who);
    const otp = totp(who.totpSecret, server.clock.now());
    await call(kakeibo, linked, '/accounts');
    const refreshed = await kakeibo.refresh(linked.tokens.refresh_token!, linked.pending.dpopKeys);
    await kakeibo.revoke(linked.tokens.refresh_token!);
    await server.app.audit.checkpoint();

    const events = [];
    for await (const entry of readEventEntries(server.app.store)) events.push(entry);
    const stored = [...events, ...(await server.app.store.readStream(CHECKPOINTS_STREAM))]
      .map((e) => e.value)
      // checkpoints are JWS: read their payloads
      .map((v) => (v.startsWith('{') ? v : Buffer.from(v.split('.')[1], 'base64url').toString()));
    const everything = [...stored, ...server.logLines].join('\n');
    expect(stored.length).toBeGreaterThan(10);
    expect(everything).toContain('"kind":"identity_check.success"');
    // As whole values: a PIN's four digits may well occur inside a hash.
    const appears = (secret: string) =>
      new RegExp(`(?<![0-9A-Za-z_-])${secret.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}(?![0-9A-Za-z_-])`).test(
        everything,
      );
    expect(appears(CUSTOMER_ID)).toBe(true); // the search finds what is there
    expect(appears(who.pin)).toBe(false);
    expect(appears(otp)).toBe(false);
    expect(appears(who.accountNumber)).toBe(false);
    expect(appears(who.totpSecret)).toBe(false);
    for (const token of [linked.tokens.access_token, linked.tokens.refresh_token!, refreshed.access_token])
      expect(everything).not.toContain(token);
  });
});
