import { importJWK, SignJWT } from 'jose';
import type { SigningKeys } from '../config/schema.ts';
import { isEndingReason, type GrantEnding } from '../grants/revocation.ts';
import { isRecord } from '../shared/unknown-json.ts';

/**
 * The event type of a linkage that ended. Neither OpenID Shared Signals (CAEP, RISC) nor FAPI Grant
 * Management defines "this grant was revoked": CAEP's session-revoked speaks of a session, which a
 * linkage is not. So the type is our own URI; its payload borrows CAEP's `initiating_entity`
 * vocabulary, and the customer is named with a Shared Signals subject identifier (RFC 9493).
 * A SET as a partner receives it (JWS header `{"typ":"secevent+jwt","alg":"ES256","kid":…}`):
 *
 *   { "iss": "<issuer>", "aud": "<client_id>", "iat": 1760000000, "jti": "<uuid>", "toe": 1759999990,
 *     "sub_id": { "format": "iss_sub", "iss": "<issuer>", "sub": "<the pairwise sub of its ID tokens>" },
 *     "events": { "urn:shinkumi:secevent:grant-revoked": {
 *       "grant_id": "<grant_id of the token response>", "reason": "customer_ineligible",
 *       "initiating_entity": "policy", "event_timestamp": 1759999990 } } }
 */
export const GRANT_REVOKED_EVENT = 'urn:shinkumi:secevent:grant-revoked';

/** RFC 8417 §2.3: the media type of a SET, also its JWS `typ`. */
export const SET_TYP = 'secevent+jwt';

/** Who caused the ending, in CAEP's terms (`admin`, `user`, `policy`, `system`). */
export const INITIATING_ENTITY: Record<GrantEnding['reason'], 'admin' | 'user' | 'policy' | 'system'> = {
  revoked_by_customer: 'user',
  revoked_by_partner: 'user',
  replaced: 'user',
  revoked_by_bank: 'admin',
  partner_removed: 'admin',
  customer_ineligible: 'policy',
  no_accounts_left: 'policy',
  expired: 'system',
  revoked_by_protocol: 'system',
};

/** What one SET says; everything in it is fixed when the delivery is queued, so retries repeat it. */
export interface GrantRevokedNotice {
  /** The SET's `jti`: the same on every retry, so a partner can drop duplicates (RFC 8935 §2). */
  jti: string;
  /** The partner's client_id: the SET's `aud`. */
  partnerId: string;
  grantId: string;
  /** The customer as this partner knows them: the pairwise `sub` of its ID tokens. */
  sub: string;
  reason: GrantEnding['reason'];
  /** ms since the epoch. */
  endedAt: number;
  /** When the SET was issued (queued), ms since the epoch: its `iat`. */
  issuedAt: number;
}

/** A notice read back from the delivery queue, member by member. */
export const isGrantRevokedNotice = (value: unknown): value is GrantRevokedNotice =>
  isRecord(value) &&
  typeof value.jti === 'string' &&
  typeof value.partnerId === 'string' &&
  typeof value.grantId === 'string' &&
  typeof value.sub === 'string' &&
  isEndingReason(value.reason) &&
  typeof value.endedAt === 'number' &&
  typeof value.issuedAt === 'number';

const seconds = (ms: number) => Math.floor(ms / 1000);

/** The SET's claims (RFC 8417 §2.2). No `exp`: a SET is a statement of fact, not a credential. */
export const grantRevokedClaims = (issuer: string, notice: GrantRevokedNotice) => ({
  iss: issuer,
  aud: notice.partnerId,
  iat: seconds(notice.issuedAt),
  jti: notice.jti,
  toe: seconds(notice.endedAt),
  sub_id: { format: 'iss_sub', iss: issuer, sub: notice.sub },
  events: {
    [GRANT_REVOKED_EVENT]: {
      grant_id: notice.grantId,
      reason: notice.reason,
      initiating_entity: INITIATING_ENTITY[notice.reason],
      event_timestamp: seconds(notice.endedAt),
    },
  },
});

/**
 * Signs SETs with one of the server's signing keys, the same JWKS oidc-provider publishes at
 * /jwks: the first ES256 key, else the first PS256 key. Signing happens when a SET is sent, not
 * when it is queued, so a key rotation in between never leaves a partner with an unknown `kid`.
 */
export const createSetSigner = (keys: SigningKeys, issuer: string) => {
  const key = keys.keys.find((k) => k.alg === 'ES256') ?? keys.keys.find((k) => k.alg === 'PS256');
  if (!key)
    throw new Error('partner events: the signing keys hold no ES256 or PS256 key to sign Security Event Tokens with');
  let imported: ReturnType<typeof importJWK> | undefined;
  return {
    kid: key.kid,
    async sign(notice: GrantRevokedNotice): Promise<string> {
      imported ??= importJWK(key, key.alg);
      return new SignJWT(grantRevokedClaims(issuer, notice))
        .setProtectedHeader({ alg: key.alg, kid: key.kid, typ: SET_TYP })
        .sign(await imported);
    },
  };
};

export type SetSigner = ReturnType<typeof createSetSigner>;
