// Proofs and client assertions for the load, signed with node:crypto before a measured window (the
// load generator must not spend its time in jose while it measures the server).
import { createHash, createPrivateKey, randomUUID, sign, type KeyObject } from 'node:crypto';

export interface PrivateJwk {
  kty: string;
  crv?: string;
  x?: string;
  y?: string;
  d?: string;
  kid?: string;
  alg?: string;
}

const b64 = (v: unknown) => Buffer.from(JSON.stringify(v)).toString('base64url');

export interface Signer {
  /** The public JWK (what goes into a DPoP header). */
  publicJwk: Record<string, string>;
  /** RFC 7638 thumbprint of the public key. */
  jkt: string;
  kid?: string;
  sign(header: Record<string, unknown>, payload: Record<string, unknown>): string;
}

/** An ES256 signer on a P-256 private JWK. */
export const es256Signer = (jwk: PrivateJwk): Signer => {
  if (jwk.kty !== 'EC' || jwk.crv !== 'P-256') throw new Error('bench signs with EC P-256 keys only');
  const key: KeyObject = createPrivateKey({ key: jwk as never, format: 'jwk' });
  const publicJwk = { kty: 'EC', crv: 'P-256', x: jwk.x!, y: jwk.y! };
  const jkt = createHash('sha256')
    .update(JSON.stringify({ crv: 'P-256', kty: 'EC', x: jwk.x, y: jwk.y }))
    .digest('base64url');
  return {
    publicJwk,
    jkt,
    kid: jwk.kid,
    sign(header, payload) {
      const input = `${b64({ alg: 'ES256', ...header })}.${b64(payload)}`;
      const sig = sign('sha256', Buffer.from(input), { key, dsaEncoding: 'ieee-p1363' });
      return `${input}.${sig.toString('base64url')}`;
    },
  };
};

export const ath = (accessToken: string) => createHash('sha256').update(accessToken).digest('base64url');

/** A DPoP proof (RFC 9449): fresh jti, iat now. */
export const dpopProof = (signer: Signer, htm: string, htu: string, accessToken?: string, iat = Date.now()) =>
  signer.sign(
    { typ: 'dpop+jwt', jwk: signer.publicJwk },
    {
      htm,
      htu,
      jti: randomUUID(),
      iat: Math.floor(iat / 1000),
      ...(accessToken ? { ath: ath(accessToken) } : {}),
    },
  );

/** A private_key_jwt client assertion (aud = the issuer, as FAPI 2.0 wants), short-lived. */
export const clientAssertion = (signer: Signer, clientId: string, issuer: string, now = Date.now()) =>
  signer.sign(
    { typ: 'JWT', ...(signer.kid ? { kid: signer.kid } : {}) },
    {
      iss: clientId,
      sub: clientId,
      aud: issuer,
      jti: randomUUID(),
      iat: Math.floor(now / 1000),
      exp: Math.floor(now / 1000) + 55,
    },
  );

/** A fresh P-256 private JWK (the DPoP key of the bench's linkages). */
export const freshEcJwk = async (): Promise<PrivateJwk> => {
  const { generateKeyPairSync } = await import('node:crypto');
  const { privateKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  return privateKey.export({ format: 'jwk' }) as PrivateJwk;
};
