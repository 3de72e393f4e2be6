import type * as oauth from 'oauth4webapi';
import { randomUUID } from 'node:crypto';
import fc from 'fast-check';
import { handMadeProof } from '../support/dpop.ts';
import { customers } from '../support/demo.ts';
import { link, partnerFor } from '../support/linkage.ts';
import { startServer, type TestServer } from '../support/server.ts';
import { rawRequest } from './raw-http.ts';
import { clientAssertion, refreshRequest, tokenProof } from './token-requests.ts';

/**
 * The configured issuer is the only origin: whatever Host, X-Forwarded-Host, Forwarded or request
 * target a client sends, discovery names the issuer's URLs and DPoP proofs must name the issuer.
 */
const SPOOFS: { name: string; path?: string; headers: Record<string, string> }[] = [
  { name: 'Host', headers: { host: 'evil.example' } },
  { name: 'Host with a port', headers: { host: 'evil.example:8443' } },
  { name: 'X-Forwarded-Host', headers: { 'x-forwarded-host': 'evil.example' } },
  {
    name: 'X-Forwarded-Host and -Proto',
    headers: { 'x-forwarded-host': 'evil.example', 'x-forwarded-proto': 'https' },
  },
  { name: 'Forwarded', headers: { forwarded: 'for=1.2.3.4;host=evil.example;proto=https' } },
  { name: 'absolute-form target', path: 'http://evil.example/.well-known/openid-configuration', headers: {} },
  {
    name: 'absolute-form target and Host',
    path: 'https://evil.example/.well-known/openid-configuration',
    headers: { host: 'evil.example' },
  },
];

const urlsIn = (value: unknown): string[] =>
  typeof value === 'string'
    ? /^https?:\/\//.test(value)
      ? [value]
      : []
    : Array.isArray(value)
      ? value.flatMap(urlsIn)
      : value && typeof value === 'object'
        ? Object.values(value).flatMap(urlsIn)
        : [];

describe.each([
  ['TRUST_PROXY off', 'false'],
  ['TRUST_PROXY on', 'true'],
])('the issuer is the only origin (%s)', (_label, trustProxy) => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startServer({ env: { TRUST_PROXY: trustProxy } });
  });
  afterAll(async () => {
    await server?.close();
  });

  test.each(SPOOFS)('discovery with a spoofed $name names only the issuer and carries Cache-Control', async (spoof) => {
    const res = await rawRequest(server.url, {
      path: spoof.path ?? '/.well-known/openid-configuration',
      headers: { accept: 'application/json', ...spoof.headers },
    });
    expect(res.status).toBe(200);
    const body = JSON.parse(res.text) as Record<string, unknown>;
    expect(body.issuer).toBe(server.url);
    const urls = urlsIn(body);
    expect(urls.length).toBeGreaterThan(5);
    for (const url of urls.filter((u) => !u.startsWith('https://openid.net/')))
      expect({ url, fromIssuer: url === server.url || url.startsWith(`${server.url}/`) }).toEqual({
        url,
        fromIssuer: true,
      });
    expect(res.headers['cache-control']).toBe('public, max-age=300');
  });

  test('a target that is neither a path nor an http(s) URL is refused with 400 invalid_request', async () => {
    const res = await rawRequest(server.url, { path: '*', method: 'OPTIONS' });
    expect(res.status).toBe(400);
    expect(JSON.parse(res.text).error).toBe('invalid_request');
  });
});

describe('DPoP htu is compared with the issuer origin plus the path', () => {
  let server: TestServer;
  let accessToken: string;
  let refreshToken: string;
  let keys: oauth.CryptoKeyPair;
  beforeAll(async () => {
    server = await startServer({ env: { TRUST_PROXY: 'true' } });
    const linked = await link(server, await partnerFor(server), customers.allTypes);
    accessToken = linked.tokens.access_token;
    refreshToken = linked.tokens.refresh_token!;
    keys = linked.pending.dpopKeys as oauth.CryptoKeyPair;
  });
  afterAll(async () => {
    await server?.close();
  });

  const dataCall = async (htu: string, headers: Record<string, string>, path = '/api/v1/accounts') =>
    rawRequest(server.url, {
      path,
      headers: {
        authorization: `DPoP ${accessToken}`,
        accept: 'application/json',
        dpop: await handMadeProof(keys, {
          htm: 'GET',
          htu,
          accessToken,
          iat: Math.floor(server.clock.now() / 1000),
          jti: randomUUID(),
        }),
        ...headers,
      },
    });

  test.each(SPOOFS.filter((s) => !s.path))(
    'data API: a proof for another host, sent with a spoofed $name, is refused with 401 invalid_dpop_proof',
    async (spoof) => {
      const host = spoof.headers.host ?? spoof.headers['x-forwarded-host'] ?? 'evil.example';
      for (const scheme of ['http', 'https']) {
        const res = await dataCall(`${scheme}://${host}/api/v1/accounts`, spoof.headers);
        expect(res.status).toBe(401);
        expect(JSON.parse(res.text).errorCode).toBe('invalid_dpop_proof');
      }
      // The control: the issuer's URL is accepted whatever the request says its host is.
      const ok = await dataCall(`${server.url}/api/v1/accounts`, spoof.headers);
      expect(ok.status).toBe(200);
    },
  );

  test('data API: an absolute-form target naming another host is answered as the issuer, and its htu refused', async () => {
    const spoofed = await dataCall('http://evil.example/api/v1/accounts', {}, 'http://evil.example/api/v1/accounts');
    expect(spoofed.status).toBe(401);
    expect(JSON.parse(spoofed.text).errorCode).toBe('invalid_dpop_proof');
    const ok = await dataCall(`${server.url}/api/v1/accounts`, {}, 'http://evil.example/api/v1/accounts');
    expect(ok.status).toBe(200);
  });

  test('token endpoint: a proof for another host, sent with that Host, is refused with 400 invalid_dpop_proof', async () => {
    for (const headers of [{ host: 'evil.example' }, { 'x-forwarded-host': 'evil.example' }] as Record<
      string,
      string
    >[]) {
      const res = await refreshRequest(server.url, {
        refreshToken,
        assertion: await clientAssertion(server.url),
        proof: await tokenProof(keys, 'http://evil.example/token'),
        headers,
      });
      expect(res.status).toBe(400);
      expect(res.body.error).toBe('invalid_dpop_proof');
    }
    const ok = await refreshRequest(server.url, {
      refreshToken,
      assertion: await clientAssertion(server.url),
      proof: await tokenProof(keys, `${server.url}/token`),
      headers: { host: 'evil.example' },
    });
    expect(ok.status).toBe(200);
  });
});

describe('one DPoP iat window, short client assertions (token endpoint)', () => {
  let server: TestServer;
  let refreshToken: string;
  let keys: oauth.CryptoKeyPair;
  const tolerance = 60;
  const now = () => Math.floor(Date.now() / 1000);
  beforeAll(async () => {
    server = await startServer();
    const linked = await link(server, await partnerFor(server), customers.allTypes);
    refreshToken = linked.tokens.refresh_token!;
    keys = linked.pending.dpopKeys as oauth.CryptoKeyPair;
  });
  afterAll(async () => {
    await server?.close();
  });

  const refresh = async (proofIat: number, times: { iat?: number; exp?: number } = {}) =>
    refreshRequest(server.url, {
      refreshToken,
      assertion: await clientAssertion(server.url, 'demo-kakeibo', times),
      proof: await tokenProof(keys, `${server.url}/token`, proofIat),
    });

  test('a DPoP proof older or newer than dpop.iatToleranceSeconds is refused with 400 invalid_dpop_proof (oidc-provider alone allows 300 s)', async () => {
    await fc.assert(
      fc.asyncProperty(fc.integer({ min: tolerance + 5, max: 299 }), fc.boolean(), async (age, future) => {
        const res = await refresh(now() + (future ? age : -age));
        expect(res.status).toBe(400);
        expect(res.body.error).toBe('invalid_dpop_proof');
      }),
      { numRuns: 8 },
    );
    const ok = await refresh(now() - 20);
    expect(ok.status).toBe(200);
  });

  test('a client assertion whose exp is further ahead than clientAssertion.maxLifetimeSeconds is refused with 401 invalid_client', async () => {
    await fc.assert(
      fc.asyncProperty(fc.integer({ min: 300 + 16, max: 10 * 365 * 86400 }), async (ahead) => {
        const res = await refresh(now(), { exp: now() + ahead });
        expect(res.status).toBe(401);
        expect(res.body.error).toBe('invalid_client');
      }),
      { numRuns: 8 },
    );
    const ok = await refresh(now(), { exp: now() + 290 });
    expect(ok.status).toBe(200);
  });

  test('a client assertion issued in the future beyond the clock skew is refused with 401 invalid_client', async () => {
    await fc.assert(
      fc.asyncProperty(fc.integer({ min: 16, max: 86400 }), async (ahead) => {
        const res = await refresh(now(), { iat: now() + ahead, exp: now() + ahead + 30 });
        expect(res.status).toBe(401);
        expect(res.body.error).toBe('invalid_client');
      }),
      { numRuns: 8 },
    );
    const ok = await refresh(now(), { iat: now() + 5, exp: now() + 60 });
    expect(ok.status).toBe(200);
  });
});
