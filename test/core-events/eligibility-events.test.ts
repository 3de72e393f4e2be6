import * as oauth from 'oauth4webapi';
import { createPartnerClient } from '../../src/demo-partner/partner-client.ts';
import { customers, demoPrivateJwk } from '../support/demo.ts';
import { insecure, privateKeyJwt } from '../support/internal-clients.ts';
import { link, partnerFor } from '../support/linkage.ts';
import { startServer, type TestServer } from '../support/server.ts';

let server: TestServer;
beforeAll(async () => {
  server = await startServer();
});
afterAll(async () => {
  await server.close();
});

/** An access token of an internal client by client credentials (private_key_jwt). */
const internalToken = async (clientId: string, scope: string, resource: string) => {
  const client = await createPartnerClient({
    issuer: server.url,
    clientId,
    privateJwk: demoPrivateJwk(clientId) as never,
    redirectUri: 'https://unused.invalid/',
    allowHttp: true,
  });
  const response = await oauth.clientCredentialsGrantRequest(
    client.as,
    client.client,
    await privateKeyJwt(clientId),
    { scope, resource },
    insecure,
  );
  return (await oauth.processClientCredentialsResponse(client.as, client.client, response)).access_token;
};

const postEvent = async (token: string | undefined, body: unknown) =>
  fetch(`${server.url}/core-events/v1/events`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
    body: JSON.stringify(body),
  });

const customerIdOf = async (who: typeof customers.allTypes) =>
  (await server.app.coreBanking.verifyPin(
    { branchCode: who.branch, accountType: who.accountType as 'ordinary', accountNumber: who.accountNumber },
    who.pin,
  ))!.customerId;

describe('the core system reports eligibility loss (terms 5.2)', () => {
  test('every grant of that customer ends: data calls 401, refresh says reauthorization_required', async () => {
    const kakeibo = await partnerFor(server);
    const kaikei = await partnerFor(server, 'demo-kaikei');
    const a = await link(server, kakeibo, customers.twoBranches);
    const b = await link(server, kaikei, customers.twoBranches, { scope: 'offline_access accounts' });
    const bystander = await link(server, kakeibo, customers.allTypes);

    const token = await internalToken('bank-core-events', 'core:events', `${server.url}/core-events`);
    const res = await postEvent(token, {
      type: 'customer.eligibility_lost',
      customerId: await customerIdOf(customers.twoBranches),
      reason: 'customer_restricted',
    });
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ affectedGrants: 2 });

    for (const [p, l] of [
      [kakeibo, a],
      [kaikei, b],
    ] as const) {
      expect(
        (await p.resource(`${server.url}/api/v1/accounts`, l.tokens.access_token, l.pending.dpopKeys)).status,
      ).toBe(401);
      await expect(p.refresh(l.tokens.refresh_token!, l.pending.dpopKeys)).rejects.toMatchObject({
        error_description: expect.stringMatching(/^reauthorization_required.*customer_ineligible/),
      });
    }
    expect(
      (
        await kakeibo.resource(
          `${server.url}/api/v1/accounts`,
          bystander.tokens.access_token,
          bystander.pending.dpopKeys,
        )
      ).status,
    ).toBe(200);

    // The customer is told of both endings, and why.
    // (in the demo outbox of the browser that made the linkages; another browser sees none of it)
    const outbox = (await a.agent.request(`${server.url}/demo/outbox`)).html;
    expect(outbox.match(/ご利用の条件を満たさなくなったため/g)?.length).toBe(2);
    const elsewhere = await (await fetch(`${server.url}/demo/outbox`)).text();
    expect(elsewhere).not.toContain('ご利用の条件を満たさなくなったため');
  });

  test('an account frozen by the core system drops out of the grants that cover it; the next refresh no longer includes it', async () => {
    const partner = await partnerFor(server);
    const linked = await link(server, partner, customers.allTypes, { accounts: (offered) => offered.slice(0, 2) });
    const [keep, frozen] = linked.chosen;
    const token = await internalToken('bank-core-events', 'core:events', `${server.url}/core-events`);
    expect(
      (await postEvent(token, { type: 'account.status_changed', accountId: frozen, status: 'frozen' })).status,
    ).toBe(200);

    expect(
      (await partner.resource(`${server.url}/api/v1/accounts`, linked.tokens.access_token, linked.pending.dpopKeys))
        .status,
    ).toBe(401);
    const refreshed = await partner.refresh(linked.tokens.refresh_token!, linked.pending.dpopKeys);
    const body = (await (
      await partner.resource(`${server.url}/api/v1/accounts`, refreshed.access_token, linked.pending.dpopKeys)
    ).json()) as { accounts: { accountId: string }[] };
    expect(body.accounts.map((x) => x.accountId)).toEqual([keep]);
  });

  test('the event endpoint rejects unauthenticated calls and tokens without core:events', async () => {
    const unauthenticated = await postEvent(undefined, {
      type: 'customer.eligibility_lost',
      customerId: 'x',
      reason: 'other',
    });
    expect(unauthenticated.status).toBe(401);
    // No credentials at all: a bare challenge (RFC 6750 §3.1), naming the scheme to use.
    expect(unauthenticated.headers.get('www-authenticate')).toBe('Bearer');

    const adminToken = await internalToken('bank-admin-system', 'admin:read', `${server.url}/admin/api/v1`);
    const wrongAudience = await postEvent(adminToken, {
      type: 'customer.eligibility_lost',
      customerId: 'x',
      reason: 'other',
    });
    expect(wrongAudience.status).toBe(401);

    const partner = await partnerFor(server);
    const linked = await link(server, partner, customers.allTypes);
    const partnerToken = await postEvent(linked.tokens.access_token, {
      type: 'customer.eligibility_lost',
      customerId: 'x',
      reason: 'other',
    });
    expect(partnerToken.status).toBe(401);
  });

  test('a partner cannot obtain core:events', async () => {
    const partner = await partnerFor(server);
    await expect(partner.startAuthorization({ scope: 'core:events' })).rejects.toMatchObject({
      error: 'invalid_scope',
    });
  });

  test('a malformed event is refused with 400 and changes nothing', async () => {
    const token = await internalToken('bank-core-events', 'core:events', `${server.url}/core-events`);
    const res = await postEvent(token, { type: 'customer.eligibility_lost', customerId: 'x' });
    expect(res.status).toBe(400);
    expect(((await res.json()) as { errorCode: string }).errorCode).toBe('invalid_request');
  });
});
