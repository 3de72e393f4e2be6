import { randomBytes } from 'node:crypto';

const BASE32 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';

export const base32Encode = (bytes: Buffer): string => {
  let bits = 0;
  let value = 0;
  let out = '';
  for (const byte of bytes) {
    value = (value << 8) | byte;
    bits += 8;
    while (bits >= 5) {
      out += BASE32[(value >>> (bits - 5)) & 31];
      bits -= 5;
    }
  }
  if (bits > 0) out += BASE32[(value << (5 - bits)) & 31];
  return out;
};

/** A new authenticator secret: 160 bits, as RFC 4226 recommends for HMAC-SHA-1. */
export const newTotpSecret = (): string => base32Encode(randomBytes(20));

/** The otpauth:// URI authenticator apps read (usually from a QR code) to register the secret. */
export const otpauthUri = (options: { issuer: string; username: string; secret: string }): string => {
  const label = `${encodeURIComponent(options.issuer)}:${encodeURIComponent(options.username)}`;
  const params = new URLSearchParams({
    secret: options.secret,
    issuer: options.issuer,
    algorithm: 'SHA1',
    digits: '6',
    period: '30',
  });
  return `otpauth://totp/${label}?${params.toString()}`;
};
