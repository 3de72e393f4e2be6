import { constants, createHash, createPublicKey, verify, type KeyObject } from 'node:crypto';
import { thumbprintInput, thumbprintOf } from '../../shared/jwk-thumbprint.ts';

/** The algorithms a DPoP proof may be signed with (what the challenge advertises). */
export const DPOP_ALGS = ['ES256', 'PS256', 'EdDSA'] as const;
export type DpopAlg = (typeof DPOP_ALGS)[number];

/** A proof that is not acceptable; the message says why, for the caller's developers. */
export class DpopProofError extends Error {
  override name = 'DpopProofError';
}

/** What a proof must match: this very request, at this time, for this access token. */
export interface ProofExpectations {
  /** The request's method. */
  htm: string;
  /** The URL the proof must name (the issuer's origin and the request's path), query and fragment removed. */
  htu: string;
  /** The access token sent with the proof (its SHA-256 is the proof's `ath`). */
  accessToken: string;
  /** Epoch seconds. */
  now: number;
  /** How far `iat` may be from now, either way. */
  iatToleranceSeconds: number;
}

export interface VerifiedProof {
  jti: string;
  /** The RFC 7638 thumbprint of the proof's key: what a bound token's `cnf.jkt` must be. */
  jkt: string;
  nonce?: string;
  /**
   * Keeps the proof's key object in the cache. Called once the key was found to be one a token is
   * bound to, so that a flood of proofs under throw-away keys cannot push the partners' keys out.
   */
  remember(): void;
}

interface CachedKey {
  alg: DpopAlg;
  key: KeyObject;
  jkt: string;
}

const B64URL = /^[A-Za-z0-9_-]+$/;
// An RSA key of 4096 bits makes a proof of about 1.6 kB; anything far beyond is not a proof.
const MAX_PROOF_LENGTH = 8192;
// Members that only a private (or symmetric) JWK has.
const PRIVATE_MEMBERS = ['d', 'p', 'q', 'dp', 'dq', 'qi', 'oth', 'k'];

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

const decodeJson = (segment: string): Record<string, unknown> | undefined => {
  try {
    const parsed: unknown = JSON.parse(Buffer.from(segment, 'base64url').toString('utf8'));
    return isObject(parsed) ? parsed : undefined;
  } catch {
    return undefined;
  }
};

/** The key each algorithm is verified with: its type and, where it has one, its curve. */
const KEY_OF_ALG: Record<DpopAlg, { kty: string; crv?: string }> = {
  ES256: { kty: 'EC', crv: 'P-256' },
  PS256: { kty: 'RSA' },
  EdDSA: { kty: 'OKP', crv: 'Ed25519' },
};

/**
 * The RFC 7638 thumbprint input of the proof's public key, when it is a key of the proof's
 * algorithm. It identifies the key, so it is also the cache key (no hashing per request).
 */
const keyInput = (alg: DpopAlg, jwk: Record<string, unknown>): string | undefined => {
  const { kty, crv } = KEY_OF_ALG[alg];
  if (jwk.kty !== kty || (crv !== undefined && jwk.crv !== crv)) return undefined;
  return thumbprintInput(jwk);
};

const importKey = (alg: DpopAlg, input: string): KeyObject | undefined => {
  let key: KeyObject;
  try {
    key = createPublicKey({ key: JSON.parse(input), format: 'jwk' });
  } catch {
    return undefined;
  }
  const details = key.asymmetricKeyDetails;
  if (alg === 'ES256') return key.asymmetricKeyType === 'ec' && details?.namedCurve === 'prime256v1' ? key : undefined;
  // As jose: RSA keys below 2048 bits are refused.
  if (alg === 'PS256')
    return key.asymmetricKeyType === 'rsa' && (details?.modulusLength ?? 0) >= 2048 ? key : undefined;
  return key.asymmetricKeyType === 'ed25519' ? key : undefined;
};

const verifySignature = (alg: DpopAlg, key: KeyObject, data: Buffer, signature: Buffer): boolean => {
  try {
    if (alg === 'ES256')
      return signature.length === 64 && verify('sha256', data, { key, dsaEncoding: 'ieee-p1363' }, signature);
    if (alg === 'PS256')
      return verify(
        'sha256',
        data,
        { key, padding: constants.RSA_PKCS1_PSS_PADDING, saltLength: constants.RSA_PSS_SALTLEN_DIGEST },
        signature,
      );
    return verify(null, data, key, signature);
  } catch {
    return false;
  }
};

/** The `htu` as compared: no query, no fragment (RFC 9449 §4.3), normalised as a URL. */
export const normalizedHtu = (htu: unknown): string | undefined => {
  if (typeof htu !== 'string') return undefined;
  const url = URL.parse(htu);
  if (!url) return undefined;
  url.search = '';
  url.hash = '';
  return url.href;
};

/**
 * DPoP proofs (RFC 9449 §4.3) checked with node:crypto on the event loop: synchronous, so a proof
 * never queues in libuv's threadpool behind PIN hashing, as WebCrypto's jobs do. The key object of
 * each key is made once and kept in a bounded LRU cache under its thumbprint input, with its
 * thumbprint computed once; a proof under a cached key costs one signature check and two small
 * JSON parses. Replay (`jti`) and the token's binding (`cnf.jkt`) are the caller's: they need the
 * store and the token.
 */
export const createDpopVerifier = (options: { maxCachedKeys?: number } = {}) => {
  const maxCachedKeys = options.maxCachedKeys ?? 10_000;
  // Insertion order is recency order: a hit moves its entry to the end, the first one goes first.
  const cache = new Map<string, CachedKey>();

  const keep = (input: string, entry: CachedKey) => {
    cache.delete(input);
    cache.set(input, entry);
    while (cache.size > maxCachedKeys) cache.delete(cache.keys().next().value!);
  };

  const keyFor = (alg: DpopAlg, jwk: Record<string, unknown>) => {
    const input = keyInput(alg, jwk);
    if (input === undefined) throw new DpopProofError(`The DPoP proof's key is not a public ${alg} key.`);
    const cached = cache.get(input);
    if (cached && cached.alg === alg) return { input, entry: cached, cached: true };
    const key = importKey(alg, input);
    if (!key) throw new DpopProofError(`The DPoP proof's key is not a public ${alg} key.`);
    const jkt = thumbprintOf(input);
    return { input, entry: { alg, key, jkt }, cached: false };
  };

  return {
    /** Verifies the proof against the request; throws DpopProofError when it does not hold. */
    verify(proof: string, expected: ProofExpectations): VerifiedProof {
      if (proof.length > MAX_PROOF_LENGTH) throw new DpopProofError('The DPoP proof is invalid (too long).');
      const parts = proof.split('.');
      if (parts.length !== 3 || !parts.every((p) => B64URL.test(p)))
        throw new DpopProofError('The DPoP proof is invalid (not a compact JWS).');
      const [encodedHeader, encodedPayload, encodedSignature] = parts;
      const header = decodeJson(encodedHeader);
      if (!header) throw new DpopProofError('The DPoP proof is invalid (header).');
      // As jose compares `typ`: case-insensitively, with or without the "application/" prefix.
      if (typeof header.typ !== 'string' || header.typ.toLowerCase().replace(/^application\//, '') !== 'dpop+jwt')
        throw new DpopProofError('The DPoP proof is invalid (typ must be dpop+jwt).');
      const alg = DPOP_ALGS.find((a) => a === header.alg);
      if (!alg) throw new DpopProofError(`The DPoP proof is invalid (alg must be one of ${DPOP_ALGS.join(', ')}).`);
      // No JWS extension is understood here, so none may be critical (RFC 7515 §4.1.11).
      if ('crit' in header) throw new DpopProofError('The DPoP proof is invalid (crit).');
      const jwk = header.jwk;
      if (!isObject(jwk)) throw new DpopProofError('The DPoP proof must carry its public key.');
      if (PRIVATE_MEMBERS.some((m) => m in jwk)) throw new DpopProofError('The DPoP proof must carry a public key.');
      if (jwk.alg !== undefined && jwk.alg !== alg)
        throw new DpopProofError("The DPoP proof is invalid (the key's alg is not the proof's).");
      if (jwk.use !== undefined && jwk.use !== 'sig')
        throw new DpopProofError('The DPoP proof is invalid (the key is not for signing).');

      const { input, entry, cached } = keyFor(alg, jwk);
      const signed = Buffer.from(`${encodedHeader}.${encodedPayload}`);
      if (!verifySignature(alg, entry.key, signed, Buffer.from(encodedSignature, 'base64url')))
        throw new DpopProofError('The DPoP proof is invalid (signature).');
      if (cached) keep(input, entry);

      const payload = decodeJson(encodedPayload);
      if (!payload) throw new DpopProofError('The DPoP proof is invalid (payload).');
      const { jti, htm, htu, iat, exp, nbf, ath, nonce } = payload;
      const { now, iatToleranceSeconds: tolerance } = expected;
      // What jose checked of any JWT: exp and nbf, when present, with the same tolerance.
      if (exp !== undefined && (typeof exp !== 'number' || exp <= now - tolerance))
        throw new DpopProofError('The DPoP proof is invalid (exp).');
      if (nbf !== undefined && (typeof nbf !== 'number' || nbf > now + tolerance))
        throw new DpopProofError('The DPoP proof is invalid (nbf).');
      if (typeof jti !== 'string' || jti.length < 8 || jti.length > 256)
        throw new DpopProofError('The DPoP proof needs a jti.');
      if (htm !== expected.htm) throw new DpopProofError('The DPoP proof is for another HTTP method.');
      if (normalizedHtu(htu) !== expected.htu) throw new DpopProofError('The DPoP proof is for another URL.');
      if (typeof iat !== 'number' || !Number.isFinite(iat) || Math.abs(now - iat) > tolerance)
        throw new DpopProofError('The DPoP proof is not recent.');
      if (ath !== createHash('sha256').update(expected.accessToken).digest('base64url'))
        throw new DpopProofError('The DPoP proof is for another access token.');
      return {
        jti,
        jkt: entry.jkt,
        ...(typeof nonce === 'string' ? { nonce } : {}),
        remember: () => keep(input, entry),
      };
    },
    /** The thumbprints of the cached keys, least recently used first (tests, metrics). */
    cachedThumbprints(): string[] {
      return [...cache.values()].map((e) => e.jkt);
    },
  };
};

export type DpopVerifier = ReturnType<typeof createDpopVerifier>;
