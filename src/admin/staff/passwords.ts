import { randomBytes } from 'node:crypto';
import argon2 from 'argon2';
import type { Admission } from '../../shared/admission.ts';

/** OWASP's argon2id minimum (19 MiB, 2 passes): a login takes tens of milliseconds, a guess as long. */
const PARAMETERS = { type: argon2.argon2id, memoryCost: 19_456, timeCost: 2, parallelism: 1 } as const;

export const MIN_PASSWORD_LENGTH = 12;
export const MAX_PASSWORD_LENGTH = 256;

export const hashPassword = (password: string): Promise<string> => argon2.hash(password, PARAMETERS);

/** A password good enough for a staff account, or why not (the CLI and the console say it). */
export const passwordProblem = (password: string): string | undefined => {
  if (password.length < MIN_PASSWORD_LENGTH) return `a password needs at least ${MIN_PASSWORD_LENGTH} characters`;
  if (password.length > MAX_PASSWORD_LENGTH) return `a password has at most ${MAX_PASSWORD_LENGTH} characters`;
  return undefined;
};

/** A random password for an account created without one (shown once). */
export const randomPassword = (): string => randomBytes(18).toString('base64url');

/**
 * Checks a password against a stored hash. Without a hash (unknown username) a dummy is verified
 * instead, so the answer takes as long whether or not the account exists.
 */
export const createPasswordVerifier = () => {
  const dummy = hashPassword(randomBytes(16).toString('hex'));
  dummy.catch(() => {}); // surfaced on first use, not as an unhandled rejection at start-up
  return async (hash: string | undefined, password: string): Promise<boolean> => {
    if (hash === undefined) {
      await argon2.verify(await dummy, password);
      return false;
    }
    try {
      return await argon2.verify(hash, password);
    } catch {
      return false;
    }
  };
};

export type PasswordVerifier = ReturnType<typeof createPasswordVerifier>;

/** The verifier behind an admission limit (argon2 takes tens of ms of CPU and 19 MiB per check). */
export const admittedPasswordVerifier =
  (verify: PasswordVerifier, admission: Admission | undefined): PasswordVerifier =>
  (hash, password) =>
    admission ? admission.run(() => verify(hash, password)) : verify(hash, password);
