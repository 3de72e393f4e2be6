import * as oauth from 'oauth4webapi';
import { customers } from '../support/demo.ts';
import { insecure, privateKeyJwt } from '../support/internal-clients.ts';
import { link, partnerFor } from '../support/linkage.ts';
import { CustomerAgent } from '../support/customer-agent.ts';
import { startServer, type TestServer } from '../support/server.ts';

let server: TestServer;
beforeAll(async () => {
  server = await startServer();
});
afterAll(async () => {
  await server.close();
});

const dataCall = async (
  partner: Awaited<ReturnType<typeof partnerFor>>,
  linked: { tokens: { access_token: string }; pending: { dpopKeys: oauth.CryptoKeyPair } },
  path = '/accounts',
) => partner.resource(`${server.url}/api/v1${path}`, linked.tokens.access_token, linked.pending.dpopKeys);

describe('revocation by the partner, RFC 7009 (terms 5.1)', () => {
  test('revoking the refresh token ends the linkage: the access token of the same grant is rejected on the next data call', async () => {
    const partner = await partnerFor(server);
    const linked = await link(server, partner, customers.allTypes);
    await partner.revoke(linked.tokens.refresh_token!);
    expect((await dataCall(partner, linked)).status).toBe(401);
    await expect(partner.refresh(linked.tokens.refresh_token!, linked.pending.dpopKeys)).rejects.toMatchObject({
      error: 'invalid_grant',
    });
  });

  test('revoking an access token revokes that token only: it gets 401, the refresh token still works', async () => {
    const partner = await partnerFor(server);
    const linked = await link(server, partner, customers.allTypes);
    await partner.revoke(linked.tokens.access_token);
    expect((await dataCall(partner, linked)).status).toBe(401);
    const refreshed = await partner.refresh(linked.tokens.refresh_token!, linked.pending.dpopKeys);
    expect((await dataCall(partner, { tokens: refreshed, pending: linked.pending })).status).toBe(200);
  });
});

describe('Grant Management API', () => {
  const grantCall = async (
    partner: Awaited<ReturnType<typeof partnerFor>>,
    linked: { tokens: { access_token: string }; pending: { dpopKeys: oauth.CryptoKeyPair } },
    grantId: string,
    method = 'GET',
  ) =>
    partner.resource(
      `${server.url}/grants/${encodeURIComponent(grantId)}`,
      linked.tokens.access_token,
      linked.pending.dpopKeys,
      method,
    );

  test('discovery advertises the endpoint and the actions supported', async () => {
    const partner = await partnerFor(server);
    expect(partner.as.grant_management_endpoint).toBe(`${server.url}/grants`);
    expect(partner.as.grant_management_actions_supported).toEqual(['create', 'replace']);
  });

  test('the token response carries grant_id; GET describes the grant; another partner gets 404; DELETE ends it', async () => {
    const partner = await partnerFor(server);
    const linked = await link(server, partner, customers.allTypes, { accounts: (offered) => offered.slice(0, 2) });
    const grantId = linked.tokens.grant_id as string;
    expect(grantId).toEqual(expect.any(String));

    const got = await grantCall(partner, linked, grantId);
    expect(got.status).toBe(200);
    const body = (await got.json()) as {
      grant_id: string;
      status: string;
      accounts: string[];
      scopes: { scope: string }[];
      expires_at: number;
      created_at: number;
    };
    expect(body).toMatchObject({ grant_id: grantId, status: 'active', accounts: linked.chosen });
    expect(body.scopes.map((s) => s.scope).join(' ')).toContain('accounts');
    expect(body.expires_at - body.created_at).toBeGreaterThan(89 * 86400);

    const other = await partnerFor(server, 'demo-kaikei');
    const otherLinked = await link(server, other, customers.twoBranches, {
      scope: 'offline_access accounts grant_management_query grant_management_revoke',
    });
    const foreign = await grantCall(other, otherLinked, grantId);
    expect(foreign.status).toBe(404);
    const unknown = await grantCall(other, otherLinked, 'no-such-grant');
    expect(await foreign.json()).toEqual(await unknown.json());

    const deleted = await grantCall(partner, linked, grantId, 'DELETE');
    expect(deleted.status).toBe(204);
    expect((await dataCall(partner, linked)).status).toBe(401);
  });

  test('a token without grant_management_query gets 403', async () => {
    const partner = await partnerFor(server);
    const linked = await link(server, partner, customers.allTypes, { scope: 'offline_access accounts' });
    const res = await grantCall(partner, linked, linked.tokens.grant_id as string);
    expect(res.status).toBe(403);
  });

  test('replace narrows the accounts of the same linkage after a fresh identity check and consent, and the data API follows', async () => {
    const partner = await partnerFor(server);
    const first = await link(server, partner, customers.allTypes);
    const grantId = first.tokens.grant_id as string;
    expect(first.chosen.length).toBeGreaterThan(1);

    server.clock.advance(31_000);
    const pending = await partner.startAuthorization({
      scope: 'openid offline_access accounts deposits grant_management_query',
      grant_management_action: 'replace',
      grant_id: grantId,
    });
    const agent = new CustomerAgent(`${server.url}/demo/callback`);
    const login = await agent.request(pending.authorizationUrl);
    expect(login.html).toContain('name="pin"');
    const otp = await agent.login(login, customers.allTypes);
    const consent = await agent.otp(otp, customers.allTypes, server.clock.now());
    const narrowed = CustomerAgent.checkboxValues(consent.html, 'accounts').slice(0, 1);
    const callback = await agent.consent(consent, 'agree', narrowed);
    const tokens = await partner.exchangeCode(callback.url, pending);
    expect(tokens.grant_id).toBe(grantId);

    expect((await dataCall(partner, first)).status).toBe(401);
    const accounts = (await (await dataCall(partner, { tokens, pending })).json()) as {
      accounts: { accountId: string }[];
    };
    expect(accounts.accounts.map((a) => a.accountId)).toEqual(narrowed);
    const described = (await (await grantCall(partner, { tokens, pending }, grantId)).json()) as {
      accounts: string[];
      scopes: { scope: string }[];
    };
    expect(described.accounts).toEqual(narrowed);
    expect(described.scopes.map((s) => s.scope).join(' ')).not.toContain('time_deposits');
  });

  test("replace with another partner's grant id is refused at PAR", async () => {
    const kakeibo = await partnerFor(server);
    const linked = await link(server, kakeibo, customers.allTypes);
    const kaikei = await partnerFor(server, 'demo-kaikei');
    await expect(
      kaikei.startAuthorization({
        scope: 'offline_access accounts',
        grant_management_action: 'replace',
        grant_id: linked.tokens.grant_id as string,
      }),
    ).rejects.toMatchObject({ error: 'invalid_grant_id' });
    void insecure;
    void privateKeyJwt;
  });
});

describe('one ending, recorded once', () => {
  test('revoking the refresh token records grant.ended exactly once', async () => {
    const partner = await partnerFor(server);
    const linked = await link(server, partner, customers.allTypes);
    await partner.revoke(linked.tokens.refresh_token!);
    await server.app.audit.flush();
    const endings = (await server.app.audit.query({ kind: 'grant.ended' })).filter(
      (e) => e.details?.grantId === linked.tokens.grant_id,
    );
    expect(endings).toHaveLength(1);
    expect(endings[0].details?.reason).toBe('revoked_by_protocol');
  });
});
