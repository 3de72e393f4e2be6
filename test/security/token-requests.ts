import type * as oauth from 'oauth4webapi';
import { randomUUID } from 'node:crypto';
import { exportJWK, importJWK, SignJWT } from 'jose';
import { demoPrivateJwk } from '../support/demo.ts';

const nowSeconds = () => Math.floor(Date.now() / 1000);

/** A private_key_jwt client assertion, with times a test chooses (oidc-provider judges them by the system clock). */
export const clientAssertion = async (
  issuer: string,
  clientId = 'demo-kakeibo',
  times: { iat?: number; exp?: number } = {},
) => {
  const jwk = demoPrivateJwk(clientId);
  const key = await importJWK(jwk as never, 'ES256');
  const iat = times.iat ?? nowSeconds();
  return new SignJWT({ jti: randomUUID() })
    .setProtectedHeader({ alg: 'ES256', kid: jwk.kid as string })
    .setIssuer(clientId)
    .setSubject(clientId)
    .setAudience(issuer)
    .setIssuedAt(iat)
    .setExpirationTime(times.exp ?? nowSeconds() + 60)
    .sign(key);
};

/** A refresh-token request to the token endpoint with a given assertion and DPoP proof. */
export const refreshRequest = async (
  issuer: string,
  options: { refreshToken: string; assertion: string; proof?: string; headers?: Record<string, string> },
) => {
  const body = new URLSearchParams({
    grant_type: 'refresh_token',
    refresh_token: options.refreshToken,
    client_assertion_type: 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer',
    client_assertion: options.assertion,
  });
  const res = await fetch(`${issuer}/token`, {
    method: 'POST',
    headers: {
      'content-type': 'application/x-www-form-urlencoded',
      ...(options.proof ? { dpop: options.proof } : {}),
      ...options.headers,
    },
    body,
  });
  return { status: res.status, body: (await res.json()) as Record<string, unknown> };
};

/** A DPoP proof for the token endpoint (no `ath`), dated `iat` on the system clock unless told. */
export const tokenProof = async (keys: oauth.CryptoKeyPair, htu: string, iat = nowSeconds(), htm = 'POST') =>
  new SignJWT({ htm, htu, jti: randomUUID() })
    .setProtectedHeader({ alg: 'ES256', typ: 'dpop+jwt', jwk: await exportJWK(keys.publicKey) })
    .setIssuedAt(iat)
    .sign(keys.privateKey);
