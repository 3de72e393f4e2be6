import * as oauth from 'oauth4webapi';
import { createPartnerClient } from '../../src/demo-partner/partner-client.ts';
import { demoPrivateJwk } from '../support/demo.ts';
import { insecure, privateKeyJwt } from '../support/internal-clients.ts';
import { partnerFor } from '../support/linkage.ts';
import { startServer, type TestServer } from '../support/server.ts';
import { requestAdminToken } from './support/admin-api.ts';

/**
 * The admin scopes exist only for the bank's internal clients, through client credentials: a
 * partner can never obtain them, whatever it asks for and wherever.
 */

let server: TestServer;
beforeAll(async () => {
  server = await startServer();
});
afterAll(async () => {
  await server?.close();
});

const adminResource = () => `${server.url}/admin/api/v1`;

test('a partner asking for admin:read in its pushed authorization request is refused (invalid_scope)', async () => {
  const partner = await partnerFor(server);
  await expect(partner.startAuthorization({ scope: 'openid accounts admin:read' })).rejects.toMatchObject({
    error: 'invalid_scope',
  });
  await expect(partner.startAuthorization({ scope: 'admin:write' })).rejects.toMatchObject({ error: 'invalid_scope' });
});

test('a partner naming the admin API as the resource of its authorization is refused (invalid_target)', async () => {
  const partner = await partnerFor(server);
  await expect(
    partner.startAuthorization({ scope: 'openid accounts', resource: adminResource() }),
  ).rejects.toMatchObject({ error: 'invalid_target' });
});

test('a partner cannot use client credentials at the token endpoint, for the admin API or at all', async () => {
  const partner = await createPartnerClient({
    issuer: server.url,
    clientId: 'demo-kakeibo',
    privateJwk: demoPrivateJwk('demo-kakeibo') as never,
    redirectUri: `${server.url}/demo/callback`,
    allowHttp: true,
  });
  const response = await oauth.clientCredentialsGrantRequest(
    partner.as,
    partner.client,
    await privateKeyJwt('demo-kakeibo'),
    new URLSearchParams({ scope: 'admin:read admin:write', resource: adminResource() }),
    insecure,
  );
  expect(response.status).toBe(400);
  expect(await response.json()).toMatchObject({
    error: 'invalid_request',
    error_description: 'requested grant type is not allowed for this client',
  });
});

test("the bank's admin system gets exactly the admin scopes it asks for, for the admin API", async () => {
  expect((await requestAdminToken(server)).scope).toBe('admin:read admin:write');
  expect((await requestAdminToken(server, { scope: 'admin:read' })).scope).toBe('admin:read');
});

test('an internal client with other scopes cannot get admin ones', async () => {
  await expect(requestAdminToken(server, { clientId: 'bank-core-events', scope: 'admin:read' })).rejects.toMatchObject({
    error: expect.stringMatching(/invalid_scope|invalid_target/),
  });
});

test('an internal client cannot run the authorization flow', async () => {
  const internal = await createPartnerClient({
    issuer: server.url,
    clientId: 'bank-admin-system',
    privateJwk: demoPrivateJwk('bank-admin-system') as never,
    redirectUri: 'https://bank.invalid/cb',
    allowHttp: true,
  });
  await expect(internal.startAuthorization({ scope: 'admin:read' })).rejects.toThrow();
});
