import { constants, createHash, generateKeyPairSync, randomUUID, sign, type KeyObject } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { calculateJwkThumbprint, type JWK } from 'jose';
import Koa from 'koa';
import { ManualClock } from '../../src/shared/clock.ts';
import { MemoryStore } from '../../src/store/memory-store.ts';
import { createOidcAdapterFactory } from '../../src/store/oidc-adapter.ts';
import { respondErrors } from '../../src/web/respond-errors.ts';
import { createSenderConstraint } from '../../src/web/tokens/check-sender-constraint.ts';
import { createDpopVerifier, DpopProofError, type ProofExpectations } from '../../src/web/tokens/dpop-verifier.ts';
import { loadAccessToken } from '../../src/web/tokens/load-access-token.ts';
import { readCredentials } from '../../src/web/tokens/read-credentials.ts';

const NOW = 1_900_000_000;
const HTU = 'https://bank.example/api/v1/accounts';
const ACCESS_TOKEN = 'access-token-value-0123456789';

interface Signer {
  alg: string;
  privateKey: KeyObject;
  jwk: JWK;
}

const signer = (alg: 'ES256' | 'PS256' | 'EdDSA' | 'ES384' | 'RS256'): Signer => {
  const pair =
    alg === 'ES256'
      ? generateKeyPairSync('ec', { namedCurve: 'P-256' })
      : alg === 'ES384'
        ? generateKeyPairSync('ec', { namedCurve: 'P-384' })
        : alg === 'EdDSA'
          ? generateKeyPairSync('ed25519')
          : generateKeyPairSync('rsa', { modulusLength: 2048 });
  return { alg, privateKey: pair.privateKey, jwk: pair.publicKey.export({ format: 'jwk' }) as JWK };
};

const ath = (token: string) => createHash('sha256').update(token).digest('base64url');

const b64 = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');

/** Signs with node:crypto, not jose, so that proofs jose would refuse to make can be made too. */
const signRaw = (alg: string, data: Buffer, key: KeyObject): Buffer => {
  if (alg === 'ES256') return sign('sha256', data, { key, dsaEncoding: 'ieee-p1363' });
  if (alg === 'ES384') return sign('sha384', data, { key, dsaEncoding: 'ieee-p1363' });
  if (alg === 'PS256') return sign('sha256', data, { key, padding: constants.RSA_PKCS1_PSS_PADDING, saltLength: 32 });
  if (alg === 'RS256') return sign('sha256', data, key);
  return sign(null, data, key);
};

const proof = async (
  s: Signer,
  claims: Record<string, unknown> = {},
  header: Record<string, unknown> = {},
  signWith: KeyObject = s.privateKey,
) => {
  const signed = `${b64({ alg: s.alg, typ: 'dpop+jwt', jwk: s.jwk, ...header })}.${b64({
    htm: 'GET',
    htu: HTU,
    iat: NOW,
    jti: randomUUID(),
    ath: ath(ACCESS_TOKEN),
    ...claims,
  })}`;
  return `${signed}.${signRaw(s.alg, Buffer.from(signed), signWith).toString('base64url')}`;
};

const expected: ProofExpectations = {
  htm: 'GET',
  htu: HTU,
  accessToken: ACCESS_TOKEN,
  now: NOW,
  iatToleranceSeconds: 60,
};

const refusal = (fn: () => unknown): string => {
  try {
    fn();
  } catch (e) {
    if (e instanceof DpopProofError) return e.message;
    throw e;
  }
  throw new Error('the proof was accepted');
};

describe('DPoP proof verification on node:crypto', () => {
  const keys = { ES256: signer('ES256'), PS256: signer('PS256'), EdDSA: signer('EdDSA') };

  test.each(Object.keys(keys) as (keyof typeof keys)[])(
    'accepts a %s proof and names its key by its RFC 7638 thumbprint',
    async (alg) => {
      const verifier = createDpopVerifier();
      const jti = randomUUID();
      const verified = verifier.verify(await proof(keys[alg], { jti, nonce: 'n-1' }), expected);
      expect(verified).toMatchObject({ jti, nonce: 'n-1', jkt: await calculateJwkThumbprint(keys[alg].jwk) });
    },
  );

  test('refuses a proof whose signature does not hold: tampered, or made by another key', async () => {
    const verifier = createDpopVerifier();
    const good = await proof(keys.ES256);
    const [h, , sig] = good.split('.');
    const otherPayload = Buffer.from(JSON.stringify({ htm: 'POST' })).toString('base64url');
    expect(refusal(() => verifier.verify(`${h}.${otherPayload}.${sig}`, expected))).toMatch(/signature/);
    const forged = await proof(keys.ES256, {}, {}, signer('ES256').privateKey);
    expect(refusal(() => verifier.verify(forged, expected))).toMatch(/signature/);
    // A signature of the wrong length, and one that is not base64url.
    expect(refusal(() => verifier.verify(`${good}AAAA`, expected))).toMatch(/signature/);
    expect(refusal(() => verifier.verify(`${good.slice(0, -2)}+/`, expected))).toMatch(/compact JWS/);
  });

  test('refuses algorithms outside ES256, PS256 and EdDSA, and a key that does not fit the alg', async () => {
    const verifier = createDpopVerifier();
    const es384 = await proof(signer('ES384'));
    expect(refusal(() => verifier.verify(es384, expected))).toMatch(/alg must be one of/);
    const rs256 = await proof({ ...keys.PS256, alg: 'RS256' });
    expect(refusal(() => verifier.verify(rs256, expected))).toMatch(/alg must be one of/);
    const none = `${b64({ alg: 'none', typ: 'dpop+jwt', jwk: keys.ES256.jwk })}.${b64({})}.`;
    expect(refusal(() => verifier.verify(none, expected))).toMatch(/compact JWS/);
    const noneSigned = `${b64({ alg: 'none', typ: 'dpop+jwt', jwk: keys.ES256.jwk })}.${b64({})}.AAAA`;
    expect(refusal(() => verifier.verify(noneSigned, expected))).toMatch(/alg must be one of/);
    // The header says ES256, the key is an Ed25519 key.
    const mismatched = `${b64({ alg: 'ES256', typ: 'dpop+jwt', jwk: keys.EdDSA.jwk })}.${b64({})}.AAAA`;
    expect(refusal(() => verifier.verify(mismatched, expected))).toMatch(/not a public ES256 key/);
    // RSA below 2048 bits, as jose refuses it.
    const small = generateKeyPairSync('rsa', { modulusLength: 1024 });
    const weak = await proof({
      alg: 'PS256',
      privateKey: small.privateKey,
      jwk: small.publicKey.export({ format: 'jwk' }) as JWK,
    });
    expect(refusal(() => verifier.verify(weak, expected))).toMatch(/not a public PS256 key/);
  });

  test('refuses a wrong typ, a critical header, a private key and a key for another alg or use', async () => {
    const verifier = createDpopVerifier();
    const cases: [Record<string, unknown>, RegExp][] = [
      [{ typ: 'JWT' }, /typ/],
      [{ crit: ['exp'] }, /crit/],
      [{ jwk: keys.ES256.privateKey.export({ format: 'jwk' }) }, /a public key/],
      [{ jwk: { ...keys.ES256.jwk, alg: 'ES384' } }, /alg is not the proof's/],
      [{ jwk: { ...keys.ES256.jwk, use: 'enc' } }, /not for signing/],
      [{ jwk: 'not an object' }, /carry its public key/],
    ];
    for (const [header, reason] of cases) {
      const p = await proof(keys.ES256, {}, header);
      expect([header, refusal(() => verifier.verify(p, expected))]).toEqual([header, expect.stringMatching(reason)]);
    }
    // typ compared as jose does: case-insensitively, with the application/ prefix allowed.
    verifier.verify(await proof(keys.ES256, {}, { typ: 'application/DPoP+JWT' }), expected);
  });

  test('refuses a stale or future iat (dpop.iatToleranceSeconds either way), and an expired exp', async () => {
    const verifier = createDpopVerifier();
    const cases: [Record<string, unknown>, RegExp][] = [
      [{ iat: NOW - 61 }, /not recent/],
      [{ iat: NOW + 61 }, /not recent/],
      [{ iat: 'now' }, /not recent/],
      [{ iat: undefined }, /not recent/],
      [{ exp: NOW - 61 }, /exp/],
      [{ nbf: NOW + 61 }, /nbf/],
    ];
    for (const [claims, reason] of cases) {
      const p = await proof(keys.ES256, claims);
      expect([claims, refusal(() => verifier.verify(p, expected))]).toEqual([claims, expect.stringMatching(reason)]);
    }
    // At the edges of the window it is still accepted.
    verifier.verify(await proof(keys.ES256, { iat: NOW - 60 }), expected);
    verifier.verify(await proof(keys.ES256, { iat: NOW + 60 }), expected);
    verifier.verify(await proof(keys.ES256, { iat: NOW + 30 }), { ...expected, iatToleranceSeconds: 30 });
    const tight = await proof(keys.ES256, { iat: NOW + 31 });
    expect(refusal(() => verifier.verify(tight, { ...expected, iatToleranceSeconds: 30 }))).toMatch(/not recent/);
  });

  test('refuses a proof for another method, URL or access token, or without a usable jti', async () => {
    const verifier = createDpopVerifier();
    const cases: [Record<string, unknown>, RegExp][] = [
      [{ htm: 'POST' }, /another HTTP method/],
      [{ htm: 'get' }, /another HTTP method/],
      [{ htu: 'https://elsewhere.example/api/v1/accounts' }, /another URL/],
      [{ htu: 'https://bank.example/api/v1/accounts/balances' }, /another URL/],
      [{ htu: 42 }, /another URL/],
      [{ ath: ath('another token') }, /another access token/],
      [{ ath: undefined }, /another access token/],
      [{ jti: 'short' }, /jti/],
      [{ jti: 12345678 }, /jti/],
    ];
    for (const [claims, reason] of cases) {
      const p = await proof(keys.ES256, claims);
      expect([claims, refusal(() => verifier.verify(p, expected))]).toEqual([claims, expect.stringMatching(reason)]);
    }
    // The query and fragment of htu are not compared (RFC 9449 §4.3).
    verifier.verify(await proof(keys.ES256, { htu: `${HTU}?accountId=1#x` }), expected);
  });

  test('keeps key objects only once remembered, in a bounded LRU cache, least recently used out first', async () => {
    const verifier = createDpopVerifier({ maxCachedKeys: 2 });
    const [a, b, c] = [signer('ES256'), signer('EdDSA'), signer('ES256')];
    const jkt = async (s: Signer) => calculateJwkThumbprint(s.jwk);
    verifier.verify(await proof(a), expected);
    // Verified but never found bound to a token: not kept.
    expect(verifier.cachedThumbprints()).toEqual([]);
    verifier.verify(await proof(a), expected).remember();
    verifier.verify(await proof(b), expected).remember();
    expect(verifier.cachedThumbprints()).toEqual([await jkt(a), await jkt(b)]);
    // A proof under a cached key uses it, and makes it the most recent.
    expect(verifier.verify(await proof(a), expected).jkt).toBe(await jkt(a));
    expect(verifier.cachedThumbprints()).toEqual([await jkt(b), await jkt(a)]);
    verifier.verify(await proof(c), expected).remember();
    expect(verifier.cachedThumbprints()).toEqual([await jkt(a), await jkt(c)]);
    // A forged proof under a cached key is refused all the same.
    const forged = await proof(a, {}, {}, signer('ES256').privateKey);
    expect(refusal(() => verifier.verify(forged, expected))).toMatch(/signature/);
  });
});

describe('the sender-constraint steps around the token read (memory store)', () => {
  const clock = new ManualClock(NOW * 1000);
  const store = new MemoryStore(clock);
  const key = signer('ES256');
  let server: Server;
  let url: string;
  const tokenValue = 'at-bound-to-key';

  beforeAll(async () => {
    await createOidcAdapterFactory(store)('AccessToken').upsert(
      tokenValue,
      {
        kind: 'AccessToken',
        jti: tokenValue,
        iat: NOW,
        exp: NOW + 600,
        clientId: 'partner-1',
        accountId: 'sub-1',
        grantId: 'g1',
        extra: { accounts: ['a1'], grant_exp: NOW + 86400 },
        jkt: await calculateJwkThumbprint(key.jwk),
      },
      600,
    );
    const { verifyDpopProof, checkSenderConstraint } = createSenderConstraint({
      issuer: 'https://bank.example',
      clock,
      iatToleranceSeconds: 60,
    });
    const app = new Koa();
    for (const step of [
      respondErrors,
      readCredentials,
      verifyDpopProof,
      loadAccessToken({ store, clock }),
      checkSenderConstraint,
    ])
      app.use(step as Koa.Middleware);
    app.use((ctx) => {
      ctx.body = { ok: true };
    });
    server = createServer(app.callback());
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/api/v1/accounts`;
  });
  afterAll(async () => {
    await new Promise((resolve) => server.close(resolve));
    await store.close();
  });

  const call = async (dpop: string) => {
    const res = await fetch(url, { headers: { authorization: `DPoP ${tokenValue}`, dpop } });
    return { status: res.status, body: (await res.json()) as Record<string, unknown> };
  };
  const proofFor = (s: Signer, claims: Record<string, unknown> = {}) => proof(s, { ath: ath(tokenValue), ...claims });

  test("a proof under the token's key passes once; its replay is refused, its marker under the token's tag", async () => {
    const jti = randomUUID();
    const p = await proofFor(key, { jti });
    expect(await call(p)).toEqual({ status: 200, body: { ok: true } });
    expect(await call(p)).toMatchObject({ status: 401, body: { errorCode: 'invalid_dpop_proof' } });
    expect(await store.keysWithPrefix(`dpop:{${tokenValue}}:`)).toEqual([`dpop:{${tokenValue}}:${jti}`]);
    expect(await store.ttl(`dpop:{${tokenValue}}:${jti}`)).toBe(125);
  });

  test('a valid proof under a key the token is not bound to (cnf.jkt) is refused as invalid_token', async () => {
    const res = await call(await proofFor(signer('ES256')));
    expect(res).toMatchObject({ status: 401, body: { errorCode: 'invalid_token' } });
    expect(res.body.errorMessage).toMatch(/not signed with the key this token is bound to/);
  });

  test('an invalid proof writes no replay marker, so it cannot use up the jti of a later good one', async () => {
    const jti = randomUUID();
    const stale = await proofFor(key, { jti, iat: NOW - 600 });
    expect(await call(stale)).toMatchObject({ status: 401, body: { errorCode: 'invalid_dpop_proof' } });
    expect(await store.get(`dpop:{${tokenValue}}:${jti}`)).toBeUndefined();
    expect((await call(await proofFor(key, { jti }))).status).toBe(200);
  });

  test('the proof must name the configured issuer, not the Host it was sent to', async () => {
    const res = await call(await proofFor(key, { htu: url }));
    expect(res).toMatchObject({ status: 401, body: { errorCode: 'invalid_dpop_proof' } });
  });
});
