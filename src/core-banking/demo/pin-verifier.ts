import { randomBytes } from 'node:crypto';
import argon2 from 'argon2';

export interface PinVerifier {
  /**
   * True when `pin` matches `pinHash`. Without a hash (unknown account, or one without a PIN) a
   * dummy hash made with the same argon2 parameters is verified instead and the answer is false,
   * so the time taken does not tell whether the account exists.
   */
  verify(pinHash: string | undefined, pin: string): Promise<boolean>;
}

interface Argon2Parameters {
  memoryCost: number;
  timeCost: number;
  parallelism: number;
}

// argon2's own defaults, for a data set without a single PIN hash to copy them from.
const DEFAULT_PARAMETERS: Argon2Parameters = { memoryCost: 65_536, timeCost: 3, parallelism: 4 };

/** The m, t, p parameters of a PHC-format argon2 hash such as `$argon2id$v=19$m=19456,p=1,t=2$…`. */
export const argon2Parameters = (phcHash: string): Argon2Parameters | undefined => {
  const fields = phcHash.split('$')[3] ?? '';
  const values = new Map(
    fields.split(',').map((pair): [string, string | undefined] => {
      const [name = '', value] = pair.split('=');
      return [name, value];
    }),
  );
  const [m, t, p] = ['m', 't', 'p'].map((name) => Number(values.get(name)));
  return [m, t, p].every((n) => Number.isInteger(n) && n > 0)
    ? { memoryCost: m, timeCost: t, parallelism: p }
    : undefined;
};

/**
 * `sampleHash` is one of the real PIN hashes; the dummy copies its parameters. The dummy is
 * hashed once, starting now, so that not even the first unknown-account attempt is slower.
 */
export const createPinVerifier = (sampleHash: string | undefined): PinVerifier => {
  const parameters = (sampleHash && argon2Parameters(sampleHash)) || DEFAULT_PARAMETERS;
  const dummyHash = argon2.hash(randomBytes(16).toString('hex'), { type: argon2.argon2id, ...parameters });
  dummyHash.catch(() => {}); // surfaced on first use, not as an unhandled rejection at start-up
  return {
    async verify(pinHash, pin) {
      if (pinHash === undefined) {
        await argon2.verify(await dummyHash, pin);
        return false;
      }
      return argon2.verify(pinHash, pin);
    },
  };
};
