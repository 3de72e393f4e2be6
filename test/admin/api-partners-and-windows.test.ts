import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { customers, ROOT } from '../support/demo.ts';
import { link, partnerFor } from '../support/linkage.ts';
import { startServer, type TestServer } from '../support/server.ts';
import { adminApi, requestAdminToken } from './support/admin-api.ts';
import { adminOpenApiValidator, type OpenApiDoc } from './support/openapi.ts';

/**
 * Terms 1.2(2): a partner the bank removes has every one of its linkages ended; mTLS partners
 * need mTLS on. Terms 2.1, 7.3: operators' one-off maintenance windows through the admin API.
 */
const openapi = adminOpenApiValidator(
  JSON.parse(readFileSync(join(ROOT, 'docs/openapi/admin-api.json'), 'utf8')) as OpenApiDoc,
);

let server: TestServer;
beforeAll(async () => {
  server = await startServer();
});
afterAll(async () => {
  await server?.close();
});

test('removing a partner ends all its linkages at once; it can start no flow; other partners are untouched', async () => {
  const kaikei = await partnerFor(server, 'demo-kaikei');
  const kakeibo = await partnerFor(server, 'demo-kakeibo');
  const a = await link(server, kaikei, customers.allTypes, { scope: 'offline_access accounts' });
  const b = await link(server, kaikei, customers.twoBranches, { scope: 'offline_access accounts' });
  const other = await link(server, kakeibo, customers.allTypes);

  const call = adminApi(server, (await requestAdminToken(server)).access_token);
  const answer = await call('POST', '/partners/demo-kaikei/remove', { reason: 'designation withdrawn' });
  openapi.check('POST', '/partners/{clientId}/remove', answer.status, answer.body);
  expect(answer).toMatchObject({ status: 200, body: { ended: 2 } });

  for (const linked of [a, b]) {
    expect(
      (await kaikei.resource(`${server.url}/api/v1/accounts`, linked.tokens.access_token, linked.pending.dpopKeys))
        .status,
    ).toBe(401);
  }
  await expect(kaikei.startAuthorization({ scope: 'offline_access accounts' })).rejects.toMatchObject({
    error: 'invalid_client',
  });
  expect(
    (await kakeibo.resource(`${server.url}/api/v1/accounts`, other.tokens.access_token, other.pending.dpopKeys)).status,
  ).toBe(200);
  expect(await server.app.grants.idsOfPartner('demo-kaikei')).toEqual([]);
  const endings = (await server.app.audit.query({ kind: 'grant.ended', partnerId: 'demo-kaikei' })).map(
    (e) => e.details?.reason,
  );
  expect(endings).toEqual(['partner_removed', 'partner_removed']);

  expect((await call('GET', '/partners/demo-kaikei')).status).toBe(404);
});

test('adding a partner that authenticates with mTLS is refused while mTLS is off (as a partner file would be)', async () => {
  const call = adminApi(server, (await requestAdminToken(server)).access_token);
  const definition = {
    client_id: 'mtls-newcomer',
    name: { ja: 'エムティーエルエス', en: 'mTLS newcomer' },
    redirect_uris: ['https://mtls-newcomer.example/callback'],
    token_endpoint_auth_method: 'tls_client_auth',
    tls_client_auth_subject_dn: 'CN=mtls-newcomer.example,O=Newcomer,C=JP',
    scopes: ['offline_access', 'accounts'],
    account_types: ['ordinary'],
  };
  const answer = await call('PUT', '/partners/mtls-newcomer', { definition, reason: 'new partner' });
  openapi.check('PUT', '/partners/{clientId}', answer.status, answer.body);
  expect(answer.status).toBe(400);
  expect(JSON.stringify(answer.body)).toContain('needs mTLS');
  expect((await call('GET', '/partners/mtls-newcomer')).status).toBe(404);
});

test('operators add a one-off maintenance window through the API: the data API closes in it, service-status lists it, removing it reopens', async () => {
  const call = adminApi(server, (await requestAdminToken(server)).access_token);
  const jst = (ms: number) => new Date(ms + 9 * 3600_000).toISOString().slice(0, 19) + '+09:00';
  const from = server.clock.now() + 120_000;
  const window = {
    id: 'core-upgrade',
    surfaces: ['data_api'],
    from: jst(from),
    to: jst(from + 7200_000),
    reason: 'core system upgrade',
  };
  const added = await call('POST', '/maintenance-windows', window);
  openapi.check('POST', '/maintenance-windows', added.status, added.body);
  expect(added).toMatchObject({ status: 201, body: window });
  const listed = await call('GET', '/maintenance-windows');
  openapi.check('GET', '/maintenance-windows', listed.status, listed.body);
  expect((listed.body as { windows: { id: string }[] }).windows.map((w) => w.id)).toContain('core-upgrade');

  const status = await (await fetch(`${server.url}/api/v1/service-status`)).text();
  expect(status).toContain(window.from);

  server.clock.set(from + 60_000);
  const closed = await fetch(`${server.url}/api/v1/accounts`);
  expect(closed.status).toBe(503);
  expect(Number(closed.headers.get('retry-after'))).toBe(7200 - 60);

  const invalid = await call('POST', '/maintenance-windows', {
    ...window,
    id: 'backwards',
    from: window.to,
    to: window.from,
  });
  expect(invalid.status).toBe(400);

  const removed = await call('POST', '/maintenance-windows/core-upgrade/remove', { reason: 'upgrade postponed' });
  openapi.check('POST', '/maintenance-windows/{id}/remove', removed.status, removed.body);
  expect(removed.status).toBe(200);
  expect((await fetch(`${server.url}/api/v1/accounts`)).status).toBe(401);
  expect((await call('POST', '/maintenance-windows/core-upgrade/remove', { reason: 'again' })).status).toBe(404);
});
