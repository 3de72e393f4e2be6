import { createHash, randomUUID } from 'node:crypto';
import { importJWK, SignJWT, type JWK } from 'jose';
import { publicJwk } from '../keys/generate.ts';

export type PrivateJwk = JWK & { d?: string };

/** The signing algorithm a DPoP key implies (the data API accepts ES256, PS256 and EdDSA). */
export const dpopAlgFor = (jwk: PrivateJwk): string => {
  if (jwk.alg) return jwk.alg;
  if (jwk.kty === 'EC' && jwk.crv === 'P-256') return 'ES256';
  if (jwk.kty === 'RSA') return 'PS256';
  if (jwk.kty === 'OKP' && jwk.crv === 'Ed25519') return 'EdDSA';
  throw new Error(
    `no DPoP algorithm for a ${jwk.kty}${jwk.crv ? ` ${jwk.crv}` : ''} key: use EC P-256, RSA or Ed25519`,
  );
};

/**
 * One DPoP proof (RFC 9449 §4.2): htu without query or fragment, ath when it goes with an access
 * token, the server's nonce when it asked for one, a fresh jti every time.
 */
export const createDpopProof = async (options: {
  jwk: PrivateJwk;
  htm: string;
  htu: string | URL;
  accessToken?: string;
  nonce?: string;
  /** Seconds since the epoch; default now. */
  iat?: number;
}) => {
  const alg = dpopAlgFor(options.jwk);
  const key = await importJWK(options.jwk, alg);
  const htu = new URL(options.htu);
  htu.search = '';
  htu.hash = '';
  const { alg: _alg, kid: _kid, use: _use, key_ops: _ops, ...pub } = publicJwk(options.jwk);
  return new SignJWT({
    htm: options.htm,
    htu: htu.href,
    jti: randomUUID(),
    ...(options.accessToken ? { ath: createHash('sha256').update(options.accessToken).digest('base64url') } : {}),
    ...(options.nonce ? { nonce: options.nonce } : {}),
  })
    .setProtectedHeader({ typ: 'dpop+jwt', alg, jwk: pub })
    .setIssuedAt(options.iat ?? Math.floor(Date.now() / 1000))
    .sign(key);
};
