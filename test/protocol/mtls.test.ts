import { X509Certificate } from 'node:crypto';
import { importJWK } from 'jose';
import * as oauth from 'oauth4webapi';
import { ConfigError } from '../../src/config/config-error.ts';
import { certificateWorkspace, type ClientCertificate } from '../support/client-certificates.ts';
import { CustomerAgent } from '../support/customer-agent.ts';
import { customers } from '../support/demo.ts';
import { insecure, introspector } from '../support/internal-clients.ts';
import { link, partnerFor } from '../support/linkage.ts';
import { startServer, type TestServer } from '../support/server.ts';
import { tempPartnersDir, writePartnerFile } from '../support/temp-partners.ts';

/** The header in which the bank's TLS-terminating proxy forwards the client certificate (the default setting). */
const CERT_HEADER = 'x-ssl-client-cert';
const SCOPE = 'openid accounts';

/** The header in which the proxy forwards its verification of the certificate against the bank's CAs. */
const VERIFY_HEADER = 'x-ssl-client-verify';

/** What the proxy forwards: the certificate, and whether it chains to the test CA (self-signed ones do not). */
const proxyHeader = (certificate?: ClientCertificate): Record<string, string> => {
  if (!certificate) return {};
  const x509 = new X509Certificate(certificate.pem);
  return {
    [CERT_HEADER]: encodeURIComponent(certificate.pem),
    [VERIFY_HEADER]: x509.issuer === x509.subject ? 'FAILED:self-signed certificate' : 'SUCCESS',
  };
};

/**
 * Request options for oauth4webapi that do what the trusted proxy does after the TLS handshake:
 * forward the client's certificate (PEM, URL-encoded) in a header on every request.
 */
const throughProxy = (certificate?: ClientCertificate) => ({
  ...insecure,
  [oauth.customFetch]: (url: string, options: oauth.CustomFetchOptions<string, unknown>) =>
    fetch(url, { ...options, headers: { ...options.headers, ...proxyHeader(certificate) } } as RequestInit),
});

/** A partner as the test drives it: who it is, how it authenticates, and through what it talks to the server. */
interface Caller {
  clientId: string;
  redirectUri: string;
  clientAuth: oauth.ClientAuth;
  options: ReturnType<typeof throughProxy>;
}

interface Pending {
  codeVerifier: string;
  state: string;
  nonce: string;
}

const discover = async (server: TestServer) => {
  const issuer = new URL(server.url);
  return oauth.processDiscoveryResponse(issuer, await oauth.discoveryRequest(issuer, insecure));
};

/** Pushes an authorization request (PAR, PKCE S256) and answers what the code exchange needs. */
const push = async (as: oauth.AuthorizationServer, caller: Caller, scope = SCOPE) => {
  const pending: Pending = {
    codeVerifier: oauth.generateRandomCodeVerifier(),
    state: oauth.generateRandomState(),
    nonce: oauth.generateRandomNonce(),
  };
  const params = new URLSearchParams({
    redirect_uri: caller.redirectUri,
    response_type: 'code',
    scope,
    state: pending.state,
    nonce: pending.nonce,
    code_challenge: await oauth.calculatePKCECodeChallenge(pending.codeVerifier),
    code_challenge_method: 'S256',
  });
  const client = { client_id: caller.clientId };
  const pushed = await oauth.processPushedAuthorizationResponse(
    as,
    client,
    await oauth.pushedAuthorizationRequest(as, client, caller.clientAuth, params, caller.options),
  );
  return { pending, requestUri: pushed.request_uri };
};

/** PAR, then the customer's identity check, one-time code and consent: answers the partner's callback URL. */
const authorize = async (server: TestServer, as: oauth.AuthorizationServer, caller: Caller, scope = SCOPE) => {
  server.clock.advance(31_000); // never reuse the previous flow's one-time code
  const { pending, requestUri } = await push(as, caller, scope);
  const url = new URL(as.authorization_endpoint!);
  url.searchParams.set('client_id', caller.clientId);
  url.searchParams.set('request_uri', requestUri);
  const agent = new CustomerAgent(caller.redirectUri);
  const otpPage = await agent.login(await agent.request(url.href), customers.allTypes);
  const consentPage = await agent.otp(otpPage, customers.allTypes, server.clock.now());
  const callback = await agent.consent(
    consentPage,
    'agree',
    CustomerAgent.checkboxValues(consentPage.html, 'accounts'),
  );
  if (!callback.url.startsWith(caller.redirectUri))
    throw new Error(`the authorization did not reach the partner: ${callback.status} ${callback.url}`);
  return { pending, callbackUrl: callback.url };
};

const exchange = async (
  as: oauth.AuthorizationServer,
  caller: Caller,
  callbackUrl: string,
  pending: Pending,
  options = caller.options,
) => {
  const client = { client_id: caller.clientId };
  const params = oauth.validateAuthResponse(as, client, new URL(callbackUrl), pending.state);
  const response = await oauth.authorizationCodeGrantRequest(
    as,
    client,
    caller.clientAuth,
    params,
    caller.redirectUri,
    pending.codeVerifier,
    options,
  );
  return oauth.processAuthorizationCodeResponse(as, client, response, { expectedNonce: pending.nonce });
};

/** The whole linkage: authorization and code exchange. */
const linkAs = async (server: TestServer, as: oauth.AuthorizationServer, caller: Caller, scope = SCOPE) => {
  const { pending, callbackUrl } = await authorize(server, as, caller, scope);
  return exchange(as, caller, callbackUrl, pending);
};

/**
 * A data API call with `Authorization: <scheme> <token>`, through the proxy (which forwards a certificate when the
 * caller presents one).
 */
const dataCall = async (server: TestServer, authorization: string, certificate?: ClientCertificate) => {
  const res = await fetch(`${server.url}/api/v1/accounts`, {
    headers: { authorization, accept: 'application/json', ...proxyHeader(certificate) },
  });
  return {
    status: res.status,
    wwwAuthenticate: res.headers.get('www-authenticate') ?? '',
    body: (await res.json()) as Record<string, unknown>,
  };
};

const expectInvalidToken = (answer: Awaited<ReturnType<typeof dataCall>>) => {
  expect(answer.status).toBe(401);
  expect(answer.body.errorCode).toBe('invalid_token');
  expect(answer.wwwAuthenticate).toMatch(/error="invalid_token"/);
};

const certs = certificateWorkspace();
const partnersDir = tempPartnersDir();
const ca = certs.authority('/C=JP/O=Test Partner CA/CN=Test Partner CA');
/** tls_client_auth: a CA-issued certificate whose subject DN the partner file names. */
const pkiSubject = '/C=JP/O=Kakeibo Co\\, Ltd./OU=API/CN=mtls-pki.example';
const pkiCert = certs.issuedBy(ca, pkiSubject);
/** Same CA, another subject: not the partner's certificate. */
const otherPkiCert = certs.issuedBy(ca, '/C=JP/O=Someone Else/CN=intruder.example');
/** self_signed_tls_client_auth: the certificate registered in the partner's jwks (x5c). */
const selfCert = certs.selfSigned('/C=JP/O=Self Signed Partner/CN=mtls-self.example');
const otherSelfCert = certs.selfSigned('/C=JP/O=Self Signed Partner/CN=mtls-self.example');

let server: TestServer;
let as: oauth.AuthorizationServer;
const mtlsCaller = (clientId: string, certificate: ClientCertificate): Caller => ({
  clientId,
  redirectUri: `https://${clientId}.example/callback`,
  clientAuth: oauth.TlsClientAuth(),
  options: throughProxy(certificate),
});
let legacy: Caller;
let fapiNoDpop: Caller;

beforeAll(async () => {
  await writePartnerFile(partnersDir.dir, 'mtls-pki', {
    token_endpoint_auth_method: 'tls_client_auth',
    tls_client_auth_subject_dn: pkiCert.subjectDn,
    jwks: undefined,
  });
  await writePartnerFile(partnersDir.dir, 'mtls-self', {
    token_endpoint_auth_method: 'self_signed_tls_client_auth',
    jwks: { keys: [selfCert.jwk] },
  });
  await writePartnerFile(partnersDir.dir, 'mtls-wrong-dn', {
    token_endpoint_auth_method: 'tls_client_auth',
    tls_client_auth_subject_dn: 'CN=mtls-wrong-dn.example,O=Kakeibo Co\\, Ltd.,C=JP',
    jwks: undefined,
  });
  const legacyFile = await writePartnerFile(partnersDir.dir, 'legacy-partner', { profile: 'legacy' });
  const fapiFile = await writePartnerFile(partnersDir.dir, 'fapi-partner', {});
  server = await startServer({ env: { MTLS_ENABLED: 'true', PARTNERS_DIR: partnersDir.dir } });
  as = await discover(server);
  const keyAuth = async (file: typeof legacyFile) =>
    oauth.PrivateKeyJwt({
      key: (await importJWK(file.privateJwk, 'ES256')) as oauth.PrivateKey['key'],
      kid: file.privateJwk.kid,
    });
  legacy = {
    clientId: legacyFile.clientId,
    redirectUri: legacyFile.redirectUri,
    clientAuth: await keyAuth(legacyFile),
    options: throughProxy(),
  };
  fapiNoDpop = {
    clientId: fapiFile.clientId,
    redirectUri: fapiFile.redirectUri,
    clientAuth: await keyAuth(fapiFile),
    options: throughProxy(),
  };
});
afterAll(async () => {
  await server?.close();
  partnersDir.remove();
  certs.remove();
});

describe('mTLS through the trusted proxy header (MTLS_ENABLED=true): client authentication and certificate-bound tokens (RFC 8705)', () => {
  test('discovery offers both mTLS client authentication methods and certificate-bound tokens', () => {
    expect(as.token_endpoint_auth_methods_supported).toEqual(
      expect.arrayContaining(['private_key_jwt', 'tls_client_auth', 'self_signed_tls_client_auth']),
    );
    expect(as.tls_client_certificate_bound_access_tokens).toBe(true);
  });

  test('tls_client_auth: PAR, code and token with the certificate; the access token is bound to it (cnf x5t#S256)', async () => {
    const tokens = await linkAs(server, as, mtlsCaller('mtls-pki', pkiCert));
    expect(tokens.token_type.toLowerCase()).toBe('bearer');
    const introspection = await (await introspector(server))(tokens.access_token);
    expect(introspection.active).toBe(true);
    expect(introspection.client_id).toBe('mtls-pki');
    expect(introspection.cnf).toEqual({ 'x5t#S256': pkiCert.thumbprint });
  });

  test('tls_client_auth: the data API accepts the token as Bearer with the same certificate, and refuses it without one or with another', async () => {
    const tokens = await linkAs(server, as, mtlsCaller('mtls-pki', pkiCert));
    const bearer = `Bearer ${tokens.access_token}`;

    const served = await dataCall(server, bearer, pkiCert);
    expect(served.status).toBe(200);
    expect((served.body.accounts as unknown[]).length).toBeGreaterThan(0);

    expectInvalidToken(await dataCall(server, bearer));
    expectInvalidToken(await dataCall(server, bearer, otherPkiCert));
    expectInvalidToken(await dataCall(server, bearer, selfCert));
    // Nor can it pass for a DPoP-bound token.
    expectInvalidToken(await dataCall(server, `DPoP ${tokens.access_token}`, pkiCert));
  });

  test("self_signed_tls_client_auth: the certificate registered in the partner's jwks authenticates it, and the token is bound to that certificate", async () => {
    const tokens = await linkAs(server, as, mtlsCaller('mtls-self', selfCert));
    const introspection = await (await introspector(server))(tokens.access_token);
    expect(introspection.client_id).toBe('mtls-self');
    expect(introspection.cnf).toEqual({ 'x5t#S256': selfCert.thumbprint });

    const bearer = `Bearer ${tokens.access_token}`;
    expect((await dataCall(server, bearer, selfCert)).status).toBe(200);
    expectInvalidToken(await dataCall(server, bearer));
    expectInvalidToken(await dataCall(server, bearer, otherSelfCert));
  });

  test('tls_client_auth: a refresh through the same certificate gives a new token bound to it; through another certificate it is refused', async () => {
    const caller = mtlsCaller('mtls-pki', pkiCert);
    const client = { client_id: caller.clientId };
    const tokens = await linkAs(server, as, caller, `${SCOPE} offline_access`);
    expect(tokens.refresh_token).toEqual(expect.any(String));

    const refreshed = await oauth.processRefreshTokenResponse(
      as,
      client,
      await oauth.refreshTokenGrantRequest(as, client, caller.clientAuth, tokens.refresh_token!, caller.options),
    );
    expect(refreshed.access_token).not.toBe(tokens.access_token);
    expect((await (await introspector(server))(refreshed.access_token)).cnf).toEqual({
      'x5t#S256': pkiCert.thumbprint,
    });
    expect((await dataCall(server, `Bearer ${refreshed.access_token}`, pkiCert)).status).toBe(200);

    const stolen = oauth.refreshTokenGrantRequest(
      as,
      client,
      caller.clientAuth,
      tokens.refresh_token!,
      throughProxy(otherPkiCert),
    );
    await expect(
      stolen.then((response) => oauth.processRefreshTokenResponse(as, client, response)),
    ).rejects.toMatchObject({ error: 'invalid_client', status: 401 });
  });

  test('tls_client_auth: a certificate whose subject DN is not the registered one is refused at the PAR endpoint with invalid_client', async () => {
    // The partner file names another subject than the certificate's (which the same CA issued).
    await expect(push(as, mtlsCaller('mtls-wrong-dn', pkiCert))).rejects.toMatchObject({
      error: 'invalid_client',
      status: 401,
    });
    // Another certificate of the same CA is not the partner's either.
    await expect(push(as, mtlsCaller('mtls-pki', otherPkiCert))).rejects.toMatchObject({
      error: 'invalid_client',
      status: 401,
    });
    // And no certificate at all.
    await expect(push(as, { ...mtlsCaller('mtls-pki', pkiCert), options: throughProxy() })).rejects.toMatchObject({
      error: 'invalid_client',
      status: 401,
    });
  });

  test('tls_client_auth: the code cannot be exchanged with a certificate of another subject (invalid_client at the token endpoint)', async () => {
    const caller = mtlsCaller('mtls-pki', pkiCert);
    const { pending, callbackUrl } = await authorize(server, as, caller);
    await expect(exchange(as, caller, callbackUrl, pending, throughProxy(otherPkiCert))).rejects.toMatchObject({
      error: 'invalid_client',
      status: 401,
    });
  });

  test('tls_client_auth: a self-signed certificate that claims the registered subject DN is refused (the proxy could not verify it)', async () => {
    const impostor = certs.selfSigned(pkiSubject);
    expect(impostor.subjectDn).toBe(pkiCert.subjectDn);
    await expect(push(as, mtlsCaller('mtls-pki', impostor))).rejects.toMatchObject({ error: 'invalid_client' });
  });

  test("self_signed_tls_client_auth: a certificate not registered in the partner's jwks is refused with invalid_client", async () => {
    await expect(push(as, mtlsCaller('mtls-self', otherSelfCert))).rejects.toMatchObject({
      error: 'invalid_client',
      status: 401,
    });
    await expect(push(as, mtlsCaller('mtls-self', pkiCert))).rejects.toMatchObject({
      error: 'invalid_client',
      status: 401,
    });
  });
});

describe('bearer tokens only where a partner\'s file says profile "legacy"', () => {
  test('a legacy partner (private_key_jwt, no DPoP) gets an unbound token that the data API accepts as Bearer', async () => {
    const tokens = await linkAs(server, as, legacy);
    expect(tokens.token_type.toLowerCase()).toBe('bearer');
    const introspection = await (await introspector(server))(tokens.access_token);
    expect(introspection.active).toBe(true);
    expect(introspection.cnf).toBeUndefined();
    const served = await dataCall(server, `Bearer ${tokens.access_token}`);
    expect(served.status).toBe(200);
    expect((served.body.accounts as unknown[]).length).toBeGreaterThan(0);
  });

  test("a fapi2 partner's DPoP-bound token is still refused as Bearer (and served with its DPoP proof)", async () => {
    const partner = await partnerFor(server);
    const { tokens, pending } = await link(server, partner, customers.allTypes, { scope: SCOPE });
    expectInvalidToken(await dataCall(server, `Bearer ${tokens.access_token}`));
    expect(
      (await partner.resource(`${server.url}/api/v1/accounts`, tokens.access_token, pending.dpopKeys)).status,
    ).toBe(200);
  });

  test('a fapi2 partner cannot get an unbound token by leaving DPoP out of the code exchange', async () => {
    const { pending, callbackUrl } = await authorize(server, as, fapiNoDpop);
    await expect(exchange(as, fapiNoDpop, callbackUrl, pending)).rejects.toMatchObject({ error: 'invalid_grant' });
  });
});

describe('mTLS is off by default', () => {
  test('without MTLS_ENABLED, a partner file with tls_client_auth stops start-up with a configuration error naming the file and the field', async () => {
    const offDir = tempPartnersDir();
    try {
      await writePartnerFile(offDir.dir, 'mtls-off', {
        token_endpoint_auth_method: 'tls_client_auth',
        tls_client_auth_subject_dn: pkiCert.subjectDn,
        jwks: undefined,
      });
      const outcome = await startServer({ env: { PARTNERS_DIR: offDir.dir } }).then(
        async (started) => {
          await started.close();
          return 'started';
        },
        (e: unknown) => e,
      );
      // (The same file shape starts the MTLS_ENABLED server above: mtls-pki.)
      expect(outcome).toBeInstanceOf(ConfigError);
      expect((outcome as ConfigError).file).toMatch(/mtls-off\.json$/);
      expect((outcome as ConfigError).problems).toEqual([
        expect.stringMatching(/^token_endpoint_auth_method: "tls_client_auth" needs mTLS, which is off/),
      ]);
    } finally {
      offDir.remove();
    }
  });
});
