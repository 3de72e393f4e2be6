import { CompactSign, compactVerify, createLocalJWKSet, importJWK, type JWK } from 'jose';
import type { SigningKeys } from '../config/schema.ts';
import { isJwk } from '../shared/jwk.ts';
import { messageOf } from '../shared/thrown.ts';
import { isRecord } from '../shared/unknown-json.ts';

/** What a checkpoint fixes: a chain's length and the hash of its newest event at that moment. */
export interface Checkpoint {
  chain: string;
  instance: string;
  /** The chain's length: its newest event's seq. */
  seq: number;
  /** SHA-256 (hex) of that newest event. */
  head: string;
  headTime?: string;
  /** When the checkpoint was made (ISO 8601). */
  time: string;
}

export interface CheckpointSigner {
  readonly kid: string;
  /** Resolves once the key is imported and usable (readiness). */
  ready(): Promise<void>;
  sign(checkpoint: Checkpoint): Promise<string>;
}

const TYP = 'audit-checkpoint';
const PRIVATE_MEMBERS = ['d', 'p', 'q', 'dp', 'dq', 'qi', 'oth', 'k'];

const publicJwk = (key: object): JWK => {
  const out: Record<string, unknown> = { ...key };
  for (const m of PRIVATE_MEMBERS) delete out[m];
  if (!isJwk(out)) throw new TypeError('a checkpoint key is not a JWK');
  return out;
};

/** A checkpoint's payload, member by member. */
const isCheckpoint = (value: unknown): value is Checkpoint =>
  isRecord(value) &&
  typeof value.chain === 'string' &&
  typeof value.instance === 'string' &&
  Number.isInteger(value.seq) &&
  typeof value.head === 'string' &&
  (value.headTime === undefined || typeof value.headTime === 'string') &&
  typeof value.time === 'string';

/**
 * Signs checkpoints with one of the server's signing keys (config.signingKeys): the one named by
 * settings.audit.checkpointKeyId, else the first ES256 key, else the first key. The key stays in
 * the JWKS after a rotation for as long as the audit retention, or older checkpoints no longer verify.
 */
export const createCheckpointSigner = (keys: SigningKeys, kid?: string | null): CheckpointSigner => {
  const key = kid ? keys.keys.find((k) => k.kid === kid) : (keys.keys.find((k) => k.alg === 'ES256') ?? keys.keys[0]);
  if (!key)
    throw new Error(`audit.checkpointKeyId: no signing key with kid "${kid}" in the keys directory's jwks.json`);
  let imported: ReturnType<typeof importJWK> | undefined;
  const privateKey = () => (imported ??= importJWK(key, key.alg));
  return {
    kid: key.kid,
    async ready() {
      await privateKey();
    },
    async sign(checkpoint) {
      return new CompactSign(new TextEncoder().encode(JSON.stringify(checkpoint)))
        .setProtectedHeader({ alg: key.alg, kid: key.kid, typ: TYP })
        .sign(await privateKey());
    },
  };
};

/** Checks a checkpoint's signature against the public halves of the server's keys. */
export const createCheckpointVerifier = (keys: { keys: readonly object[] }) => {
  const jwks = createLocalJWKSet({ keys: keys.keys.map(publicJwk) });
  return async (jws: string): Promise<{ checkpoint: Checkpoint } | { error: string }> => {
    try {
      const { payload, protectedHeader } = await compactVerify(jws, jwks, { algorithms: ['ES256', 'PS256', 'EdDSA'] });
      if (protectedHeader.typ !== TYP) return { error: `not an audit checkpoint (typ ${protectedHeader.typ})` };
      const checkpoint: unknown = JSON.parse(new TextDecoder().decode(payload));
      if (!isCheckpoint(checkpoint)) return { error: 'malformed checkpoint' };
      return { checkpoint };
    } catch (e) {
      return { error: messageOf(e) };
    }
  };
};
