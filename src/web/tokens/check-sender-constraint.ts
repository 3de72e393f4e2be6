import { createHash, X509Certificate } from 'node:crypto';
import type { Context, Middleware, ParameterizedContext } from 'koa';
import { calculateJwkThumbprint, EmbeddedJWK, errors as joseErrors, jwtVerify, type JWK } from 'jose';
import { issuerUrlFor } from '../../http/issuer-origin.ts';
import type { Clock } from '../../shared/clock.ts';
import type { Store } from '../../store/store.ts';
import { invalidDpopProof, invalidToken, ResourceError } from '../errors.ts';
import type { DpopNonces } from './dpop-nonce.ts';
import type { TokenState } from './token-request.ts';

export const DPOP_ALGS = ['ES256', 'PS256', 'EdDSA'];

export interface SenderConstraintDeps {
  store: Store;
  /** The configured issuer: its origin, never the request's Host, is what a proof's `htu` must name. */
  issuer: string;
  clock: Clock;
  iatToleranceSeconds: number;
  nonces?: DpopNonces;
  /** Where a trusted TLS-terminating proxy forwards the client certificate, when mTLS is on. */
  certificateHeader?: string;
}

/** The URL a proof must name: the issuer's origin and this request's path, no query (RFC 9449 §4.3). */
const expectedHtu = (issuer: string, ctx: Context) => issuerUrlFor(issuer, ctx.path);

const normalizedHtu = (htu: unknown) => {
  if (typeof htu !== 'string') return undefined;
  const url = URL.parse(htu);
  if (!url) return undefined;
  url.search = '';
  url.hash = '';
  return url.href;
};

/**
 * Proof that the caller holds the key (DPoP) or certificate (mTLS) the token is bound to. A
 * DPoP-bound token is accepted only with the DPoP scheme and a valid proof for this very request;
 * a certificate-bound one only with the matching certificate; an unbound token (a partner on the
 * explicit legacy profile) only as Bearer.
 */
export const checkSenderConstraint = (deps: SenderConstraintDeps): Middleware<TokenState> => {
  const verifyProof = async (ctx: ParameterizedContext<TokenState>) => {
    const { token, credentials } = ctx.state;
    const proofs = ctx.req.headersDistinct.dpop ?? [];
    if (proofs.length !== 1) throw invalidDpopProof('Exactly one DPoP proof is required.');
    let verified;
    try {
      verified = await jwtVerify(proofs[0], EmbeddedJWK, {
        typ: 'dpop+jwt',
        algorithms: DPOP_ALGS,
        currentDate: new Date(deps.clock.now()),
        clockTolerance: deps.iatToleranceSeconds,
      });
    } catch (e) {
      throw invalidDpopProof(
        e instanceof joseErrors.JOSEError ? `The DPoP proof is invalid (${e.code}).` : 'The DPoP proof is invalid.',
      );
    }
    const { payload, protectedHeader } = verified;
    // EmbeddedJWK verified the signature with this very header's key, so it is present.
    const jwk: JWK | undefined = protectedHeader.jwk;
    if (!jwk) throw invalidDpopProof('The DPoP proof must carry its public key.');
    if ('d' in jwk) throw invalidDpopProof('The DPoP proof must carry a public key.');
    if (typeof payload.jti !== 'string' || payload.jti.length < 8 || payload.jti.length > 256)
      throw invalidDpopProof('The DPoP proof needs a jti.');
    if (payload.htm !== ctx.method) throw invalidDpopProof('The DPoP proof is for another HTTP method.');
    if (normalizedHtu(payload.htu) !== expectedHtu(deps.issuer, ctx))
      throw invalidDpopProof('The DPoP proof is for another URL.');
    const now = Math.floor(deps.clock.now() / 1000);
    if (typeof payload.iat !== 'number' || Math.abs(now - payload.iat) > deps.iatToleranceSeconds)
      throw invalidDpopProof('The DPoP proof is not recent.');
    if (payload.ath !== createHash('sha256').update(credentials.token).digest('base64url'))
      throw invalidDpopProof('The DPoP proof is for another access token.');
    if (deps.nonces && (typeof payload.nonce !== 'string' || !deps.nonces.accepts(payload.nonce))) {
      throw new ResourceError(401, 'use_dpop_nonce', 'Use the server-provided DPoP nonce.', {
        authError: 'use_dpop_nonce',
        headers: { 'DPoP-Nonce': deps.nonces.current() },
      });
    }
    if ((await calculateJwkThumbprint(jwk)) !== token.jkt)
      throw invalidToken('The DPoP proof is not signed with the key this token is bound to.');
    // Replay across instances: the proof's jti is remembered in the shared store for its lifetime.
    const fresh = await deps.store.setIfAbsent(
      `dpop-jti:${token.jkt}:${payload.jti}`,
      '1',
      2 * deps.iatToleranceSeconds + 5,
    );
    if (!fresh) throw invalidDpopProof('The DPoP proof was already used.');
  };

  const verifyCertificate = (ctx: Context, expected: string) => {
    const pem = deps.certificateHeader ? ctx.get(deps.certificateHeader) : '';
    let thumbprint: string | undefined;
    try {
      thumbprint = pem
        ? createHash('sha256')
            .update(new X509Certificate(decodeURIComponent(pem)).raw)
            .digest('base64url')
        : undefined;
    } catch {
      thumbprint = undefined;
    }
    if (thumbprint !== expected)
      throw invalidToken('The client certificate does not match the one this token is bound to.');
  };

  return async (ctx, next) => {
    const { token: payload, credentials } = ctx.state;
    if (payload.jkt) {
      if (credentials.scheme !== 'DPoP')
        throw invalidToken('This access token is DPoP-bound: send it with the DPoP scheme and a proof.');
      await verifyProof(ctx);
    } else if (payload['x5t#S256']) {
      if (credentials.scheme !== 'Bearer')
        throw invalidToken('This access token is certificate-bound: send it with the Bearer scheme over mTLS.');
      verifyCertificate(ctx, payload['x5t#S256']);
    } else if (credentials.scheme !== 'Bearer') {
      throw invalidToken('This access token is not DPoP-bound.');
    }
    await next();
  };
};
