import { createHash, randomUUID } from 'node:crypto';
import { exportJWK, SignJWT } from 'jose';
import type * as oauth from 'oauth4webapi';

/** A DPoP proof built by hand, for the negative tests (a real client never sends these). */
export const handMadeProof = async (
  keys: oauth.CryptoKeyPair,
  claims: { htm: string; htu: string; accessToken: string; iat?: number; jti?: string; ath?: string; nonce?: string },
) => {
  const jwk = await exportJWK(keys.publicKey);
  return new SignJWT({
    htm: claims.htm,
    htu: claims.htu,
    jti: claims.jti ?? randomUUID(),
    ath: claims.ath ?? createHash('sha256').update(claims.accessToken).digest('base64url'),
    ...(claims.nonce ? { nonce: claims.nonce } : {}),
  })
    .setProtectedHeader({ alg: 'ES256', typ: 'dpop+jwt', jwk })
    .setIssuedAt(claims.iat ?? Math.floor(Date.now() / 1000))
    .sign(keys.privateKey);
};

/** A raw call to the data API with a given Authorization header and DPoP proof. */
export const rawCall = async (url: string, authorization: string, proof?: string, method = 'GET') => {
  const headers: Record<string, string> = { authorization, accept: 'application/json' };
  if (proof) headers.dpop = proof;
  const res = await fetch(url, { method, headers });
  return {
    status: res.status,
    wwwAuthenticate: res.headers.get('www-authenticate') ?? '',
    body: (await res.json()) as Record<string, unknown>,
  };
};
