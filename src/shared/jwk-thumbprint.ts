import { createHash } from 'node:crypto';

/** RFC 7638's required members of each public key type, in lexicographic order. */
const REQUIRED_MEMBERS = {
  EC: ['crv', 'kty', 'x', 'y'],
  RSA: ['e', 'kty', 'n'],
  OKP: ['crv', 'kty', 'x'],
} as const;

const isKeyType = (kty: unknown): kty is keyof typeof REQUIRED_MEMBERS =>
  kty === 'EC' || kty === 'RSA' || kty === 'OKP';

/**
 * The RFC 7638 thumbprint input of a public JWK: its type's required members, in lexicographic
 * order, as JSON. Undefined when the JWK lacks a member its type requires. It identifies the key,
 * so the data API's verifier also keys its cache by it.
 */
export const thumbprintInput = (jwk: unknown): string | undefined => {
  if (typeof jwk !== 'object' || jwk === null) return undefined;
  const kty: unknown = Reflect.get(jwk, 'kty');
  if (!isKeyType(kty)) return undefined;
  const input: Record<string, string> = {};
  for (const member of REQUIRED_MEMBERS[kty]) {
    const value: unknown = Reflect.get(jwk, member);
    if (typeof value !== 'string' || value.length === 0) return undefined;
    input[member] = value;
  }
  return JSON.stringify(input);
};

/** The SHA-256 thumbprint (base64url) of a thumbprint input. */
export const thumbprintOf = (input: string): string => createHash('sha256').update(input).digest('base64url');

/**
 * The RFC 7638 SHA-256 thumbprint of a JWK (base64url), computed synchronously with node:crypto:
 * jose's calculateJwkThumbprint hashes through WebCrypto, a job in libuv's pool per call. Undefined
 * when the JWK lacks a member its type requires.
 */
export const jwkThumbprint = (jwk: unknown): string | undefined => {
  const input = thumbprintInput(jwk);
  return input === undefined ? undefined : thumbprintOf(input);
};
