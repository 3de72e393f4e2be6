import { generateKeyPairSync } from 'node:crypto';
import { calculateJwkThumbprint, type JWK } from 'jose';
import { jwkThumbprint } from '../../src/shared/jwk-thumbprint.ts';

const publicJwk = (type: 'ec' | 'rsa' | 'ed25519'): JWK => {
  const { publicKey } =
    type === 'ec'
      ? generateKeyPairSync('ec', { namedCurve: 'P-256' })
      : type === 'rsa'
        ? generateKeyPairSync('rsa', { modulusLength: 2048 })
        : generateKeyPairSync('ed25519');
  return { ...publicKey.export({ format: 'jwk' }), alg: 'x', use: 'sig', kid: 'ignored' };
};

describe('the JWK thumbprint (RFC 7638)', () => {
  test.each(['ec', 'rsa', 'ed25519'] as const)(
    'is what jose computes, for a %s key with extra members',
    async (type) => {
      const jwk = publicJwk(type);
      expect(jwkThumbprint(jwk)).toBe(await calculateJwkThumbprint(jwk));
    },
  );

  test("matches RFC 7638's own example", () => {
    const jwk = {
      kty: 'RSA',
      n: [
        '0vx7agoebGcQSuuPiLJXZptN9nndrQmbXEps2aiAFbWhM78LhWx4cbbfAAtVT86zwu1RK7aPFFxuhDR1',
        'L6tSoc_BJECPebWKRXjBZCiFV4n3oknjhMstn64tZ_2W-5JsGY4Hc5n9yBXArwl93lqt7_RN5w6Cf0h4',
        'QyQ5v-65YGjQR0_FDW2QvzqY368QQMicAtaSqzs8KJZgnYb9c7d0zgdAZHzu6qMQvRL5hajrn1n91CbO',
        'pbISD08qNLyrdkt-bFTWhAI4vMQFh6WeZu0fM4lFd2NcRwr3XPksINHaQ-G_xBniIqbw0Ls1jF44-csF',
        'Cur-kEgU8awapJzKnqDKgw',
      ].join(''),
      e: 'AQAB',
      alg: 'RS256',
      kid: '2011-04-29',
    };
    expect(jwkThumbprint(jwk)).toBe('NzbLsXh8uDCcd-6MNwXF4W_7noWXFZAfHkxZsRGC9Xs');
  });

  test.each([
    ['no object', 'a string'],
    ['null', null],
    ['an unknown key type', { kty: 'oct', k: 'c2VjcmV0' }],
    ['a missing member', { kty: 'EC', crv: 'P-256', x: 'abc' }],
    ['an empty member', { kty: 'OKP', crv: 'Ed25519', x: '' }],
    ['a member that is not a string', { kty: 'RSA', e: 65537, n: 'abc' }],
  ])('is undefined for %s', (_, jwk) => {
    expect(jwkThumbprint(jwk)).toBeUndefined();
  });
});
