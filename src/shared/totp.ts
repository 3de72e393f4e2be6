import { createHmac, timingSafeEqual } from 'node:crypto';

/** RFC 6238 TOTP (HMAC-SHA-1, 30-second steps, 6 digits), as authenticator apps implement it. */
const STEP_SECONDS = 30;
const DIGITS = 6;

const BASE32 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';

export const base32Decode = (input: string): Buffer => {
  const clean = input.replace(/=+$/, '').replace(/\s+/g, '').toUpperCase();
  let bits = 0;
  let value = 0;
  const out: number[] = [];
  for (const ch of clean) {
    const idx = BASE32.indexOf(ch);
    if (idx === -1) throw new TypeError('invalid base32');
    value = (value << 5) | idx;
    bits += 5;
    if (bits >= 8) {
      out.push((value >>> (bits - 8)) & 0xff);
      bits -= 8;
    }
  }
  return Buffer.from(out);
};

/** RFC 4226 HOTP for one counter value. */
export const hotp = (secret: Buffer, counter: number): string => {
  const msg = Buffer.alloc(8);
  msg.writeBigUInt64BE(BigInt(counter));
  const mac = createHmac('sha1', secret).update(msg).digest();
  const offset = mac[mac.length - 1] & 0x0f;
  const code = (mac.readUInt32BE(offset) & 0x7fffffff) % 10 ** DIGITS;
  return String(code).padStart(DIGITS, '0');
};

export const totpCounter = (nowMs: number) => Math.floor(nowMs / 1000 / STEP_SECONDS);

export const totp = (secretBase32: string, nowMs: number): string =>
  hotp(base32Decode(secretBase32), totpCounter(nowMs));

/**
 * The counter (time step) whose code matches, looking `window` steps either side of now for clock
 * drift; undefined when none does. The caller refuses a counter already used (replay).
 */
export const matchTotp = (secretBase32: string, code: string, nowMs: number, window: number): number | undefined => {
  const secret = base32Decode(secretBase32);
  const current = totpCounter(nowMs);
  const given = Buffer.from(code);
  let matched: number | undefined;
  for (let c = current - window; c <= current + window; c += 1) {
    const expected = Buffer.from(hotp(secret, c));
    // Check every step whatever matched, so the time taken does not depend on which one did.
    if (expected.length === given.length && timingSafeEqual(expected, given)) matched ??= c;
  }
  return matched;
};
