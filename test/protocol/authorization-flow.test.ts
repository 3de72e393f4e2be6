import * as oauth from 'oauth4webapi';
import { customers } from '../support/demo.ts';
import { insecure, introspector, privateKeyJwt } from '../support/internal-clients.ts';
import { DEFAULT_SCOPE, link, partnerFor } from '../support/linkage.ts';
import { startServer, type TestServer } from '../support/server.ts';

let server: TestServer;
beforeAll(async () => {
  server = await startServer();
});
afterAll(async () => {
  await server.close();
});

describe('API連携認証 end to end, driven by oauth4webapi (PAR + PKCE + private_key_jwt + DPoP)', () => {
  test('discovery says PAR required, code only, DPoP algorithms and private_key_jwt', async () => {
    const partner = await partnerFor(server);
    expect(partner.as.require_pushed_authorization_requests).toBe(true);
    expect(partner.as.response_types_supported).toEqual(['code']);
    expect(partner.as.dpop_signing_alg_values_supported).toEqual(expect.arrayContaining(['ES256']));
    expect(partner.as.token_endpoint_auth_methods_supported).toEqual(['private_key_jwt']);
    expect(partner.as.authorization_response_iss_parameter_supported).toBe(true);
    expect(partner.as.code_challenge_methods_supported).toEqual(['S256']);
  });

  test('a customer links accounts; the partner gets DPoP-bound tokens, introspection confirms them, refresh works without prompt=consent', async () => {
    const partner = await partnerFor(server);
    const { tokens, pending, chosen, consentPage } = await link(server, partner, customers.allTypes, {
      accounts: (offered) => offered.slice(0, 2),
    });

    expect(consentPage.html).toContain('デモかけいぼ');
    expect(tokens.token_type.toLowerCase()).toBe('dpop');
    expect(tokens.refresh_token).toEqual(expect.any(String));
    expect(tokens.scope?.split(' ')).toEqual(expect.arrayContaining(['accounts', 'deposits', 'time_deposits']));
    const idToken = oauth.getValidatedIdTokenClaims(tokens)!;
    expect(idToken.sub).not.toContain('1012345');

    // A resource server the bank registered introspects the token.
    const introspection = await (await introspector(server))(tokens.access_token);
    expect(introspection.active).toBe(true);
    expect(introspection.client_id).toBe('demo-kakeibo');
    expect(introspection.aud).toContain(`${server.url}/api/v1`);
    expect((introspection.cnf as { jkt?: string } | undefined)?.jkt).toEqual(expect.any(String));
    expect(introspection.accounts).toEqual(chosen);

    // The linkage is refreshed with the same DPoP key.
    const refreshed = await partner.refresh(tokens.refresh_token!, pending.dpopKeys);
    expect(refreshed.access_token).not.toBe(tokens.access_token);
    expect(refreshed.token_type.toLowerCase()).toBe('dpop');
  });

  test('a partner calling introspection is refused', async () => {
    const partner = await partnerFor(server);
    const { tokens } = await link(server, partner, customers.allTypes);
    const response = await oauth.introspectionRequest(
      partner.as,
      partner.client,
      await privateKeyJwt('demo-kakeibo'),
      tokens.access_token,
      insecure,
    );
    await expect(oauth.processIntrospectionResponse(partner.as, partner.client, response)).rejects.toMatchObject({
      error: expect.stringMatching(/invalid_request|unauthorized_client|invalid_client/),
    });
  });

  test('refresh with a different DPoP key fails', async () => {
    const partner = await partnerFor(server);
    const { tokens } = await link(server, partner, customers.allTypes);
    const otherKeys = await partner.newDpopKeys();
    await expect(partner.refresh(tokens.refresh_token!, otherKeys)).rejects.toMatchObject({ error: 'invalid_grant' });
  });

  test('the sub is pairwise: different partners see different identifiers for the same customer', async () => {
    const a = await link(server, await partnerFor(server, 'demo-kakeibo'), customers.allTypes, {
      scope: DEFAULT_SCOPE,
    });
    const kaikei = await partnerFor(server, 'demo-kaikei');
    const b = await link(server, kaikei, customers.allTypes, { scope: 'offline_access accounts deposits' });
    const subA = oauth.getValidatedIdTokenClaims(a.tokens)!.sub;
    const introspect = await introspector(server);
    expect((await introspect(a.tokens.access_token)).sub).toBe(subA);
    const subB = (await introspect(b.tokens.access_token)).sub;
    expect(subB).toEqual(expect.any(String));
    expect(subB).not.toBe(subA);
  });
});

describe('the same customer, a second authorization', () => {
  test('runs the identity check and consent again (no silent reuse of the browser session)', async () => {
    const partner = await partnerFor(server);
    const first = await link(server, partner, customers.allTypes);
    server.clock.advance(31_000);
    const pending = await partner.startAuthorization({ scope: DEFAULT_SCOPE });
    const again = await first.agent.request(pending.authorizationUrl);
    expect(again.status).toBe(200);
    expect(again.html).toContain('name="pin"');
  });
});
