import { randomBytes } from 'node:crypto';
import { generateServerKeySet, generateSigningJwk, publicJwk, type Jwk } from './generate.ts';

/**
 * The keys directory and its safe changes. Two kinds of material live there:
 * - rotating keys: the signing JWKS (ID tokens, partner events, audit checkpoints), the cookie
 *   keys and the DPoP nonce secret; each rotation overlaps old and new, see docs/operations.md;
 * - the pairwise salt: not a key at all but the seed of every partner's `sub`. Changing it gives
 *   every customer a new `sub` at every partner, so it changes only on its own explicit request.
 */
export type { Jwk } from './generate.ts';
export interface KeyDirectory {
  jwks: { keys: Jwk[] };
  secrets: { cookieKeys: string[]; dpopNonceSecret: string; pairwiseSalt: string } & Record<string, unknown>;
  /** Public halves of retired checkpoint keys, kept so that audit:verify checks old checkpoints. */
  checkpointKeys: { keys: Jwk[] };
  /** Kids published at /jwks but not signing yet (step 1 of a rotation). */
  rotation: { staged: string[] };
}

const ALGS = ['PS256', 'ES256'] as const;
const newSecret = () => randomBytes(32).toString('base64url');

/** A whole new set (first run). */
export const freshDirectory = async (): Promise<KeyDirectory> => {
  const set = await generateServerKeySet({ demo: false });
  return {
    jwks: set.jwks,
    secrets: set.secrets,
    checkpointKeys: { keys: [] },
    rotation: { staged: [] },
  };
};

const retire = (dir: KeyDirectory, gone: Jwk[]): KeyDirectory['checkpointKeys'] => {
  const known = new Set(dir.checkpointKeys.keys.map((k) => k.kid));
  return {
    keys: [
      ...dir.checkpointKeys.keys,
      ...gone.filter((k) => !known.has(k.kid)).map((k) => ({ ...publicJwk(k), kid: k.kid, alg: k.alg })),
    ],
  };
};

/**
 * Step 1: new signing keys are published (appended: oidc-provider signs with the first key of an
 * algorithm, so they are not used yet) while partners' JWKS caches catch up; a new cookie key
 * signs new cookies at once (older ones still verify); a new DPoP nonce secret (a nonce made with
 * the old one is answered with use_dpop_nonce and a fresh nonce, which clients retry with).
 */
export const stage = async (dir: KeyDirectory): Promise<KeyDirectory> => {
  if (dir.rotation.staged.length) throw new Error('a rotation is already staged: run --promote first');
  const added = await Promise.all(ALGS.map((alg) => generateSigningJwk(alg)));
  return {
    ...dir,
    jwks: { keys: [...dir.jwks.keys, ...added] },
    secrets: { ...dir.secrets, cookieKeys: [newSecret(), ...dir.secrets.cookieKeys], dpopNonceSecret: newSecret() },
    rotation: { staged: added.map((k) => k.kid) },
  };
};

/** Step 2: the staged keys sign from now on; the old ones stay published and keep verifying. */
export const promote = (dir: KeyDirectory): KeyDirectory => {
  const staged = new Set(dir.rotation.staged);
  if (!staged.size) throw new Error('nothing is staged: run --rotate first');
  const fresh = dir.jwks.keys.filter((k) => staged.has(k.kid));
  return {
    ...dir,
    jwks: { keys: [...fresh, ...dir.jwks.keys.filter((k) => !staged.has(k.kid))] },
    rotation: { staged: [] },
  };
};

/**
 * Step 3, once what the old keys signed has expired: only the newest key of each algorithm and the
 * newest cookie key remain; the retired signing keys' public halves go to checkpoint-keys.json.
 */
export const retireOld = (dir: KeyDirectory): KeyDirectory => {
  if (dir.rotation.staged.length) throw new Error('a rotation is staged: run --promote before --retire');
  const keep = new Set<string>();
  const seen = new Set<string>();
  for (const k of dir.jwks.keys)
    if (!seen.has(k.alg)) {
      seen.add(k.alg);
      keep.add(k.kid);
    }
  const gone = dir.jwks.keys.filter((k) => !keep.has(k.kid));
  return {
    ...dir,
    jwks: { keys: dir.jwks.keys.filter((k) => keep.has(k.kid)) },
    secrets: { ...dir.secrets, cookieKeys: dir.secrets.cookieKeys.slice(0, 1) },
    checkpointKeys: retire(dir, gone),
  };
};

/**
 * Everything rotating replaced at once (a compromise): tokens' ID tokens, cookies and nonces stop
 * verifying. The pairwise salt stays unless asked for; the old signing keys' public halves stay
 * for audit:verify.
 */
export const replaceAll = async (dir: KeyDirectory, options: { newPairwiseSalt: boolean }): Promise<KeyDirectory> => {
  const fresh = await freshDirectory();
  return {
    jwks: fresh.jwks,
    secrets: {
      ...fresh.secrets,
      pairwiseSalt: options.newPairwiseSalt ? fresh.secrets.pairwiseSalt : dir.secrets.pairwiseSalt,
    },
    checkpointKeys: retire(dir, dir.jwks.keys),
    rotation: { staged: [] },
  };
};

/** Only the pairwise salt. */
export const newPairwiseSalt = (dir: KeyDirectory): KeyDirectory => ({
  ...dir,
  secrets: { ...dir.secrets, pairwiseSalt: newSecret() },
});

export const PAIRWISE_SALT_WARNING =
  "The pairwise salt makes every partner's `sub` for every customer. A new salt gives every customer a new `sub` " +
  'at every partner: partners can no longer match their users to their data, refresh tokens carry the old `sub` ' +
  'in new ID tokens, and incident exports name customers by a `sub` the partner never saw. End every linkage ' +
  'first, or keep the salt.';
