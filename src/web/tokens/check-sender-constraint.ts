import { createHash, X509Certificate } from 'node:crypto';
import type { Context, Middleware } from 'koa';
import { issuerUrlFor } from '../../http/issuer-origin.ts';
import type { Clock } from '../../shared/clock.ts';
import { tokenTag } from '../../store/oidc-adapter.ts';
import { invalidDpopProof, invalidToken, ResourceError } from '../errors.ts';
import type { DpopNonces } from './dpop-nonce.ts';
import { createDpopVerifier, DpopProofError, type DpopVerifier } from './dpop-verifier.ts';
import type { CredentialsState, ProofState, TokenState } from './token-request.ts';

export { DPOP_ALGS } from './dpop-verifier.ts';

export interface SenderConstraintDeps {
  /** The configured issuer: its origin, never the request's Host, is what a proof's `htu` must name. */
  issuer: string;
  clock: Clock;
  iatToleranceSeconds: number;
  nonces?: DpopNonces;
  /** Where a trusted TLS-terminating proxy forwards the client certificate, when mTLS is on. */
  certificateHeader?: string;
  /** The verifier and its key cache (one per process); a fresh one by default. */
  verifier?: DpopVerifier;
}

/**
 * A proof's replay marker, under its access token's hash tag, so that it is written in the same
 * round trip (and Cluster slot) as the token is read. Per token rather than per key: `ath` binds
 * the proof to that token, so a replay always comes with it.
 */
export const dpopReplayKey = (accessToken: string, jti: string): string => `dpop:${tokenTag(accessToken)}:${jti}`;

/**
 * Proof-of-possession (DPoP or mTLS), in two steps around the token's store read:
 * `verifyDpopProof` checks a DPoP proof against this very request before the read (signature,
 * typ, alg, htm, htu, iat, ath, nonce) and leaves its outcome on ctx.state.proof, so that the
 * read can write the proof's replay marker in the same round trip; `checkSenderConstraint`, at
 * its place after the token's own checks, then decides. A DPoP-bound token is accepted only with
 * the DPoP scheme and a valid, fresh proof signed with its key; a certificate-bound one only with
 * the matching certificate; an unbound token (a partner on the explicit legacy profile) only as
 * Bearer.
 */
export const createSenderConstraint = (deps: SenderConstraintDeps) => {
  const verifier = deps.verifier ?? createDpopVerifier();
  // A proof is remembered for as long as it could be accepted: iat ± tolerance, and a margin.
  const replayTtlSeconds = 2 * deps.iatToleranceSeconds + 5;

  const verify = (ctx: Context & { state: CredentialsState }): NonNullable<ProofState['proof']> => {
    const proofs = ctx.req.headersDistinct.dpop ?? [];
    if (proofs.length !== 1) return { error: invalidDpopProof('Exactly one DPoP proof is required.') };
    let verified;
    try {
      verified = verifier.verify(proofs[0], {
        htm: ctx.method,
        htu: issuerUrlFor(deps.issuer, ctx.path),
        accessToken: ctx.state.credentials.token,
        now: Math.floor(deps.clock.now() / 1000),
        iatToleranceSeconds: deps.iatToleranceSeconds,
      });
    } catch (e) {
      if (!(e instanceof DpopProofError)) throw e;
      return { error: invalidDpopProof(e.message) };
    }
    if (deps.nonces && (verified.nonce === undefined || !deps.nonces.accepts(verified.nonce))) {
      return {
        error: new ResourceError(401, 'use_dpop_nonce', 'Use the server-provided DPoP nonce.', {
          authError: 'use_dpop_nonce',
          headers: { 'DPoP-Nonce': deps.nonces.current() },
        }),
      };
    }
    return {
      verified,
      replay: { key: dpopReplayKey(ctx.state.credentials.token, verified.jti), ttlSeconds: replayTtlSeconds },
    };
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

  /** Before the token's read: a DPoP proof, when the DPoP scheme is used, checked but not yet judged. */
  const verifyDpopProof: Middleware<CredentialsState & ProofState> = async (ctx, next) => {
    if (ctx.state.credentials.scheme === 'DPoP') ctx.state.proof = verify(ctx);
    await next();
  };

  /** After the token's read and its own checks: whether the caller proved it holds what the token is bound to. */
  const checkSenderConstraint: Middleware<TokenState & ProofState> = async (ctx, next) => {
    const { token: payload, credentials, proof } = ctx.state;
    if (payload.jkt) {
      if (credentials.scheme !== 'DPoP')
        throw invalidToken('This access token is DPoP-bound: send it with the DPoP scheme and a proof.');
      if (!proof) throw new TypeError('verifyDpopProof must run before the token is read');
      if ('error' in proof) throw proof.error;
      if (proof.verified.jkt !== payload.jkt)
        throw invalidToken('The DPoP proof is not signed with the key this token is bound to.');
      // Replay across instances: the marker was set (or found) in the store with the token's read.
      if (proof.fresh !== true) throw invalidDpopProof('The DPoP proof was already used.');
      proof.verified.remember();
    } else if (payload['x5t#S256']) {
      if (credentials.scheme !== 'Bearer')
        throw invalidToken('This access token is certificate-bound: send it with the Bearer scheme over mTLS.');
      verifyCertificate(ctx, payload['x5t#S256']);
    } else if (credentials.scheme !== 'Bearer') {
      throw invalidToken('This access token is not DPoP-bound.');
    }
    await next();
  };

  return { verifyDpopProof, checkSenderConstraint, verifier };
};
