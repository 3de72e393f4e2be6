import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { AccountType } from '../../src/core-banking/port.ts';
import { customerIdOf, customers, ROOT } from '../support/demo.ts';
import { link, partnerFor } from '../support/linkage.ts';
import { startServer, type TestServer } from '../support/server.ts';
import { partnerKeyPair } from '../support/temp-partners.ts';
import { adminApi, requestAdminToken, type ApiAnswer } from './support/admin-api.ts';
import { adminOpenApiValidator, type OpenApiDoc } from './support/openapi.ts';

/**
 * The admin API for the bank's own systems: who may call it (internal clients' client-credentials
 * tokens for this API, admin:read to read, admin:write to change), the same operations as the
 * console, each body checked by its JSON Schema, every answer as the OpenAPI document says.
 */

const doc = JSON.parse(readFileSync(join(ROOT, 'docs/openapi/admin-api.json'), 'utf8')) as OpenApiDoc;
const openapi = adminOpenApiValidator(doc);

let server: TestServer;
let call: ReturnType<typeof adminApi>;
beforeAll(async () => {
  server = await startServer();
  call = adminApi(server, (await requestAdminToken(server)).access_token);
});
afterAll(async () => {
  await server?.close();
});

/** Calls the API and holds the answer to the document (`template` is the documented path). */
const documented = async (method: string, template: string, path: string, body?: unknown): Promise<ApiAnswer> => {
  const answer = await call(method, path, body);
  if (answer.headers.get('content-type')?.startsWith('application/json'))
    openapi.check(method, template, answer.status, answer.body);
  return answer;
};

describe('who may call it', () => {
  test('the OpenAPI document is served without a token, as committed', async () => {
    const res = await fetch(`${server.url}/admin/api/v1/openapi.json`);
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual(doc);
  });

  test('no token: 401 with a Bearer challenge', async () => {
    const answer = await adminApi(server, undefined)('GET', '/partners');
    expect(answer.status).toBe(401);
    expect(answer.headers.get('www-authenticate')).toMatch(/^Bearer/);
    expect(answer.body).toEqual({ errorCode: 'unauthorized', errorMessage: expect.any(String) });
  });

  test("an internal client's token is accepted; the same client's token for another API is not", async () => {
    expect((await call('GET', '/partners')).status).toBe(200);
    const coreEvents = await requestAdminToken(server, {
      clientId: 'bank-core-events',
      scope: 'core:events',
      resource: `${server.url}/core-events`,
    });
    const answer = await adminApi(server, coreEvents.access_token)('GET', '/partners');
    expect(answer.status).toBe(401);
    expect(answer.headers.get('www-authenticate')).toContain('invalid_token');
  });

  test("a partner's access token is refused (401)", async () => {
    const partner = await partnerFor(server);
    const { tokens } = await link(server, partner, customers.allTypes);
    const answer = await adminApi(server, tokens.access_token)('GET', '/partners');
    expect(answer.status).toBe(401);
    expect(answer.body.errorCode).toBe('invalid_token');
  });

  test('admin:read alone reads but cannot change anything (403 insufficient_scope)', async () => {
    const readOnly = adminApi(server, (await requestAdminToken(server, { scope: 'admin:read' })).access_token);
    expect((await readOnly('GET', '/restrictions')).status).toBe(200);
    const refused = await readOnly('POST', '/partners/demo-kaikei/suspend', { reason: 'x' });
    expect(refused.status).toBe(403);
    expect(refused.headers.get('www-authenticate')).toContain('insufficient_scope');
    expect((await server.app.partners.find('demo-kaikei'))!.partner.status).toBe('active');
  });

  test("an unknown operation answers 404 in the API's error shape", async () => {
    const answer = await call('GET', '/no-such-thing');
    expect(answer.status).toBe(404);
    expect(answer.body.errorCode).toBe('not_found');
  });
});

describe('bodies are checked by their JSON Schemas', () => {
  test('a missing or blank reason, an unknown field, a body that is not JSON or not JSON at all: 400 / 415, nothing done', async () => {
    for (const body of [{}, { reason: '  ' }, { reason: 'x', extra: 1 }]) {
      const answer = await documented('POST', '/partners/{clientId}/suspend', '/partners/demo-kaikei/suspend', body);
      expect(answer.status).toBe(400);
      expect(answer.body.errorCode).toBe('invalid_request');
    }
    expect((await call('POST', '/partners/demo-kaikei/suspend', '{"reason":')).status).toBe(400);
    expect(
      (
        await call('POST', '/partners/demo-kaikei/suspend', 'reason=x', {
          'content-type': 'application/x-www-form-urlencoded',
        })
      ).status,
    ).toBe(415);
    expect((await server.app.partners.find('demo-kaikei'))!.partner.status).toBe('active');
  });
});

describe('operations', () => {
  test('customers: look up by account, list linkages, end them all, unlock', async () => {
    const partner = await partnerFor(server);
    const linked = await link(server, partner, customers.allTypes);
    const customerId = await customerIdOf(server, customers.allTypes);

    const found = await documented('POST', '/customers/lookup', '/customers/lookup', {
      branchCode: customers.allTypes.branch,
      accountType: 'ordinary',
      accountNumber: customers.allTypes.accountNumber,
    });
    expect(found).toMatchObject({ status: 200, body: { customerId } });
    expect(
      (
        await documented('POST', '/customers/lookup', '/customers/lookup', {
          branchCode: '999',
          accountType: 'ordinary',
          accountNumber: '0000000',
        })
      ).status,
    ).toBe(404);

    const listed = await documented('GET', '/customers/{customerId}/linkages', `/customers/${customerId}/linkages`);
    expect(listed.body.linkages.map((l: { partnerId: string }) => l.partnerId)).toContain('demo-kakeibo');

    const ref = {
      branchCode: customers.lockable.branch,
      accountType: 'ordinary' as AccountType,
      accountNumber: customers.lockable.accountNumber,
    };
    for (let i = 0; i < 5; i += 1) await server.app.coreBanking.recordLoginFailure(ref, 5);
    const unlocked = await documented('POST', '/customers/unlock', '/customers/unlock', {
      ...ref,
      reason: '窓口で本人確認',
    });
    expect(unlocked).toMatchObject({ status: 200, body: { unlocked: true } });
    expect(await server.app.coreBanking.loginFailures(ref)).toEqual({ consecutiveFailures: 0, locked: false });

    const ended = await documented(
      'POST',
      '/customers/{customerId}/linkages/end',
      `/customers/${customerId}/linkages/end`,
      { reason: '不正利用の疑い' },
    );
    expect(ended.body.ended).toBeGreaterThanOrEqual(1);
    expect(
      (await partner.resource(`${server.url}/api/v1/accounts`, linked.tokens.access_token, linked.pending.dpopKeys))
        .status,
    ).toBe(401);
    expect((await server.app.audit.query({ kind: 'admin.customer.linkages_ended', customerId })).at(-1)).toMatchObject({
      actor: 'bank-admin-system',
      details: { via: 'api', reason: '不正利用の疑い' },
    });
  });

  test('linkages: detail (masked accounts, trail), end one, then the record of its ending', async () => {
    const partner = await partnerFor(server);
    const linked = await link(server, partner, customers.allTypes);
    const [grantId] = await server.app.grants.idsOfCustomer(await customerIdOf(server, customers.allTypes));
    const detail = await documented('GET', '/linkages/{grantId}', `/linkages/${grantId}`);
    expect(detail.body).toMatchObject({ grantId, state: 'live', partnerId: 'demo-kakeibo' });
    expect(detail.text).not.toContain(customers.allTypes.accountNumber);
    expect(detail.body.trail.map((e: { kind: string }) => e.kind)).toContain('consent.granted');

    const ended = await documented('POST', '/linkages/{grantId}/end', `/linkages/${grantId}/end`, {
      reason: 'API経由の終了',
    });
    expect(ended.body).toEqual({ grantId, ended: true });
    expect(
      (await partner.resource(`${server.url}/api/v1/accounts`, linked.tokens.access_token, linked.pending.dpopKeys))
        .status,
    ).toBe(401);
    const after = await documented('GET', '/linkages/{grantId}', `/linkages/${grantId}`);
    expect(after.body).toMatchObject({
      state: 'ended',
      ending: { reason: 'revoked_by_bank', actor: 'bank-admin-system', note: 'API経由の終了' },
    });
    expect(
      (await documented('POST', '/linkages/{grantId}/end', `/linkages/${grantId}/end`, { reason: 'again' })).status,
    ).toBe(404);
    expect((await documented('GET', '/linkages/{grantId}', '/linkages/nothing-here')).status).toBe(404);
  });

  test('partners: list, one, add (201), replace (200), suspend, reinstate, linkages, end them all', async () => {
    const list = await documented('GET', '/partners', '/partners');
    expect(list.body.partners.find((p: { clientId: string }) => p.clientId === 'demo-kakeibo')).toMatchObject({
      status: 'active',
      source: { file: 'config/demo/partners/demo-kakeibo.json' },
    });

    const keys = await partnerKeyPair('api-partner-key');
    const definition = {
      client_id: 'api-partner',
      name: { ja: 'API追加', en: 'Added by API' },
      redirect_uris: ['https://api-partner.example/cb'],
      jwks: { keys: [keys.publicJwk] },
      scopes: ['openid', 'accounts'],
      account_types: ['ordinary'],
    };
    const added = await documented('PUT', '/partners/{clientId}', '/partners/api-partner', {
      definition,
      reason: '新規指定',
    });
    expect(added.status).toBe(201);
    expect(added.body).toMatchObject({
      clientId: 'api-partner',
      status: 'active',
      definition: { profile: 'fapi2', token_endpoint_auth_method: 'private_key_jwt' },
    });
    const replaced = await documented('PUT', '/partners/{clientId}', '/partners/api-partner', {
      definition: { ...definition, name: { ja: '改名', en: 'Renamed' } },
      reason: '名称変更',
    });
    expect(replaced).toMatchObject({
      status: 200,
      body: {
        name: { ja: '改名' },
        source: { override: { definitionChanged: true, changedBy: 'bank-admin-system', reason: '名称変更' } },
      },
    });
    const mismatch = await documented('PUT', '/partners/{clientId}', '/partners/other-id', { definition, reason: 'x' });
    expect(mismatch.status).toBe(400);
    const invalid = await documented('PUT', '/partners/{clientId}', '/partners/api-partner', {
      definition: { ...definition, scopes: ['admin:read'] },
      reason: 'x',
    });
    expect(invalid.status).toBe(400);
    expect(invalid.body.errorMessage).toContain('scopes.0: must be one of');
    const internal = await documented('PUT', '/partners/{clientId}', '/partners/bank-admin-system', {
      definition: { ...definition, client_id: 'bank-admin-system' },
      reason: 'x',
    });
    expect(internal.status).toBe(409);

    const suspended = await documented('POST', '/partners/{clientId}/suspend', '/partners/api-partner/suspend', {
      reason: '停止',
    });
    expect(suspended.body).toMatchObject({
      status: 'suspended',
      source: { override: { status: 'suspended', reason: '停止' } },
    });
    expect(await server.app.partnerStatus.isActive('api-partner')).toBe(false);
    const reinstated = await documented('POST', '/partners/{clientId}/reinstate', '/partners/api-partner/reinstate', {
      reason: '再開',
    });
    expect(reinstated.body.status).toBe('active');
    expect(
      (await documented('POST', '/partners/{clientId}/suspend', '/partners/nobody/suspend', { reason: 'x' })).status,
    ).toBe(404);

    const kaikei = await partnerFor(server, 'demo-kaikei');
    await link(server, kaikei, customers.twoBranches, { scope: 'offline_access accounts deposits' });
    const linkages = await documented('GET', '/partners/{clientId}/linkages', '/partners/demo-kaikei/linkages');
    expect(linkages.body.linkages.length).toBeGreaterThanOrEqual(1);
    const ended = await documented('POST', '/partners/{clientId}/linkages/end', '/partners/demo-kaikei/linkages/end', {
      reason: '契約終了',
    });
    expect(ended.body.ended).toBe(linkages.body.linkages.length);
    expect(await server.app.grants.idsOfPartner('demo-kaikei')).toEqual([]);
  });

  test('restrictions: set one (201), list, lift; a past end or an unknown partner is refused', async () => {
    const set = await documented('POST', '/restrictions', '/restrictions', {
      scope: { kind: 'partner', partnerId: 'demo-kakeibo' },
      message: { ja: '調査中', en: 'Investigating' },
      reason: '調査',
      until: new Date(server.clock.now() + 3_600_000).toISOString(),
    });
    expect(set.status).toBe(201);
    expect(set.body).toMatchObject({
      scope: { kind: 'partner', partnerId: 'demo-kakeibo' },
      setBy: 'bank-admin-system',
      reason: '調査',
    });
    const listed = await documented('GET', '/restrictions', '/restrictions');
    expect(listed.body.restrictions.map((r: { id: string }) => r.id)).toEqual([set.body.id]);
    expect(server.app.availability.check('data_api', 'demo-kakeibo').open).toBe(false);

    const lifted = await documented('POST', '/restrictions/{id}/lift', `/restrictions/${set.body.id}/lift`, {
      reason: '解除',
    });
    expect(lifted.body).toEqual({ id: set.body.id, lifted: true });
    expect(server.app.availability.check('data_api', 'demo-kakeibo').open).toBe(true);
    expect(
      (await documented('POST', '/restrictions/{id}/lift', `/restrictions/${set.body.id}/lift`, { reason: 'again' }))
        .status,
    ).toBe(404);

    const past = await documented('POST', '/restrictions', '/restrictions', {
      scope: { kind: 'service' },
      message: { ja: 'a', en: 'b' },
      reason: 'x',
      until: '2001-01-01T00:00:00Z',
    });
    expect(past.status).toBe(400);
    const unknown = await documented('POST', '/restrictions', '/restrictions', {
      scope: { kind: 'partner', partnerId: 'nobody' },
      message: { ja: 'a', en: 'b' },
      reason: 'x',
    });
    expect(unknown.status).toBe(404);
    const badScope = await documented('POST', '/restrictions', '/restrictions', {
      scope: { kind: 'surface', surface: 'admin' },
      message: { ja: 'a', en: 'b' },
      reason: 'x',
    });
    expect(badScope.status).toBe(400);
    expect(await server.app.availability.restrictions.list()).toEqual([]);
  });

  test('audit: events by filter, export files and the incident export, each export audited', async () => {
    const events = await documented('GET', '/audit/events', '/audit/events?kind=admin.&limit=500');
    expect(events.body.events.length).toBeGreaterThan(0);
    expect(events.body.events.every((e: { kind: string }) => e.kind.startsWith('admin.'))).toBe(true);
    expect((await call('GET', '/audit/events?from=yesterday')).status).toBe(400);

    const jsonl = await call('GET', '/audit/export?partnerId=demo-kakeibo&format=jsonl');
    expect(jsonl.status).toBe(200);
    expect(jsonl.headers.get('content-type')).toContain('application/x-ndjson');
    expect(
      jsonl.text
        .trim()
        .split('\n')
        .every((l) => JSON.parse(l).partnerId === 'demo-kakeibo'),
    ).toBe(true);
    const csv = await call('GET', '/audit/export?kind=grant.ended&format=csv');
    expect(csv.headers.get('content-type')).toContain('text/csv');
    expect(csv.text.replace(/^\uFEFF/, '').split('\r\n')[0]).toMatch(/^time,kind,result,actor/);

    const customerId = await customerIdOf(server, customers.allTypes);
    const from = new Date(server.clock.now() - 86_400_000).toISOString();
    const to = new Date(server.clock.now() + 60_000).toISOString();
    const incident = await call('GET', `/audit/incident?customerId=${customerId}&from=${from}&to=${to}&format=jsonl`);
    expect(incident.status).toBe(200);
    expect(incident.text).toContain('"kind":"consent.granted"');
    expect((await call('GET', `/audit/incident?customerId=${customerId}&format=jsonl`)).status).toBe(400);
    expect((await call('GET', `/audit/incident?from=${from}&to=${to}&format=jsonl`)).status).toBe(400);

    const exported = await server.app.audit.query({ kind: 'admin.', partnerId: undefined });
    const byApi = exported.filter(
      (e) =>
        e.actor === 'bank-admin-system' && (e.kind === 'admin.audit.exported' || e.kind === 'admin.incident.exported'),
    );
    expect(byApi.map((e) => e.kind)).toEqual([
      'admin.audit.exported',
      'admin.audit.exported',
      'admin.incident.exported',
    ]);
  });
});
