import { randomBytes, randomUUID } from 'node:crypto';
import { exportJWK, generateKeyPair } from 'jose';

export type SigningAlg = 'ES256' | 'PS256' | 'EdDSA';

/** A JWK as the keys directory holds it: any members, and always a kid and an alg. */
export type Jwk = Record<string, unknown> & { kid: string; alg: string };

/** A private signing JWK with kid, alg and use set. */
export const generateSigningJwk = async (alg: SigningAlg): Promise<Jwk & { alg: SigningAlg; use: 'sig' }> => {
  const { privateKey } = await generateKeyPair(alg, {
    extractable: true,
    ...(alg === 'PS256' ? { modulusLength: 2048 } : {}),
  });
  const jwk = await exportJWK(privateKey);
  return { ...jwk, kid: `${alg.toLowerCase()}-${randomUUID().slice(0, 8)}`, alg, use: 'sig' };
};

/** Drops the private members of a JWK. */
export const publicJwk = <J extends Record<string, unknown>>(jwk: J): Omit<J, 'd' | 'p' | 'q' | 'dp' | 'dq' | 'qi'> => {
  const { d, p, q, dp, dq, qi, ...rest } = jwk;
  void d;
  void p;
  void q;
  void dp;
  void dq;
  void qi;
  return rest;
};

/** Everything the keys directory holds: the server's signing keys and its shared secrets. */
export const generateServerKeySet = async (options: { demo: boolean }) => ({
  jwks: { keys: [await generateSigningJwk('PS256'), await generateSigningJwk('ES256')] },
  secrets: {
    ...(options.demo
      ? { $comment: 'DEMO secrets, committed to the repository: never use them in production.', demo: true }
      : {}),
    cookieKeys: [randomBytes(32).toString('base64url')],
    dpopNonceSecret: randomBytes(32).toString('base64url'),
    pairwiseSalt: randomBytes(32).toString('base64url'),
  },
});
