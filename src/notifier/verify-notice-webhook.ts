import { flattenedVerify, type FlattenedVerifyGetKey } from 'jose';

export type WebhookCheck =
  | { ok: true; noticeId: string; body: Record<string, unknown>; duplicate: boolean }
  | { ok: false; status: 400 | 401 | 409; reason: string };

/**
 * The receiver's check of a notice webhook, for the bank's messaging system to copy (it needs only
 * `jose`): the `JWS-Signature` header is a detached JWS over the raw body with `b64: false`
 * (RFC 7797). It refuses a bad signature, a signature whose `iat` is outside the replay window,
 * and a `jti` it has already seen (a replayed request); a new attempt of a notice it already has
 * (same noticeId, fresh jti) is accepted as a duplicate, to be shown to the customer once.
 *
 *   const seen = new Map<string, number>();           // jti → expiry; share it across instances
 *   const delivered = new Set<string>();               // noticeIds already shown
 *   const keys = createRemoteJWKSet(new URL(`${issuer}/jwks`));
 *   const check = await verifyNoticeWebhook({ signature, rawBody, keys, now: Date.now(),
 *     windowSeconds: 300, seenJti: seen, deliveredNotices: delivered });
 */
/** A JSON object: written out here, so that the file needs nothing but jose. */
const isObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

export const verifyNoticeWebhook = async (input: {
  signature: string | undefined;
  rawBody: Uint8Array;
  keys: FlattenedVerifyGetKey;
  /** ms since the epoch */
  now: number;
  windowSeconds: number;
  seenJti: Map<string, number>;
  deliveredNotices: Set<string>;
}): Promise<WebhookCheck> => {
  const parts = input.signature?.split('.');
  if (!parts || parts.length !== 3 || parts[1] !== '') return { ok: false, status: 401, reason: 'no detached JWS' };
  let header: { iat?: unknown; jti?: unknown; typ?: unknown };
  try {
    const verified = await flattenedVerify(
      { protected: parts[0], payload: input.rawBody, signature: parts[2] },
      input.keys,
      { algorithms: ['ES256', 'PS256'], crit: { b64: true } },
    );
    header = verified.protectedHeader ?? {};
  } catch {
    return { ok: false, status: 401, reason: 'bad signature' };
  }
  if (header.typ !== 'notice+jws') return { ok: false, status: 401, reason: 'not a notice signature' };
  const iat = typeof header.iat === 'number' ? header.iat * 1000 : NaN;
  if (!(Math.abs(input.now - iat) <= input.windowSeconds * 1000))
    return { ok: false, status: 401, reason: 'signature outside the replay window' };
  const jti = typeof header.jti === 'string' ? header.jti : '';
  for (const [seen, expiry] of input.seenJti) if (expiry < input.now) input.seenJti.delete(seen);
  if (!jti || input.seenJti.has(jti)) return { ok: false, status: 409, reason: 'replayed request' };
  input.seenJti.set(jti, iat + input.windowSeconds * 1000);
  let body: unknown;
  try {
    body = JSON.parse(new TextDecoder().decode(input.rawBody));
  } catch {
    return { ok: false, status: 400, reason: 'body is not JSON' };
  }
  const noticeId = isObject(body) && typeof body.noticeId === 'string' ? body.noticeId : '';
  if (!isObject(body) || !noticeId) return { ok: false, status: 400, reason: 'no noticeId' };
  const duplicate = input.deliveredNotices.has(noticeId);
  input.deliveredNotices.add(noticeId);
  return { ok: true, noticeId, body, duplicate };
};
