import { customers } from '../support/demo.ts';
import { handMadeProof, rawCall } from '../support/dpop.ts';
import { link, partnerFor } from '../support/linkage.ts';
import { startServer, type TestServer } from '../support/server.ts';

/** DPoP server nonces (RFC 9449 §8, §9), when the bank turns them on. */
describe('with DPOP_REQUIRE_NONCE on', () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startServer({ env: { DPOP_REQUIRE_NONCE: 'true' } });
  });
  afterAll(async () => {
    await server.close();
  });

  test('a proof without the nonce gets 401 use_dpop_nonce with a DPoP-Nonce header; oauth4webapi retries with it and succeeds', async () => {
    const partner = await partnerFor(server);
    // The token endpoint demands the nonce too; oauth4webapi learns it and retries by itself.
    const linked = await link(server, partner, customers.allTypes);
    const url = `${server.url}/api/v1/accounts`;

    const proof = await handMadeProof(linked.pending.dpopKeys, {
      htm: 'GET',
      htu: url,
      accessToken: linked.tokens.access_token,
      iat: Math.floor(server.clock.now() / 1000),
    });
    const res = await fetch(url, { headers: { authorization: `DPoP ${linked.tokens.access_token}`, dpop: proof } });
    expect(res.status).toBe(401);
    expect(res.headers.get('www-authenticate')).toMatch(/^DPoP error="use_dpop_nonce"/);
    const nonce = res.headers.get('dpop-nonce');
    expect(nonce).toEqual(expect.any(String));
    expect(((await res.json()) as { errorCode: string }).errorCode).toBe('use_dpop_nonce');

    const withNonce = await handMadeProof(linked.pending.dpopKeys, {
      htm: 'GET',
      htu: url,
      accessToken: linked.tokens.access_token,
      iat: Math.floor(server.clock.now() / 1000),
      nonce: nonce!,
    });
    expect((await rawCall(url, `DPoP ${linked.tokens.access_token}`, withNonce)).status).toBe(200);

    expect((await partner.resource(url, linked.tokens.access_token, linked.pending.dpopKeys)).status).toBe(200);
  });

  test('a nonce from long ago is refused', async () => {
    const partner = await partnerFor(server);
    const linked = await link(server, partner, customers.allTypes);
    const url = `${server.url}/api/v1/accounts`;
    const first = await fetch(url, {
      headers: {
        authorization: `DPoP ${linked.tokens.access_token}`,
        dpop: await handMadeProof(linked.pending.dpopKeys, {
          htm: 'GET',
          htu: url,
          accessToken: linked.tokens.access_token,
          iat: Math.floor(server.clock.now() / 1000),
        }),
      },
    });
    const nonce = first.headers.get('dpop-nonce')!;
    server.clock.advance(5 * 60_000);
    const stale = await handMadeProof(linked.pending.dpopKeys, {
      htm: 'GET',
      htu: url,
      accessToken: linked.tokens.access_token,
      iat: Math.floor(server.clock.now() / 1000),
      nonce,
    });
    const res = await rawCall(url, `DPoP ${linked.tokens.access_token}`, stale);
    expect(res.status).toBe(401);
    expect(res.body.errorCode).toBe('use_dpop_nonce');
  });
});
