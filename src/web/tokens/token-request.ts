import { isOptional, isRecord, isStringArray } from '../../shared/unknown-json.ts';
import type { ResourceError } from '../errors.ts';
import type { VerifiedProof } from './dpop-verifier.ts';

/** What every access token this server issues carries, whichever model oidc-provider stored it as. */
export interface TokenPayload {
  jti: string;
  exp: number;
  clientId: string;
  aud?: string | string[];
  scope?: string;
  /** The DPoP key the token is bound to (RFC 9449). */
  jkt?: string;
  /** The client certificate the token is bound to (RFC 8705). */
  'x5t#S256'?: string;
}

/** A partner's access token (oidc-provider's opaque AccessToken), with what was copied onto it at issuance. */
export interface AccessTokenPayload extends TokenPayload {
  kind: 'AccessToken';
  iat: number;
  accountId: string;
  grantId: string;
  /** `customer`: the customer number, for the audit trail (the token is opaque; only bank servers introspect). */
  extra?: { accounts?: string[]; grant_exp?: number; customer?: string };
}

/** A client-credentials access token of one of the bank's own systems (its `ClientCredentials` model). */
export interface ClientCredentialsPayload extends TokenPayload {
  kind: 'ClientCredentials';
}

/** The members every token payload has, checked one by one (oidc-provider's record, read back from the store). */
const hasTokenMembers = (value: Record<string, unknown>): boolean =>
  typeof value.jti === 'string' &&
  typeof value.exp === 'number' &&
  typeof value.clientId === 'string' &&
  (isOptional(value.aud, 'string') || isStringArray(value.aud)) &&
  isOptional(value.scope, 'string') &&
  isOptional(value.jkt, 'string') &&
  isOptional(value['x5t#S256'], 'string');

/**
 * An AccessToken record as stored. The linkage's members may be missing (then the linkage has
 * ended, which the caller tells apart from a token that is not valid at all).
 */
export type StoredAccessToken = Omit<AccessTokenPayload, 'grantId'> & { grantId?: string };

export const isStoredAccessToken = (value: unknown): value is StoredAccessToken => {
  if (!isRecord(value) || value.kind !== 'AccessToken' || !hasTokenMembers(value)) return false;
  const { iat, accountId, grantId, extra } = value;
  return (
    typeof iat === 'number' &&
    typeof accountId === 'string' &&
    isOptional(grantId, 'string') &&
    (extra === undefined ||
      (isRecord(extra) &&
        (extra.accounts === undefined || isStringArray(extra.accounts)) &&
        (extra.grant_exp === undefined || typeof extra.grant_exp === 'number') &&
        isOptional(extra.customer, 'string')))
  );
};

export const isClientCredentialsPayload = (value: unknown): value is ClientCredentialsPayload =>
  isRecord(value) && value.kind === 'ClientCredentials' && hasTokenMembers(value);

export type Scheme = 'DPoP' | 'Bearer';

/** The scheme a 401/403 challenge names: the one the caller used, else the surface's default. */
export interface ChallengeState {
  challenge?: Scheme;
}

/** The credentials as sent: `Authorization: <scheme> <token>`. */
export interface CredentialsState extends ChallengeState {
  credentials: { token: string; scheme: Scheme };
}

/**
 * A DPoP proof checked against the request before the token is read: either what failed (said
 * later, at the sender-constraint check's place) or the verified proof with the replay marker the
 * token's read sets, and `fresh` once it did (false: the proof was seen before).
 */
export interface ProofState {
  proof?:
    | { error: ResourceError }
    | { verified: VerifiedProof; replay: { key: string; ttlSeconds: number }; fresh?: boolean };
}

/** After a token was found: its payload, read by every later check. */
export interface TokenState<P extends TokenPayload = TokenPayload> extends CredentialsState {
  token: P;
}

/** A partner's call: its token and the account ids the grant covers (copied onto the token at issuance). */
export interface PartnerTokenState extends TokenState<AccessTokenPayload> {
  accountIds: string[];
}

/** A call of one of the bank's systems; `internalClient` is the actor of what it does. */
export interface InternalClientState extends TokenState<ClientCredentialsPayload> {
  internalClient: string;
}
