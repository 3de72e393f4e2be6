import * as oauth from 'oauth4webapi';
import { createPartnerClient, type PartnerClient } from '../../src/demo-partner/partner-client.ts';
import { reachCallback } from '../support/authorization-steps.ts';
import { CustomerAgent } from '../support/customer-agent.ts';
import { customers } from '../support/demo.ts';
import { insecure, introspector, privateKeyJwt } from '../support/internal-clients.ts';
import { partnerFor } from '../support/linkage.ts';
import { startServer, type TestServer } from '../support/server.ts';
import { partnerKeyPair, tempPartnersDir, writePartnerFile, type TempPartner } from '../support/temp-partners.ts';

let server: TestServer;
let partner: PartnerClient;
let partnersDir: ReturnType<typeof tempPartnersDir>;
let suspended: TempPartner;
let activeTwin: TempPartner;
beforeAll(async () => {
  partnersDir = tempPartnersDir();
  suspended = await writePartnerFile(partnersDir.dir, 'suspended-partner', { status: 'suspended' });
  activeTwin = await writePartnerFile(partnersDir.dir, 'active-partner', { status: 'active' });
  server = await startServer({ env: { PARTNERS_DIR: partnersDir.dir } });
  partner = await partnerFor(server);
});
afterAll(async () => {
  await server.close();
  partnersDir.remove();
});

const callbackUri = () => `${server.url}/demo/callback`;

/** A complete, valid pushed authorization request body for demo-kakeibo; tests spoil one thing. */
const validParams = async () => {
  const verifier = oauth.generateRandomCodeVerifier();
  return {
    response_type: 'code',
    redirect_uri: callbackUri(),
    scope: 'openid offline_access accounts',
    state: oauth.generateRandomState(),
    nonce: oauth.generateRandomNonce(),
    code_challenge: await oauth.calculatePKCECodeChallenge(verifier),
    code_challenge_method: 'S256',
  } as Record<string, string>;
};

/** Pushes exactly these parameters as demo-kakeibo (private_key_jwt + DPoP) and answers the error it gets. */
const pushError = async (params: Record<string, string>) => {
  const response = await oauth.pushedAuthorizationRequest(
    partner.as,
    partner.client,
    await privateKeyJwt('demo-kakeibo'),
    params,
    {
      ...insecure,
      DPoP: partner.dpop(await partner.newDpopKeys()),
    },
  );
  const status = response.status;
  const error = await oauth.processPushedAuthorizationResponse(partner.as, partner.client, response).then(
    () => undefined,
    (e: unknown) => e as oauth.ResponseBodyError,
  );
  return { status, error };
};

describe('requests a partner may not make are refused (FAPI 2.0 profile, terms 1.2(2))', () => {
  test('the control: the valid request the cases below spoil is accepted', async () => {
    const response = await oauth.pushedAuthorizationRequest(
      partner.as,
      partner.client,
      await privateKeyJwt('demo-kakeibo'),
      await validParams(),
      { ...insecure, DPoP: partner.dpop(await partner.newDpopKeys()) },
    );
    expect(response.status).toBe(201);
    const pushed = await oauth.processPushedAuthorizationResponse(partner.as, partner.client, response);
    expect(pushed.request_uri).toMatch(/^urn:ietf:params:oauth:request_uri:/);
  });

  test('an unknown client is refused at the PAR endpoint with invalid_client', async () => {
    const keys = await partnerKeyPair('unknown-key');
    const unknown = await createPartnerClient({
      issuer: server.url,
      clientId: 'no-such-partner',
      privateJwk: keys.privateJwk,
      redirectUri: 'https://no-such-partner.example/callback',
      allowHttp: true,
    });
    await expect(unknown.startAuthorization({ scope: 'openid accounts' })).rejects.toMatchObject({
      error: 'invalid_client',
      status: 401,
    });
  });

  test('a suspended partner cannot start a flow: invalid_client at the PAR endpoint', async () => {
    const clientOf = (p: TempPartner) =>
      createPartnerClient({
        issuer: server.url,
        clientId: p.clientId,
        privateJwk: p.privateJwk,
        redirectUri: p.redirectUri,
        allowHttp: true,
      });
    await expect((await clientOf(suspended)).startAuthorization({ scope: 'openid accounts' })).rejects.toMatchObject({
      error: 'invalid_client',
      status: 401,
    });
    // Its twin, whose file differs only in the status, may.
    await expect((await clientOf(activeTwin)).startAuthorization({ scope: 'openid accounts' })).resolves.toMatchObject({
      authorizationUrl: expect.stringContaining('request_uri='),
    });
  });

  test('a pushed request without PKCE is refused with invalid_request', async () => {
    const params = await validParams();
    delete params.code_challenge;
    delete params.code_challenge_method;
    const { status, error } = await pushError(params);
    expect(status).toBe(400);
    expect(error).toMatchObject({
      error: 'invalid_request',
      error_description: 'Authorization Server policy requires PKCE to be used for this request',
    });
  });

  test('a pushed request with plain PKCE is refused with invalid_request', async () => {
    const params = await validParams();
    params.code_challenge = oauth.generateRandomCodeVerifier();
    params.code_challenge_method = 'plain';
    const { status, error } = await pushError(params);
    expect(status).toBe(400);
    expect(error).toMatchObject({
      error: 'invalid_request',
      error_description: 'not supported value of code_challenge_method',
    });
  });

  test('a pushed request with a redirect_uri that is not registered is refused with invalid_request (RFC 9126: no redirect to it)', async () => {
    const params = await validParams();
    params.redirect_uri = `${server.url}/demo/callback/elsewhere`;
    const { status, error } = await pushError(params);
    expect(status).toBe(400);
    expect(error).toMatchObject({
      error: 'invalid_request',
      error_description: "redirect_uri did not match any of the client's registered redirect_uris",
    });
  });

  test('an authorization request not pushed through PAR (all parameters on /auth) is refused with invalid_request', async () => {
    const params = await validParams();
    const url = new URL(partner.as.authorization_endpoint!);
    for (const [k, v] of Object.entries({ client_id: 'demo-kakeibo', ...params })) url.searchParams.set(k, v);
    const agent = new CustomerAgent(callbackUri());
    const answer = await agent.request(url.href);
    // The browser goes straight back to the partner: no login page, no interaction.
    expect(answer.status).toBe(0);
    const callback = new URL(answer.url);
    expect(callback.searchParams.get('code')).toBeNull();
    expect(callback.searchParams.get('iss')).toBe(server.url);
    let thrown: unknown;
    try {
      oauth.validateAuthResponse(partner.as, partner.client, callback, params.state);
    } catch (e) {
      thrown = e;
    }
    expect(thrown).toBeInstanceOf(oauth.AuthorizationResponseError);
    expect(thrown).toMatchObject({
      error: 'invalid_request',
      error_description: 'Pushed Authorization Request must be used',
    });
  });
});

describe('tokens used the wrong way are refused', () => {
  test('an authorization code used twice fails with invalid_grant and revokes the access and refresh tokens it issued', async () => {
    const { callbackUrl, pending } = await reachCallback(server, partner, customers.allTypes);
    const tokens = await partner.exchangeCode(callbackUrl, pending);
    const introspect = await introspector(server);
    expect((await introspect(tokens.access_token)).active).toBe(true);
    expect((await introspect(tokens.refresh_token!)).active).toBe(true);

    await expect(partner.exchangeCode(callbackUrl, pending)).rejects.toMatchObject({
      error: 'invalid_grant',
      status: 400,
    });

    expect(await introspect(tokens.access_token)).toEqual({ active: false });
    expect(await introspect(tokens.refresh_token!)).toEqual({ active: false });
    await expect(partner.refresh(tokens.refresh_token!, pending.dpopKeys)).rejects.toMatchObject({
      error: 'invalid_grant',
    });
  });

  test('a DPoP-bound access token presented as a Bearer token at the userinfo endpoint is rejected: 401 invalid_token in WWW-Authenticate', async () => {
    const { callbackUrl, pending } = await reachCallback(server, partner, customers.allTypes);
    const tokens = await partner.exchangeCode(callbackUrl, pending);
    // A token for userinfo (scope=openid alone; the data API token never carries openid).
    const dpop = partner.dpop(pending.dpopKeys);
    const refreshed = await oauth.processRefreshTokenResponse(
      partner.as,
      partner.client,
      await oauth.refreshTokenGrantRequest(
        partner.as,
        partner.client,
        await privateKeyJwt('demo-kakeibo'),
        tokens.refresh_token!,
        { ...insecure, DPoP: dpop, additionalParameters: { scope: 'openid' } },
      ),
    );
    expect(refreshed.token_type.toLowerCase()).toBe('dpop');
    expect(refreshed.scope).toBe('openid');

    const asBearer = await fetch(partner.as.userinfo_endpoint!, {
      headers: { authorization: `Bearer ${refreshed.access_token}`, accept: 'application/json' },
    });
    expect(asBearer.status).toBe(401);
    // oidc-provider keeps the detail (failed jkt verification) out of the response.
    expect(asBearer.headers.get('www-authenticate')).toBe(
      `DPoP realm="${server.url}", error="invalid_token", error_description="invalid token provided", algs="PS256 ` +
        `ES256 EdDSA"`,
    );
    expect(await asBearer.json()).toMatchObject({ error: 'invalid_token' });

    // The same token with a proof of its key is accepted: the refusal was the missing binding.
    const withProof = await oauth.userInfoRequest(partner.as, partner.client, refreshed.access_token, {
      ...insecure,
      DPoP: dpop,
    });
    expect(withProof.status).toBe(200);
    expect(await withProof.json()).toEqual({ sub: oauth.getValidatedIdTokenClaims(tokens)!.sub });
  });
});
