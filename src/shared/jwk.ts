import type { JWK } from 'jose';
import { isRecord, isStringArray } from './unknown-json.ts';

/** JWK members whose value is a string (RFC 7517, RFC 7518 section 6, RFC 8037, RFC 9964). */
const STRING_MEMBERS = [
  'kty',
  'alg',
  'use',
  'kid',
  'crv',
  'x',
  'y',
  'd',
  'n',
  'e',
  'p',
  'q',
  'dp',
  'dq',
  'qi',
  'k',
  'pub',
  'priv',
  'x5t',
  'x5t#S256',
  'x5u',
] as const;

/**
 * A JSON Web Key as jose types it: an object whose members, where present, have the types RFC 7517
 * gives them (jose checks the key material itself when it imports the key).
 */
export const isJwk = (value: unknown): value is JWK =>
  isRecord(value) &&
  STRING_MEMBERS.every((m) => value[m] === undefined || typeof value[m] === 'string') &&
  (value.key_ops === undefined || isStringArray(value.key_ops)) &&
  (value.x5c === undefined || isStringArray(value.x5c)) &&
  (value.ext === undefined || typeof value.ext === 'boolean') &&
  (value.oth === undefined ||
    (Array.isArray(value.oth) &&
      value.oth.every(
        (factor) =>
          isRecord(factor) && ['d', 'r', 't'].every((m) => factor[m] === undefined || typeof factor[m] === 'string'),
      )));
